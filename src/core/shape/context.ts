// What a shape function sees of its node: input types, statically known input values, attributes,
// and how to report outputs and problems.
import { DataType } from '../ir/data-type';
import type { Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';
import type { Dim, Shape, ValueType } from '../ir/shape';
import { Tensor } from '../ir/tensor';
import type { SymbolTable } from './dims';
import type { InferredValue, ShapeDiagnostic } from './types';

/** Largest tensor whose values we keep or compute during inference (shape arithmetic is small). */
export const MAX_FOLD_ELEMENTS = 4096;

export class InferenceState {
  readonly values = new Map<Value, InferredValue>();
  readonly diagnostics: ShapeDiagnostic[] = [];
  readonly unknown = new Map<string, { domain: string; opType: string; count: number }>();
  /** 1-D integer values known up to symbols (e.g. Shape of [N,3,H,W] is [N,3,H,W]). */
  readonly dimValues = new Map<Value, Dim[]>();
  constructor(
    readonly model: Model,
    readonly syms: SymbolTable,
  ) {}
}

export class OpContext {
  constructor(
    readonly node: Node,
    readonly state: InferenceState,
    /** Opset version of the node's domain. */
    readonly opset: number,
  ) {}

  get syms(): SymbolTable {
    return this.state.syms;
  }

  get inputCount(): number {
    return this.node.inputs.length;
  }

  has(i: number): boolean {
    return !!this.node.inputs[i];
  }

  typeOf(i: number): ValueType | null {
    const v = this.node.inputs[i];
    if (!v) return null;
    return this.state.values.get(v)?.type ?? v.type;
  }

  /** Shape of input i, or null when unknown or not a tensor. */
  shape(i: number): Shape | null {
    const t = this.typeOf(i);
    return t && (t.kind === 'tensor' || t.kind === 'sparse_tensor') ? t.shape : null;
  }

  rank(i: number): number | undefined {
    return this.shape(i)?.length;
  }

  elemType(i: number): DataType {
    const t = this.typeOf(i);
    return t && (t.kind === 'tensor' || t.kind === 'sparse_tensor') ? t.elemType : DataType.UNDEFINED;
  }

  /** Statically known contents of input i (initializer, Constant node or folded value). */
  constTensor(i: number): Tensor | undefined {
    const v = this.node.inputs[i];
    if (!v) return undefined;
    const folded = this.state.values.get(v)?.constant;
    if (folded) return folded;
    const c = v.constant;
    if (c && c.elementCount <= MAX_FOLD_ELEMENTS && c.storage.kind !== 'external') return c;
    return undefined;
  }

  /** Statically known contents of input i as numbers (int64 beyond 2^53 saturates), if small. */
  constValues(i: number): number[] | undefined {
    const t = this.constTensor(i);
    if (!t || t.dataType === DataType.STRING) return undefined;
    try {
      return Array.from(t.toNumbers());
    } catch {
      return undefined;
    }
  }

  /** Contents of a 1-D integer input as dims: concrete where folded, symbols where they came from a Shape. */
  dimValues(i: number): Dim[] | undefined {
    const v = this.node.inputs[i];
    if (!v) return undefined;
    const sym = this.state.dimValues.get(v);
    if (sym) return sym;
    const c = this.constValues(i);
    return c && (this.rank(i) ?? 1) <= 1 ? c : undefined;
  }

  /** Record a 1-D int64 output whose values are dims; folds to a constant when all are concrete. */
  dimsOut(i: number, dims: Dim[], scalar = false): void {
    const v = this.node.outputs[i];
    if (!v) return;
    const shape = scalar ? [] : [dims.length];
    if (dims.every((d) => typeof d === 'number')) {
      this.tensorOut(i, DataType.INT64, shape, dims as number[]);
    } else {
      this.tensorOut(i, DataType.INT64, shape);
    }
    this.state.dimValues.set(v, dims);
  }

  setOutput(i: number, type: ValueType | null, constant?: Tensor): void {
    const v = this.node.outputs[i];
    if (!v) return;
    const declared = v.type;
    this.state.values.set(v, { type: type ?? declared, ...(constant ? { constant } : {}) });
  }

  tensorOut(i: number, elemType: DataType, shape: Shape | null, values?: ArrayLike<number>): void {
    let constant: Tensor | undefined;
    if (values && shape && shape.every((d) => typeof d === 'number') && values.length <= MAX_FOLD_ELEMENTS) {
      try {
        constant = Tensor.fromNumbers(this.node.outputs[i]?.name ?? '', elemType, shape as number[], values);
      } catch {
        constant = undefined;
      }
    }
    this.setOutput(i, { kind: 'tensor', elemType, shape }, constant);
  }

  /** Output i has the same type as input j. */
  passThrough(i: number, j: number): void {
    this.setOutput(i, this.typeOf(j));
  }

  error(message: string): void {
    this.state.diagnostics.push({ severity: 'error', node: this.node, message });
  }

  warn(message: string): void {
    this.state.diagnostics.push({ severity: 'warning', node: this.node, message });
  }

  fresh(): Dim {
    return this.syms.fresh();
  }
}

export type ShapeFn = (ctx: OpContext) => void;
