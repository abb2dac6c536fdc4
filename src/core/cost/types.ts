// The cost model's results: per node, per op type, and model totals. Units: MACs are
// multiply-accumulates; FLOPs are floating-point (or integer) operations, 2 per MAC; never mixed.
import type { Node } from '../ir/graph';

export interface NodeCost {
  node: Node;
  /** node.displayName */
  name: string;
  /** '' for the main graph, `If_3/then_branch` for a body, `fn:domain.name` for a function body. */
  graphPath: string;
  /** null when unknown (unknown op, or shapes not concrete): never a silent 0. */
  macs: number | null;
  flops: number | null;
  /** Elements of the constant weight tensors this node reads (see docs/cost-model.md). */
  params: number;
  weightBytes: number;
  /** Bytes of the node's outputs; null when a shape is not concrete. */
  activationBytes: number | null;
  /** flops / (weight bytes + input bytes + output bytes), or null. */
  intensity: number | null;
  /** False when no cost function exists for the op. */
  known: boolean;
  note?: string;
}

export interface CostTotals {
  macs: number;
  flops: number;
  params: number;
  weightBytes: number;
  activationBytes: number;
}

export interface OpTypeCost {
  opType: string;
  domain: string;
  count: number;
  macs: number;
  flops: number;
  params: number;
}

export interface UnknownCostOp {
  domain: string;
  opType: string;
  count: number;
  /** Display names (with graph path) of the nodes. */
  nodes: string[];
}

export interface CostReport {
  /** Every node: main graph first (file order), then subgraph and function bodies. */
  nodes: NodeCost[];
  totals: CostTotals;
  byOp: OpTypeCost[];
  unknownOps: UnknownCostOp[];
  warnings: string[];
}
