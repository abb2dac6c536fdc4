// The cost model's results: per node, per op type, and model totals. Units: MACs are
// multiply-accumulates of an op's core product; FLOPs are arithmetic operations (2 per MAC, plus the
// per-element work of docs/cost-model.md). The two are never mixed in one figure.
import type { Node } from '../ir/graph';

export interface NodeCost {
  node: Node;
  /** node.displayName */
  name: string;
  opType: string;
  domain: string;
  /** '' for the main graph, `If_3/then_branch` for a body, `fn:domain.name` for a function body. */
  graphPath: string;
  /** null when unknown (op without a cost function, or shapes not concrete): never a silent 0. */
  macs: number | null;
  flops: number | null;
  /** Elements of the constant weight tensors this node reads, each tensor once (docs/cost-model.md). */
  params: number;
  /** Storage bytes of those tensors in their data type (sub-byte types packed). */
  weightBytes: number;
  /** Bytes of the node's outputs (0 for a Constant node: its tensor is a weight); null when a shape is not concrete. */
  activationBytes: number | null;
  /** flops / (weight bytes + input bytes + output bytes), or null when any of them is unknown. */
  intensity: number | null;
  /** False when no cost function exists for the op (it is then listed in `unknownOps`). */
  known: boolean;
  /** Why a figure is null, or how a control-flow node entered the totals. */
  note?: string;
  /**
   * How many times this node's figures enter the model totals: 1 in the main graph; 0 in an If
   * branch that is not counted and in a model-local function body (calls carry the body's cost);
   * the trip count inside a Loop body, the scan length inside a Scan body (multiplied when nested).
   * Always set by costModel; optional only so that plain reports built from NodeCost need not copy it.
   */
  runs?: number;
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
  /** Nodes of this op type (in every graph, counted or not). */
  count: number;
  /** Sums of runs × the node figure, so that byOp adds up to the totals. */
  macs: number;
  flops: number;
  /** Distinct weight tensors read by nodes of this op type, each once. */
  params: number;
  weightBytes: number;
  activationBytes: number;
}

export interface UnknownCostOp {
  domain: string;
  opType: string;
  count: number;
  /** Display names (with graph path) of the nodes. */
  nodes: string[];
}

export interface CostReport {
  /** Every node: main graph first (file order), then subgraph bodies depth first, then function bodies. */
  nodes: NodeCost[];
  /** Sums of runs × node figures (control-flow rule); params/weightBytes count each distinct weight tensor once. */
  totals: CostTotals;
  /** True when some counted node has a null MAC/FLOP figure: the totals are then lower bounds. */
  totalsIncomplete: boolean;
  byOp: OpTypeCost[];
  unknownOps: UnknownCostOp[];
  warnings: string[];
}
