// The graph view's model: a plain, serialisable description of a graph built from the IR and its
// analysis — nodes with metrics, edges labelled with shapes, and name-scope groups with summed
// metrics (`/encoder/layer.3/attn/MatMul` lies in encoder › layer.3 › attn). The webview never sees
// the IR or protobuf.
import type { Analysis } from '../analysis/analyze';
import type { Graph } from '../ir/graph';
import { formatShape } from '../ir/shape';

export interface ViewNode {
  id: number;
  name: string;
  opType: string;
  /** Id of the innermost name-scope group, or null at top level. */
  group: string | null;
  macs: number | null;
  flops: number | null;
  params: number;
  activationBytes: number | null;
}

export interface ViewEdge {
  from: number;
  to: number;
  value: string;
  shape: string;
}

export interface ViewGroup {
  /** The scope path, e.g. `/encoder/layer.3`. */
  id: string;
  name: string;
  parent: string | null;
  nodeCount: number;
  macs: number;
  params: number;
}

export interface ViewModel {
  nodes: ViewNode[];
  edges: ViewEdge[];
  groups: ViewGroup[];
}

/** Scopes of a node name: '/a/b/Conv' -> ['/a', '/a/b']. */
function scopesOf(name: string): string[] {
  const parts = name.split('/').filter(Boolean).slice(0, -1);
  return parts.map((_, i) => '/' + parts.slice(0, i + 1).join('/'));
}

export function buildViewModel(graph: Graph, analysis: Analysis): ViewModel {
  const costs = new Map(analysis.cost.nodes.map((c) => [c.node, c]));
  const ids = new Map(graph.nodes.map((n, i) => [n, i]));
  const groups = new Map<string, ViewGroup>();
  const nodes: ViewNode[] = graph.nodes.map((n, id) => {
    const c = costs.get(n);
    const scopes = scopesOf(n.displayName);
    scopes.forEach((s, k) => {
      const g = groups.get(s) ?? { id: s, name: s.slice(s.lastIndexOf('/') + 1), parent: k ? scopes[k - 1]! : null, nodeCount: 0, macs: 0, params: 0 };
      g.nodeCount++;
      g.macs += c?.macs ?? 0;
      g.params += c?.params ?? 0;
      groups.set(s, g);
    });
    return {
      id,
      name: n.displayName,
      opType: n.domain ? `${n.domain}.${n.opType}` : n.opType,
      group: scopes[scopes.length - 1] ?? null,
      macs: c?.macs ?? null,
      flops: c?.flops ?? null,
      params: c?.params ?? 0,
      activationBytes: c?.activationBytes ?? null,
    };
  });
  const edges: ViewEdge[] = [];
  for (const n of graph.nodes) {
    for (const v of n.inputs) {
      const p = v?.producer;
      if (!v || !p || p.graph !== graph) continue;
      edges.push({ from: ids.get(p)!, to: ids.get(n)!, value: v.name, shape: formatShape(analysis.shapes.shapeOf(v)) });
    }
  }
  return { nodes, edges, groups: [...groups.values()] };
}
