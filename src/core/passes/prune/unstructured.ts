// Unstructured magnitude pruning: in each Conv/MatMul/Gemm weight, the fraction `ratio` of entries
// with the smallest |w| is set to 0. The model's shapes and MACs do not change, and ONNX Runtime
// gets no speed from the zeros: the gain is compressibility (a zipped file shrinks), and a start
// for sparse runtimes.
import type { Node } from '../../ir/graph';
import { addInitializer } from '../graph-edit';
import type { CheckResult, RewriteRule } from '../types';

const WEIGHT_OPS = new Set(['Conv', 'MatMul', 'Gemm', 'ConvTranspose']);

export function pruneUnstructured(ratio: number): RewriteRule {
  const done = new WeakSet<Node>();
  return {
    id: 'prune-unstructured',
    title: `Zero the ${Math.round(ratio * 100)} % smallest weights of each layer`,
    family: 'prune',
    tolerance: {},
    match(ctx) {
      return ctx.model.graph.nodes
        .filter((n) => WEIGHT_OPS.has(n.opType) && n.domain === '' && !done.has(n))
        .map((n) => ({ anchor: n, nodes: [n], graph: n.graph }));
    },
    check(site): CheckResult {
      const n = site.anchor;
      const w = n.inputs[1]?.constant;
      if (!w) return { ok: false, reason: `${n} has no constant weight to prune` };
      if (!(ratio > 0 && ratio < 1)) return { ok: false, reason: `ratio ${ratio} is not between 0 and 1` };
      return { ok: true };
    },
    rewrite(site) {
      const n = site.anchor;
      const w = n.inputs[1]!.constant!;
      const values = w.toNumbers();
      const sorted = Array.from(values, Math.abs).sort((a, b) => a - b);
      const k = Math.floor(values.length * ratio);
      const threshold = k > 0 ? sorted[k - 1]! : -1;
      let zeroed = 0;
      for (let i = 0; i < values.length && zeroed < k; i++) {
        if (Math.abs(values[i]!) <= threshold) {
          values[i] = 0;
          zeroed++;
        }
      }
      n.setInput(1, addInitializer(n.graph, `${n.inputs[1]!.name}_pruned`, w.dataType, w.dims, values));
      done.add(n);
    },
  };
}
