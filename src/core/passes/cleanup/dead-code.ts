// Dead code: a node none of whose outputs is read (by a node, a subgraph or as a graph output)
// computes nothing the model returns, so removing it changes no output. Initializers nobody reads
// are dropped with them. Each dead node is a site (for diagnostics); applying at any one removes all
// dead code of the graph at once, transitively, so a fix-all pass applies it once.
import type { Node } from '../../ir/graph';
import { removeDeadCodeCounted } from '../graph-edit';
import { dropped } from '../gain';
import type { RewriteRule, Site } from '../types';

function dead(n: Node): boolean {
  return n.outputs.every((v) => !v || (v.uses.length === 0 && !v.isGraphOutput()));
}

export const removeDeadNodes: RewriteRule = {
  id: 'cleanup-dead-code',
  title: 'Remove nodes and initializers nobody reads',
  family: 'cleanup',
  tolerance: { maxAbsError: 0 },
  match(ctx) {
    return ctx.model.graph.nodes.filter(dead).map((n): Site => ({ anchor: n, nodes: [n], graph: n.graph }));
  },
  check() {
    return { ok: true };
  },
  rewrite(site) {
    removeDeadCodeCounted(site.graph);
  },
  // ORT keeps dead nodes in the graph it runs (checked in ort-at-load.test.ts): a real gain.
  estimate(site, e) {
    const n = site.anchor;
    const own = new Set(n.inputs.filter((v) => v?.constant && !v.isGraphInput() && v.consumers().every((c) => c === n)).map((v) => v!.constant!));
    return dropped([n], e, [...own].reduce((a, t) => a + t.byteLength, 0));
  },
};
