// The graph view's model: a plain, serialisable description of a model built from the IR and its
// analysis — nodes with metrics and tensor types, edges labelled with shapes, name-scope groups with
// summed metrics (`/encoder/layer.3/attn/MatMul` lies in encoder › layer.3 › attn), If/Loop/Scan
// bodies and model-local functions as nested graphs. The webview never sees the IR or protobuf; it
// re-declares nothing and imports these types (type-only) from here.
import type { Analysis } from '../analysis/analyze';
import type { NodeCost } from '../cost/types';
import type { Graph, Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';
import { formatShape, formatType } from '../ir/shape';

export interface ViewTensor {
  name: string;
  /** Inferred (else declared) type, e.g. `float32[1,3,224,224]`; `?` when unknown. */
  type: string;
  /** True for a constant weight (initializer or Constant output). */
  weight?: boolean;
}

export interface ViewNode {
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
  /** MACs of one run of the node; null when unknown (never a silent 0). */
  macs: number | null;
  flops: number | null;
  params: number;
  weightBytes: number;
  activationBytes: number | null;
  /** FLOPs per byte moved, or null. */
  intensity: number | null;
  /** False when the op has no cost function. */
  known: boolean;
  /** Why a figure is null, or how a control-flow node entered the totals. */
  note?: string;
  /** Times the node's figures enter the model totals (Loop trip counts, uncounted If branches: 0). */
  runs: number;
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
  /** Sums over the op nodes inside (unknown figures count as 0 and set `incomplete`). */
  macs: number;
  flops: number;
  params: number;
  weightBytes: number;
  activationBytes: number;
  incomplete: boolean;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
  groups: ViewGroup[];
}

export interface ViewModel extends ViewGraph {
  /** Model-local functions, each body as a graph. */
  functions: { name: string; domain: string; overload: string; graph: ViewGraph }[];
  totals: { macs: number; flops: number; params: number; weightBytes: number; activationBytes: number };
  /** True when some node's figures are unknown: totals are then lower bounds. */
  totalsIncomplete: boolean;
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

/** What building the graphs of one model shares: its analysis, and each value formatted once. */
interface Build {
  model: Model;
  analysis: Analysis;
  costs: Map<Node, NodeCost>;
  tensors: Map<Value, ViewTensor>;
  shapes: Map<Value, string>;
}

function tensor(b: Build, v: Value): ViewTensor {
  let out = b.tensors.get(v);
  if (!out) {
    const t = b.analysis.shapes.typeOf(v) ?? v.type;
    out = { name: v.name, type: t ? formatType(t) : '?', ...(v.constant ? { weight: true } : {}) };
    b.tensors.set(v, out);
  }
  return out;
}

function shapeText(b: Build, v: Value): string {
  let s = b.shapes.get(v);
  if (s === undefined) {
    s = formatShape(b.analysis.shapes.shapeOf(v));
    b.shapes.set(v, s);
  }
  return s;
}

function buildGraph(b: Build, graph: Graph): ViewGraph {
  const { model, costs } = b;
  const groups = new Map<string, ViewGroup>();
  const nodes: ViewNode[] = [];
  const producedBy = new Map<Value, number>();
  const empty = { macs: null, flops: null, params: 0, weightBytes: 0, activationBytes: null, intensity: null, known: true, runs: 0 };

  for (const v of graph.inputs) {
    if (v.initializer) continue;
    producedBy.set(v, nodes.length);
    nodes.push({ id: nodes.length, kind: 'input', name: v.name, opType: tensor(b, v).type, group: null, inputs: [], outputs: [tensor(b, v)], ...empty });
  }
  for (const n of graph.nodes) {
    const c = costs.get(n);
    const scopes = scopesOf(n.displayName);
    scopes.forEach((s, k) => {
      let g = groups.get(s);
      if (!g) {
        g = { id: s, name: s.slice(s.lastIndexOf('/') + 1), parent: k ? scopes[k - 1]! : null, nodeCount: 0, macs: 0, flops: 0, params: 0, weightBytes: 0, activationBytes: 0, incomplete: false };
        groups.set(s, g);
      }
      g.nodeCount++;
      g.macs += c?.macs ?? 0;
      g.flops += c?.flops ?? 0;
      g.params += c?.params ?? 0;
      g.weightBytes += c?.weightBytes ?? 0;
      g.activationBytes += c?.activationBytes ?? 0;
      if (!c || !c.known || c.macs === null) g.incomplete = true;
    });
    const id = nodes.length;
    for (const v of n.outputs) if (v) producedBy.set(v, id);
    const fn = model.functions.length ? model.functions.findIndex((f) => f.domain === n.domain && f.name === n.opType && f.overload === n.overload) : -1;
    const subs: { attribute: string; graph: ViewGraph }[] = [];
    for (const a of n.attributes) {
      if (a.kind === 'graph') subs.push({ attribute: a.name, graph: buildGraph(b, a.value) });
      else if (a.kind === 'graphs') a.value.forEach((g, i) => subs.push({ attribute: `${a.name}[${i}]`, graph: buildGraph(b, g) }));
    }
    // Built field by field (no conditional spreads): 20,000 nodes of one object shape build ~2× faster.
    const node: ViewNode = {
      id,
      kind: 'op',
      name: n.displayName,
      opType: n.domain ? `${n.domain}.${n.opType}` : n.opType,
      group: scopes[scopes.length - 1] ?? null,
      inputs: [],
      outputs: [],
      macs: c?.macs ?? null,
      flops: c?.flops ?? null,
      params: c?.params ?? 0,
      weightBytes: c?.weightBytes ?? 0,
      activationBytes: c?.activationBytes ?? null,
      intensity: c?.intensity ?? null,
      known: c?.known ?? false,
      runs: c?.runs ?? 1,
    };
    for (const v of n.inputs) if (v) node.inputs.push(tensor(b, v));
    for (const v of n.outputs) if (v) node.outputs.push(tensor(b, v));
    if (n.name !== n.displayName) node.storedName = n.name;
    if (c?.note) node.note = c.note;
    if (subs.length) node.subgraphs = subs;
    if (fn >= 0) node.callee = fn;
    nodes.push(node);
  }
  const edges: ViewEdge[] = [];
  const shapeOf = (v: Value) => shapeText(b, v);
  graph.nodes.forEach((n, k) => {
    const to = nodes.length - graph.nodes.length + k;
    for (const v of new Set(n.inputs)) {
      const from = v ? producedBy.get(v) : undefined;
      if (v && from !== undefined) edges.push({ from, to, value: v.name, shape: shapeOf(v) });
    }
  });
  for (const v of graph.outputs) {
    const id = nodes.length;
    nodes.push({ id, kind: 'output', name: v.name, opType: tensor(b, v).type, group: null, inputs: [tensor(b, v)], outputs: [], ...empty });
    const from = producedBy.get(v);
    if (from !== undefined) edges.push({ from, to: id, value: v.name, shape: shapeOf(v) });
  }
  return { nodes, edges, groups: [...groups.values()] };
}

/** Symbolic dims of the main graph's inputs whose inferred shapes are still symbolic. */
function unboundDims(model: Model, analysis: Analysis): string[] {
  const out = new Set<string>();
  for (const v of model.graph.inputs) {
    if (v.initializer) continue;
    for (const d of analysis.shapes.shapeOf(v) ?? []) if (typeof d === 'string') out.add(d);
  }
  return [...out];
}

export function buildViewModel(model: Model, analysis: Analysis): ViewModel {
  const b: Build = { model, analysis, costs: new Map(analysis.cost.nodes.map((c) => [c.node, c])), tensors: new Map(), shapes: new Map() };
  const r = analysis.report;
  return {
    ...buildGraph(b, model.graph),
    functions: model.functions.map((f) => ({ name: f.name, domain: f.domain, overload: f.overload, graph: buildGraph(b, f.body) })),
    totals: { ...r.totals },
    totalsIncomplete: r.totalsIncomplete,
    info: { producer: r.model.producer, irVersion: r.model.irVersion, opsets: r.model.opsets, graphName: r.model.graphName, nodeCount: r.model.nodeCount, unboundDims: unboundDims(model, analysis) },
  };
}
