// What a cost function sees: concrete input/output shapes (or null), attributes, and which inputs
// are constant weights.
import type { Node } from '../ir/graph';
import { isConcrete } from '../ir/shape';
import type { ShapeInference } from '../shape/types';

export interface OpCost {
  macs: number;
  flops: number;
}

export class CostContext {
  constructor(
    readonly node: Node,
    private readonly shapes: ShapeInference,
  ) {}

  /** Concrete shape of input i, or null (absent, unknown rank or symbolic dims). */
  in(i: number): number[] | null {
    const v = this.node.inputs[i];
    if (!v) return null;
    const s = this.shapes.shapeOf(v);
    return isConcrete(s) ? [...s] : null;
  }

  out(i = 0): number[] | null {
    const v = this.node.outputs[i];
    if (!v) return null;
    const s = this.shapes.shapeOf(v);
    return isConcrete(s) ? [...s] : null;
  }

  has(i: number): boolean {
    return !!this.node.inputs[i];
  }
}

export function numel(s: readonly number[]): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

/** A cost function returns null when the shapes it needs are not concrete. */
export type CostFn = (c: CostContext) => OpCost | null;
