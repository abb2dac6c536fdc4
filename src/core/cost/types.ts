// The cost model's results: per node, per op type, and model totals. Units: MACs are
// multiply-accumulates of an op's core product; FLOPs are arithmetic operations (2 per MAC, plus the
// per-element work of docs/cost-model.md). The two are never mixed in one figure.
import type { Node } from '../ir/graph';
import type { FigureTotals, NodeFigureRecord } from './figures';

/** A node's figure record (figures.ts) with the node it belongs to. */
export interface NodeCost extends NodeFigureRecord {
  node: Node;
  /** node.displayName */
  name: string;
  opType: string;
  domain: string;
  /** '' for the main graph, `If_3/then_branch` for a body, `fn:domain.name` for a function body. */
  graphPath: string;
}

export type CostTotals = FigureTotals;

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
  /** Some counted node of this op type has unknown MACs or FLOPs: the sums are lower bounds. */
  incomplete: boolean;
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
  /**
   * True when some counted node (runs > 0) has a null MAC/FLOP figure, or a control-flow count is
   * unknown: the totals are then lower bounds. The one place this is decided; every surface reads it.
   */
  totalsIncomplete: boolean;
  /** Some counted node's output bytes are unknown: the activation-bytes total is a lower bound. */
  activationBytesIncomplete: boolean;
  byOp: OpTypeCost[];
  unknownOps: UnknownCostOp[];
  warnings: string[];
}
