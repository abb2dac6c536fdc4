// Constant folding of shape computations: a node whose outputs are all known before running (shape
// inference folded them from constants alone, without the user's --input/--dim bindings, so the
// result holds for every input size) is replaced by initializers holding those values.
import type { Node } from '../../ir/graph';
import { Tensor } from '../../ir/tensor';
import { inferShapes } from '../../shape';
import { removeNode } from '../graph-edit';
import { dropped, ORT_AT_LOAD } from '../gain';
import type { CheckResult, RewriteRule, Site } from '../types';

export const constantFold: RewriteRule = {
  id: 'fuse-constant-fold',
  title: 'Fold computations on constants into initializers',
  family: 'cleanup',
  tolerance: { maxAbsError: 0 },
  match(ctx) {
    const unbound = ctx.shapesWithoutBindings ?? inferShapes(ctx.model);
    return ctx.model.graph.nodes
      .filter((n: Node) => n.opType !== 'Constant' && n.subgraphs().length === 0 && n.outputs.length > 0)
      .filter((n) => n.outputs.every((v) => v && unbound.info(v)?.constant))
      .map((n) => ({ anchor: n, nodes: [n], graph: n.graph, values: n.outputs.map((v) => unbound.info(v!)!.constant!) }) as Site & { values: unknown[] });
  },
  check(site): CheckResult {
    const n = site.anchor;
    if (n.outputs.some((v) => v!.isGraphOutput())) return { ok: false, reason: `${n} produces a graph output` };
    return { ok: true };
  },
  rewrite(site) {
    const n = site.anchor;
    const values = (site as Site & { values: Tensor[] }).values;
    const g = n.graph;
    const outs = n.outputs.map((v) => v!);
    removeNode(n);
    outs.forEach((v, i) => {
      const folded = values[i]!;
      // A copy: the folded value may be another initializer's tensor passed through.
      const t = new Tensor(v.name, folded.dataType, folded.dims, folded.storage);
      v.initializer = t;
      g.values.set(v.name, v);
      g.initializers.push(t);
    });
  },
  // The node's work goes; its outputs are stored in the file instead.
  estimate: (site, e) => dropped([site.anchor], e, -(e.figures(site.anchor)?.activationBytes ?? 0), ORT_AT_LOAD.constantFold),
};
