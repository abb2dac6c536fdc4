// The layout worker: lays out one container's children with dagre (a proven layered-graph layout),
// off the webview's main thread. Input: box sizes and edges; output: box centres, edge routes and
// the container's size. It knows nothing of models.
import dagre from '@dagrejs/dagre';
import type { LayoutRequest, LayoutResult } from './layout-types';

export function layoutOne(req: LayoutRequest): LayoutResult {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, edgesep: 12, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of req.nodes) g.setNode(n.key, { width: n.width, height: n.height });
  for (const e of req.edges) g.setEdge(e.from, e.to, { width: e.labelWidth, height: e.labelWidth ? 14 : 0, labelpos: 'c' });
  dagre.layout(g);
  const graph = g.graph();
  return {
    id: req.id,
    width: graph.width ?? 0,
    height: graph.height ?? 0,
    nodes: req.nodes.map((n) => {
      const p = g.node(n.key);
      return { key: n.key, x: p.x ?? 0, y: p.y ?? 0 };
    }),
    edges: req.edges.map((e) => {
      const l = g.edge(e.from, e.to);
      return { from: e.from, to: e.to, points: (l?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })), ...(l?.x !== undefined ? { labelX: l.x, labelY: l.y! } : {}) };
    }),
  };
}

// In a worker: answer layout requests. (Imported elsewhere, e.g. by unit tests, it only exports.)
declare const self: { onmessage: ((e: { data: LayoutRequest }) => void) | null; postMessage(m: unknown): void } | undefined;
if (typeof self !== 'undefined' && typeof (globalThis as { document?: unknown }).document === 'undefined') {
  self.onmessage = (e) => {
    try {
      self.postMessage(layoutOne(e.data));
    } catch (err) {
      self.postMessage({ id: e.data.id, error: String((err as Error)?.message ?? err) });
    }
  };
}
