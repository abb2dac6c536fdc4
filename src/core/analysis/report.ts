// The analyze report: what `layerlens analyze --json` prints and what the language server and the
// graph view will read. Plain data (JSON-serialisable), built from the IR by analyze.ts.

export interface TensorInfo {
  name: string;
  /** Dims: numbers, symbol names, or null when unknown; null for the whole shape when even the rank is unknown. */
  shape: (number | string | null)[] | null;
  dtype: string;
}

export interface NodeReport {
  name: string;
  opType: string;
  domain: string;
  /** '' for the main graph; `If_3/then_branch` for a subgraph; `fn:domain.name` for a function body. */
  graph: string;
  /** null when not computable (unknown op or symbolic shapes): never a silent 0. */
  macs: number | null;
  flops: number | null;
  params: number;
  weightBytes: number;
  activationBytes: number | null;
  /** FLOPs per byte moved (weights + inputs + outputs), null when either is unknown. */
  intensity: number | null;
  known: boolean;
  note?: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export interface Totals {
  macs: number;
  flops: number;
  params: number;
  weightBytes: number;
  activationBytes: number;
}

export interface OpSummary {
  opType: string;
  domain: string;
  count: number;
  macs: number;
  flops: number;
  params: number;
}

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
  nodes: NodeReport[];
  byOp: OpSummary[];
  unknownOps: { domain: string; opType: string; count: number; nodes: string[] }[];
  warnings: string[];
  timings: { loadMs: number; shapeMs: number; costMs: number };
}
