// The analyze report: what `layerlens analyze --json` prints and what the language server and the
// graph view will read. Plain data (JSON-serialisable), built from the IR by analyze.ts.
import type { CostTotals, NodeCost, OpTypeCost, UnknownCostOp } from '../cost/types';

export interface TensorInfo {
  name: string;
  /** Dims: numbers, symbol names, or null when unknown; null for the whole shape when even the rank is unknown. */
  shape: (number | string | null)[] | null;
  dtype: string;
}

/** A node's cost (see cost/types.ts) without its IR links, plus its op and tensor shapes. */
export type NodeReport = Omit<NodeCost, 'node' | 'graphPath'> & {
  opType: string;
  domain: string;
  /** '' for the main graph; `If_3/then_branch` for a subgraph; `fn:domain.name` for a function body. */
  graph: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
};

export type Totals = CostTotals;
export type OpSummary = OpTypeCost;

export interface AnalysisReport {
  model: {
    path?: string;
    irVersion: number;
    opsets: Record<string, number>;
    producer: string;
    graphName: string;
    nodeCount: number;
    /** Nodes inside If/Loop/Scan bodies and model-local functions. */
    nestedNodeCount: number;
  };
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  totals: Totals;
  /** True when some node's cost is unknown, so totals are lower bounds. */
  totalsIncomplete: boolean;
  /** True when some counted node's output bytes are unknown: the activation total is a lower bound. */
  activationBytesIncomplete: boolean;
  nodes: NodeReport[];
  byOp: OpSummary[];
  unknownOps: UnknownCostOp[];
  warnings: string[];
  timings: { loadMs: number; shapeMs: number; costMs: number };
}
