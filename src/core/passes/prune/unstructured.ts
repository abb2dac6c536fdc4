// Unstructured magnitude pruning: in each Conv/MatMul/Gemm weight, the fraction `ratio` of entries
// with the smallest |w| is set to 0. The model's shapes and MACs do not change, and ONNX Runtime
// gets no speed from the zeros: the gain is compressibility (a zipped file shrinks), and a start
// for sparse runtimes.
import type { Node } from '../../ir/graph';
import { addInitializer, nodeSites } from '../graph-edit';
import type { CheckResult, RewriteRule } from '../types';

const WEIGHT_OPS = new Set(['Conv', 'MatMul', 'Gemm', 'ConvTranspose']);

export interface PruneScope {
  /** 'layer': each layer loses `ratio` of its weights; 'global': one threshold over all layers. */
  scope: 'layer' | 'global';
}

/** Weight sparsity (share of exact zeros) of the Conv/MatMul/Gemm weights of a graph's nodes. */
export function weightSparsity(nodes: readonly Node[]): { zeros: number; total: number } {
  let zeros = 0;
  let total = 0;
  const seen = new Set<unknown>();
  for (const n of nodes) {
    const t = WEIGHT_OPS.has(n.opType) ? n.inputs[1]?.constant : null;
    if (!t || seen.has(t)) continue;
    seen.add(t);
    const v = t.toNumbers();
    total += v.length;
    for (let i = 0; i < v.length; i++) if (v[i] === 0) zeros++;
  }
  return { zeros, total };
}

export function pruneUnstructured(ratio: number, opts: PruneScope = { scope: 'layer' }): RewriteRule {
  const done = new WeakSet<Node>();
  /** For global scope: the magnitude below which weights go, over all layers (computed once). */
  let globalThreshold: number | null = null;
  return {
    id: 'prune-unstructured',
    title: `Zero the ${Math.round(ratio * 100)} % smallest weights ${opts.scope === 'global' ? 'of the model' : 'of each layer'}`,
    family: 'prune',
    tolerance: {},
    match(ctx) {
      return nodeSites(ctx.model, (n) => WEIGHT_OPS.has(n.opType) && n.domain === '' && !done.has(n));
    },
    check(site): CheckResult {
      const n = site.anchor;
      const w = n.inputs[1]?.constant;
      if (!w) return { ok: false, reason: `${n} has no constant weight to prune` };
      if (!(ratio > 0 && ratio < 1)) return { ok: false, reason: `ratio ${ratio} is not between 0 and 1` };
      return { ok: true };
    },
    rewrite(site, ctx) {
      const n = site.anchor;
      const w = n.inputs[1]!.constant!;
      const values = w.toNumbers();
      let k: number;
      let threshold: number;
      if (opts.scope === 'global') {
        if (globalThreshold === null) {
          const all: number[] = [];
          for (const m of ctx.model.graph.nodes) {
            const t = WEIGHT_OPS.has(m.opType) && m.domain === '' ? m.inputs[1]?.constant : null;
            if (t) for (const x of t.toNumbers()) all.push(Math.abs(x));
          }
          all.sort((a, b) => a - b);
          const cut = Math.floor(all.length * ratio);
          globalThreshold = cut > 0 ? all[cut - 1]! : -1;
        }
        threshold = globalThreshold;
        k = values.length;
      } else {
        const sorted = Array.from(values, Math.abs).sort((a, b) => a - b);
        k = Math.floor(values.length * ratio);
        threshold = k > 0 ? sorted[k - 1]! : -1;
      }
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
    estimate: () => ({ flops: 0, traffic: 0, fileBytes: 0, accuracy: 'changes outputs', caveat: 'ONNX Runtime gets no speed and no smaller file from zeros; the file only compresses better' }),
  };
}
