// Builds the graph view's model (src/protocol/view-model.ts) from a model and its analysis: runs in
// the language server's model worker (and for open text documents on its main thread).
import type { Analysis } from '../../core/analysis/analyze';
import type { NodeCost } from '../../core/cost/types';
import type { Graph, Node, Value } from '../../core/ir/graph';
import type { Model } from '../../core/ir/model';
import { formatShape, formatType } from '../../core/ir/shape';
import { scopesOf, type ViewEdge, type ViewGraph, type ViewGroup, type ViewModel, type ViewNode, type ViewTensor } from '../../protocol/view-model';

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
        g = { id: s, name: s.slice(s.lastIndexOf('/') + 1), parent: k ? scopes[k - 1]! : null, nodeCount: 0 };
        groups.set(s, g);
      }
      g.nodeCount++;
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
  const c = analysis.cost;
  return {
    ...buildGraph(b, model.graph),
    functions: model.functions.map((f) => ({ name: f.name, domain: f.domain, overload: f.overload, graph: buildGraph(b, f.body) })),
    totals: { ...c.totals },
    totalsIncomplete: c.totalsIncomplete,
    byOp: c.byOp,
    info: { producer: r.model.producer, irVersion: r.model.irVersion, opsets: r.model.opsets, graphName: r.model.graphName, nodeCount: r.model.nodeCount, unboundDims: unboundDims(model, analysis) },
  };
}
