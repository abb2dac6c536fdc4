// What a cost function sees: concrete input/output shapes (or null, with the reason recorded so the
// report can say which dims to bind), attributes through the node, and the registry's types.
import type { Node, Value } from '../ir/graph';
import { isConcrete, type Shape } from '../ir/shape';
import type { ShapeInference } from '../shape/types';

export interface OpCost {
  macs: number;
  flops: number;
}

/** A value whose shape a cost function needed but could not have concretely. */
export interface MissingShape {
  value: Value;
  /** The shape as inferred (symbolic or unknown dims), or null when even the rank is unknown. */
  shape: Shape | null;
}

export class CostContext {
  /** The first value whose shape was asked for and was not concrete. */
  missing: MissingShape | null = null;

  constructor(
    readonly node: Node,
    private readonly shapes: ShapeInference,
  ) {}

  private concrete(v: Value | null | undefined): number[] | null {
    if (!v) return null;
    const s = this.shapes.shapeOf(v);
    if (isConcrete(s)) return s as number[];
    this.missing ??= { value: v, shape: s };
    return null;
  }

  /** Concrete shape of input i, or null (absent, unknown rank or symbolic dims). */
  in(i: number): number[] | null {
    return this.concrete(this.node.inputs[i]);
  }

  /** Concrete shape of output i, or null. */
  out(i = 0): number[] | null {
    return this.concrete(this.node.outputs[i]);
  }

  /** Whether optional input i is given. */
  has(i: number): boolean {
    return !!this.node.inputs[i];
  }

  /** Number of inputs given (omitted optional inputs not counted). */
  inputCount(): number {
    let n = 0;
    for (const v of this.node.inputs) if (v) n++;
    return n;
  }
}

export function numel(s: readonly number[]): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

/** A cost function returns null when the shapes or attributes it needs are not known. */
export type CostFn = (c: CostContext) => OpCost | null;

/** Registry key: `OpType` for the ONNX domain ('' or 'ai.onnx'), `domain:OpType` for others. */
export function opKey(domain: string, opType: string): string {
  return domain === '' || domain === 'ai.onnx' ? opType : `${domain}:${opType}`;
}
