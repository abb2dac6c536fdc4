// The graph view's model: a plain, serialisable description of a model, built in the language
// server's model worker from the IR and its analysis (src/server/features/view-model.ts) — nodes
// with their figure record and tensor types, edges labelled with shapes, name-scope groups
// (`/encoder/layer.3/attn/MatMul` lies in encoder › layer.3 › attn), If/Loop/Scan bodies and
// model-local functions as nested graphs. The webview never sees the IR or protobuf; it re-declares
// nothing and imports these types (type-only) from here. Sums over groups are the webview's (one
// place, webview/heat.ts), as the heat map sums any metric over any container.
import type { FigureTotals, NodeFigureRecord } from '../core/cost/figures';
import type { OpTypeCost } from '../core/cost/types';

export interface ViewTensor {
  name: string;
  /** Inferred (else declared) type, e.g. `float32[1,3,224,224]`; `?` when unknown. */
  type: string;
  /** True for a constant weight (initializer or Constant output). */
  weight?: boolean;
}

/** A node of a graph, with the analysis's figure record of one run (null = unknown, never 0). */
export interface ViewNode extends NodeFigureRecord {
  /** Index in its graph's `nodes`. */
  id: number;
  /** 'op' for a node of the graph; 'input'/'output' for the graph's interface values. */
  kind: 'op' | 'input' | 'output';
  /** The node's display name (ONNX Runtime's name for unnamed nodes), or the value's name. */
  name: string;
  /**
   * The node's name as stored in the file, only when it differs from `name` ('' for an unnamed
   * node, shown under ONNX Runtime's `<OpType>_<k>`): tools that read the file key nodes by it.
   */
  storedName?: string;
  /** `Conv`, `com.microsoft.FusedMatMul`; for inputs/outputs the tensor type. */
  opType: string;
  /** Id of the innermost name-scope group, or null at top level. */
  group: string | null;
  inputs: ViewTensor[];
  outputs: ViewTensor[];
  /** Bodies held in attributes: If branches, Loop/Scan bodies. */
  subgraphs?: { attribute: string; graph: ViewGraph }[];
  /** Index into ViewModel.functions when the node calls a model-local function. */
  callee?: number;
}

export interface ViewEdge {
  /** Node ids in the same graph. */
  from: number;
  to: number;
  /** The value's name. */
  value: string;
  /** Its shape, e.g. `[1,64,56,56]` (`?` when unknown). */
  shape: string;
}

export interface ViewGroup {
  /** The scope path, e.g. `/encoder/layer.3`. */
  id: string;
  name: string;
  parent: string | null;
  /** Op nodes inside, at any depth. */
  nodeCount: number;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
  groups: ViewGroup[];
}

export interface ViewModel extends ViewGraph {
  /** Model-local functions, each body as a graph. */
  functions: { name: string; domain: string; overload: string; graph: ViewGraph }[];
  /** The analysis's totals and its one decision on completeness (src/core/cost/cost-model.ts). */
  totals: FigureTotals;
  /** True when some counted node's figures are unknown: totals are then lower bounds. */
  totalsIncomplete: boolean;
  /** Per op type, as `layerlens analyze --by-op` (sums of runs × node figures). */
  byOp: OpTypeCost[];
  info: {
    producer: string;
    irVersion: number;
    opsets: Record<string, number>;
    graphName: string;
    nodeCount: number;
    /** Symbolic dims of the graph inputs that the analysis had no size for (their costs are unknown). */
    unboundDims: string[];
  };
}

/** Scopes of a node name: '/a/b/Conv' -> ['/a', '/a/b']. */
export function scopesOf(name: string): string[] {
  const parts = name.split('/').filter(Boolean).slice(0, -1);
  return parts.map((_, i) => '/' + parts.slice(0, i + 1).join('/'));
}
