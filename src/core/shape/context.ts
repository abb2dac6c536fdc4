// What a shape function sees of its node: input types, statically known input values, attributes,
// and how to report outputs and problems. Known values are bounded here, in one place: a value is
// decoded or computed only after its size has been checked against the fold limits (limits.ts).
import { DataType } from '../ir/data-type';
import type { SymbolTable } from '../ir/dims';
import type { Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';
import { isConcrete, type Dim, type Shape, type ValueType } from '../ir/shape';
import { Tensor } from '../ir/tensor';
import { count, representAs } from './fold';
import type { FoldLimits } from './limits';
import type { InferredValue, ShapeDiagnostic } from './types';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * A tensor's numbers as folding sees them. Integers past 2^53 are not exact as numbers: INT64_MAX and
 * INT64_MIN (the "to the end" sentinels of Slice) become +Infinity / -Infinity and stay exact; any
 * other such value also becomes ±Infinity but marks the whole tensor inexact (`why` says which).
 */
export interface Decoded {
  values: readonly number[];
  /** Why the numbers are not the tensor's values exactly; absent when they are. */
  why?: string;
}

export class InferenceState {
  readonly values = new Map<Value, InferredValue>();
  readonly diagnostics: ShapeDiagnostic[] = [];
  readonly unknown = new Map<string, { domain: string; opType: string; count: number }>();
  /** 1-D integer values known up to symbols (e.g. Shape of [N,3,H,W] is [N,3,H,W]). */
  readonly dimValues = new Map<Value, Dim[]>();
  /** Tensors decoded for folding (null: they hold no numbers, e.g. strings or unreadable data). */
  readonly numbers = new Map<Tensor, Decoded | null>();
  /** Elements folded so far (inputs read plus outputs written). */
  folded = 0;
  /** The node where the fold budget ran out, once it has. */
  budgetSpentAt: Node | null = null;
  constructor(
    readonly model: Model,
    readonly syms: SymbolTable,
    readonly limits: FoldLimits,
  ) {}
}

function decode(t: Tensor): Decoded | null {
  if (t.dataType === DataType.STRING) return null;
  let nums: number[];
  try {
    nums = Array.from(t.toNumbers());
  } catch {
    return null; // declared-only or unreadable data: not known
  }
  if (t.dataType !== DataType.INT64 && t.dataType !== DataType.UINT64) return { values: nums };
  let big: bigint[] | undefined;
  let why: string | undefined;
  for (let i = 0; i < nums.length; i++) {
    if (Number.isSafeInteger(nums[i])) continue;
    big ??= t.toBigInts();
    const b = big[i]!;
    nums[i] = b < 0n ? -Infinity : Infinity;
    if (t.dataType === DataType.UINT64 || (b !== INT64_MAX && b !== INT64_MIN)) why ??= `it holds ${b}, past 2^53, where numbers are no longer exact`;
  }
  return why ? { values: nums, why } : { values: nums };
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

  /** Statically known contents of input i (initializer, Constant node or folded value), if small. */
  constTensor(i: number): Tensor | undefined {
    const v = this.node.inputs[i];
    if (!v) return undefined;
    const folded = this.state.values.get(v)?.constant;
    if (folded) return folded;
    const c = v.constant;
    if (c && c.elementCount <= this.state.limits.maxValueElements && c.storage.kind !== 'external') return c;
    return undefined;
  }

  /**
   * Decoded contents of input i, if it is known and small. Decoding is not charged to the budget:
   * each tensor is decoded once, so it costs at most what reading the file did, and a shape-setting
   * constant (a Reshape target) stays readable after folding has stopped.
   */
  private decoded(i: number): Decoded | undefined {
    const t = this.constTensor(i);
    if (!t) return undefined;
    let d = this.state.numbers.get(t);
    if (d === undefined) {
      d = decode(t);
      this.state.numbers.set(t, d);
    }
    return d ?? undefined;
  }

  /** Statically known contents of input i as exact numbers (int64 INT64_MAX / INT64_MIN as ±Infinity), if small. */
  constValues(i: number): readonly number[] | undefined {
    const d = this.decoded(i);
    return d && !d.why ? d.values : undefined;
  }

  /**
   * constValues for an input that sets sizes, pads, axes or counts: a value that is known but not
   * exact is reported as an error naming the node, and the output sizes stay unknown.
   */
  sizeValues(i: number): readonly number[] | undefined {
    const d = this.decoded(i);
    if (d?.why) this.error(`input ${i} '${this.node.inputs[i]!.name}' cannot be used as sizes: ${d.why}`);
    return d && !d.why ? d.values : undefined;
  }

  /** Contents of input i where every value past 2^53 means "clamped to the end" (Slice starts/ends): ±Infinity. */
  boundValues(i: number): readonly number[] | undefined {
    return this.decoded(i)?.values;
  }

  /** Contents of a 1-D int64 input that sets sizes: concrete where folded, symbols where they came from a Shape. */
  dimValues(i: number): Dim[] | undefined {
    const v = this.node.inputs[i];
    if (!v) return undefined;
    const sym = this.state.dimValues.get(v);
    if (sym) return sym;
    const c = this.sizeValues(i);
    return c && (this.rank(i) ?? 1) <= 1 ? [...c] : undefined;
  }

  /**
   * Reserves `n` elements of folding work. Once the analysis has spent its budget, folding stops:
   * false here, and one warning (at the node where it ran out) for the whole analysis.
   */
  charge(n: number): boolean {
    const s = this.state;
    if (s.budgetSpentAt) return false;
    if (!(s.folded + n <= s.limits.budgetElements)) {
      s.budgetSpentAt = this.node;
      this.warn(
        `constant folding stopped at this node: the analysis has folded ${s.folded} elements and this node needs ${n} more, ` +
          `past the budget of ${s.limits.budgetElements}; values computed from here on are unknown (shapes are still inferred). ` +
          `Raise the budget with the fold limit budgetElements (see docs/shape-inference.md)`,
      );
      return false;
    }
    s.folded += n;
    return true;
  }

  /** May a value of `n` elements be computed, reading `work` input elements? Charges both when it may. */
  foldable(n: number, work = 0): boolean {
    return n <= this.state.limits.maxValueElements && this.charge(n + work);
  }

  /**
   * Output i of type `elem` and `shape`, with values from `compute` when the shape is concrete, the
   * value small enough and the budget has room for its elements plus `readsPerElement` input
   * elements read for each; else just the type. Nothing is computed before that check.
   */
  foldOut(i: number, elem: DataType, shape: Shape | null, readsPerElement: number, compute: (out: readonly number[]) => ArrayLike<number> | undefined): void {
    if (isConcrete(shape)) {
      const n = count(shape);
      if (this.foldable(n, n * readsPerElement)) {
        const values = compute(shape);
        if (values) return this.keep(i, elem, shape, values);
      }
    }
    this.tensorOut(i, elem, shape);
  }

  /** Record a 1-D integer output whose values are dims; folds to a constant when all are concrete. */
  dimsOut(i: number, dims: Dim[], scalar = false, elem: DataType = DataType.INT64): void {
    const v = this.node.outputs[i];
    if (!v) return;
    const shape = scalar ? [] : [dims.length];
    if (dims.every((d) => typeof d === 'number')) {
      this.tensorOut(i, elem, shape, dims as number[]);
    } else {
      this.tensorOut(i, elem, shape);
    }
    if (dims.length <= this.state.limits.maxValueElements) this.state.dimValues.set(v, dims);
  }

  setOutput(i: number, type: ValueType | null, constant?: Tensor): void {
    const v = this.node.outputs[i];
    if (!v) return;
    const declared = v.type;
    this.state.values.set(v, { type: type ?? declared, ...(constant ? { constant } : {}) });
  }

  /** Output i of type `elem` and `shape`; `values` (already at hand, e.g. moved from an input) are kept if the limits allow. */
  tensorOut(i: number, elem: DataType, shape: Shape | null, values?: ArrayLike<number>): void {
    if (values && isConcrete(shape) && this.foldable(values.length)) return this.keep(i, elem, shape, values);
    this.setOutput(i, { kind: 'tensor', elemType: elem, shape });
  }

  /** Stores values already charged to the budget as output i, when the element type holds them exactly (fold.ts `representAs`). */
  keep(i: number, elem: DataType, shape: readonly number[], values: ArrayLike<number>): void {
    const exact = values.length === count(shape) ? representAs(elem, values) : undefined;
    let constant: Tensor | undefined;
    if (exact) {
      try {
        constant = Tensor.fromNumbers(this.node.outputs[i]?.name ?? '', elem, shape, exact);
        if (elem !== DataType.FLOAT16) this.state.numbers.set(constant, { values: exact });
      } catch {
        constant = undefined;
      }
    }
    this.setOutput(i, { kind: 'tensor', elemType: elem, shape }, constant);
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
