// Low-rank factorization of a layer's weight: one product by a k × n matrix becomes two thinner ones.
// With W = U Σ Vᵀ (svd.ts) and its best rank-r approximation (Eckart–Young: the error is exactly
// ‖W − W_r‖²_F = Σ_{i>r} σ_i²),
//   W ≈ A·B,  A = U_r Σ_r^{1/2} (k × r),  B = Σ_r^{1/2} V_rᵀ (r × n),
// so x·W ≈ (x·A)·B. Parameters and MACs per row go from k·n to r·(k + n): the rule applies only
// where r·(k + n) < k·n. The rank is fixed (`rank`), the smallest keeping a share of the singular-value
// energy Σσ² (`energy`, default 0.95), or chosen per layer (`ranks`, what a budget search picks).
//   MatMul(x, W[k, n])                  → MatMul(MatMul(x, A), B)
//   Gemm(x, W, C; α, β, transB)         → Gemm(MatMul(x, A), B', C; α, β, transB) with W_eff = W (or Wᵀ
//                                         when transB = 1) factored and B' = B (or Bᵀ, keeping transB)
//   Conv(x, W[Cout, Cin, k…], b), group 1 → Conv(Conv(x, R[r, Cin, k…]), L[Cout, r, 1…], b): W
//     unfolded along its output channels, M[Cout, Cin·∏k] ≈ L·R. The first conv keeps the kernel,
//     strides, pads and dilations (it is the layer with r output channels), the second is a 1×1
//     conv mixing r channels into Cout, carrying the bias. For a 1×1 conv this is exactly the matrix
//     case; for a k×k conv it is the output-channel half of a Tucker-2 decomposition (the input mode
//     is kept whole): it pays when r·(Cin·∏k + Cout) < Cout·Cin·∏k.
// Outputs change (by the discarded energy): the rule bounds nothing itself; `layerlens optimize`
// verifies the result against an error budget when one is given (docs/optimizations.md).
import { DataType } from '../../ir/data-type';
import { GraphBuilder } from '../../ir/builder';
import type { Node, Value } from '../../ir/graph';
import type { Tensor } from '../../ir/tensor';
import { addInitializer, removeNode, takeOver, uniqueName, nodeSites } from '../graph-edit';
import type { CheckResult, EstimateContext, Gain, RewriteRule, Site } from '../types';
import { energyKept, lowRankFactors, rankForEnergy, svd, type Svd } from './svd';

export interface LowRankOptions {
  /** The same rank r for every layer. */
  rank?: number;
  /** Share of Σσ² to keep (0 < e < 1); default 0.95 when no rank is given. */
  energy?: number;
  /** Rank per layer, by node display name; overrides rank/energy there. */
  ranks?: Record<string, number>;
  /** Energy per layer, by node display name (a budget search's choice); overrides rank/energy there. */
  energies?: Record<string, number>;
}

/** The weight of a site as a k × n matrix (what x is multiplied by), and how it is laid out. */
interface Factorable {
  kind: 'matmul' | 'gemm' | 'conv';
  /** Rows (input features) and columns (outputs) of the product; for Conv the unfolded M is n × k. */
  k: number;
  n: number;
  weight: Tensor;
}

/** The layer's decomposition: rank, energy kept and figures before → after. */
export interface LowRankPlan {
  rank: number;
  energy: number;
  paramsBefore: number;
  paramsAfter: number;
}

const MIN_WEIGHTS = 256;

/**
 * SVDs by weight content (layout, dims and an FNV-1a hash of the bytes), most recent last: the same
 * weight is decomposed once across rule instances and model copies (a sensitivity analysis or a
 * budget search builds many), the least recently used dropped past 256 MB.
 */
const SVDS = new Map<string, Svd>();
const SVD_CACHE_BYTES = 256 * 2 ** 20;
let cachedBytes = 0;
const svdBytes = (d: Svd): number => 8 * (d.s.length + d.u.length + d.v.length);

function contentKey(f: Factorable, node: Node): string {
  const bytes = f.weight.rawBytes();
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return `${f.kind}${f.kind === 'gemm' ? node.attrInt('transB', 0) : ''}|${f.weight.dims.join('x')}|${bytes.length}|${h.toString(16)}`;
}

function factorable(n: Node): Factorable | string {
  const w = n.inputs[1]?.constant;
  const what = `${n.opType} '${n.displayName}'`;
  if (!w) return `${what} has a non-constant weight input '${n.inputs[1]?.name}'; only constant weights can be factored`;
  if (w.dataType !== DataType.FLOAT) return `${what} weights are ${DataType[w.dataType]}, not float`;
  if (n.opType === 'Conv') {
    if (w.dims.length < 3) return `${what} weight has rank ${w.dims.length}`;
    if (n.attrInt('group', 1) !== 1) return `${what} is a grouped convolution (group ${n.attrInt('group', 1)}): only group 1 is factored`;
    const cin = w.dims.slice(1).reduce((a, d) => a * d, 1);
    return { kind: 'conv', k: cin, n: w.dims[0]!, weight: w };
  }
  if (w.dims.length !== 2) return `${what} weight has rank ${w.dims.length}; factoring needs a 2-D weight`;
  if (n.opType === 'Gemm') {
    if (n.attrInt('transA', 0) !== 0) return `${what} transposes A (transA = 1)`;
    const t = n.attrInt('transB', 0) === 1;
    return { kind: 'gemm', k: w.dims[t ? 1 : 0]!, n: w.dims[t ? 0 : 1]!, weight: w };
  }
  return { kind: 'matmul', k: w.dims[0]!, n: w.dims[1]!, weight: w };
}

/** W as the row-major matrix that is decomposed: [k, n] for MatMul/Gemm, M [Cout, Cin·∏k] for Conv. */
function matrixOf(f: Factorable, node: Node): { a: Float64Array; m: number; n: number } {
  const w = f.weight.toNumbers();
  if (f.kind === 'conv') return { a: w, m: f.n, n: f.k };
  if (f.kind === 'gemm' && node.attrInt('transB', 0) === 1) {
    const t = new Float64Array(f.k * f.n);
    for (let i = 0; i < f.k; i++) for (let j = 0; j < f.n; j++) t[i * f.n + j] = w[j * f.k + i]!;
    return { a: t, m: f.k, n: f.n };
  }
  return { a: w, m: f.k, n: f.n };
}

export function lowRank(o: LowRankOptions = {}): RewriteRule {
  const energy = o.energy ?? (o.rank === undefined ? 0.95 : undefined);
  for (const e of [energy, ...Object.values(o.energies ?? {})]) if (e !== undefined && !(e > 0 && e < 1)) throw new RangeError(`energy ${e}: give a share between 0 and 1, e.g. 0.95`);
  if (o.rank !== undefined && !(Number.isInteger(o.rank) && o.rank >= 1)) throw new RangeError(`rank ${o.rank}: give a whole number >= 1`);
  const done = new WeakSet<Node>();
  const decompose = (f: Factorable, node: Node): Svd => {
    const key = contentKey(f, node);
    let d = SVDS.get(key);
    if (!d) {
      const { a, m, n } = matrixOf(f, node);
      d = svd(a, m, n);
      cachedBytes += svdBytes(d);
    } else SVDS.delete(key);
    SVDS.set(key, d);
    for (const [k, old] of SVDS) {
      if (cachedBytes <= SVD_CACHE_BYTES || k === key) break;
      SVDS.delete(k);
      cachedBytes -= svdBytes(old);
    }
    return d;
  };
  const plan = (node: Node): LowRankPlan | string => {
    const f = factorable(node);
    if (typeof f === 'string') return f;
    const what = `${node.opType} '${node.displayName}'`;
    if (f.k * f.n < MIN_WEIGHTS) return `${what} has only ${f.k * f.n} weights: factoring would not pay off`;
    const full = Math.min(f.k, f.n);
    const layerEnergy = o.energies?.[node.displayName];
    const fixed = o.ranks?.[node.displayName] ?? (layerEnergy === undefined ? o.rank : undefined);
    const e = layerEnergy ?? energy ?? 0.95;
    // A fixed rank needs no SVD to know whether it pays; an energy target does.
    const d = fixed === undefined || fixed < full ? decompose(f, node) : null;
    const r = Math.min(fixed ?? rankForEnergy(d!.s, e), full);
    const after = r * (f.k + f.n);
    const how = fixed !== undefined ? `rank ${r}` : `rank ${r} (keeps ${(100 * e).toFixed(1)} % of the singular-value energy)`;
    if (after >= f.k * f.n) return `${what}: ${how} needs r·(k+n) = ${r}·(${f.k}+${f.n}) = ${after} weights, not fewer than k·n = ${f.k * f.n}: factoring would not shrink it`;
    return { rank: r, energy: energyKept(d!.s, r), paramsBefore: f.k * f.n, paramsAfter: after };
  };
  return {
    id: 'decompose-low-rank',
    title: `Factor MatMul/Gemm/Conv weights into two low-rank products (${o.rank !== undefined ? `rank ${o.rank}` : `${(100 * (energy ?? 0.95)).toFixed(0)} % energy`})`,
    family: 'decompose',
    tolerance: {},
    match(ctx) {
      return nodeSites(ctx.model, (n) => (n.opType === 'MatMul' || n.opType === 'Gemm' || n.opType === 'Conv') && n.domain === '' && !done.has(n) && !!n.inputs[1]?.constant);
    },
    check(site): CheckResult {
      const p = plan(site.anchor);
      if (typeof p === 'string') return { ok: false, reason: p };
      return { ok: true, note: describePlan(p) };
    },
    rewrite(site) {
      const p = plan(site.anchor);
      if (typeof p === 'string') throw new Error(p);
      const f = factorable(site.anchor) as Factorable;
      for (const n of rewrite(site.anchor, f, decompose(f, site.anchor), p.rank)) done.add(n);
    },
    estimate(site: Site, e: EstimateContext): Gain {
      const p = plan(site.anchor);
      if (typeof p === 'string') return { flops: 0, traffic: 0, fileBytes: 0, accuracy: 'changes outputs' };
      const fig = e.figures(site.anchor);
      const kept = p.paramsAfter / p.paramsBefore;
      return {
        flops: fig?.macs === null || fig?.macs === undefined ? null : 2 * fig.macs * (1 - kept),
        traffic: 0,
        fileBytes: 4 * (p.paramsBefore - p.paramsAfter),
        accuracy: 'changes outputs',
        caveat: `${describePlan(p)}; the intermediate of ${p.rank} channels adds memory traffic`,
      };
    },
  };
}

export function describePlan(p: LowRankPlan): string {
  return `rank ${p.rank}, ${(100 * p.energy).toFixed(2)} % of the singular-value energy kept, weights ${p.paramsBefore} → ${p.paramsAfter} (${(p.paramsAfter / p.paramsBefore).toFixed(3)}×)`;
}

/** Replaces `node` by its two factors; returns them (the rule does not factor its own output again). */
function rewrite(node: Node, f: Factorable, d: Svd, r: number): Node[] {
  const g = node.graph;
  const { left, right } = lowRankFactors(d, r);
  const base = node.displayName || node.outputs[0]!.name;
  const name = (s: string): string => uniqueName(g, `${base}/${s}`);
  const b = new GraphBuilder(g);
  const start = g.nodes.length;
  const x = node.inputs[0]!;
  let y: Value;
  if (f.kind === 'conv') {
    // M [Cout, Cin·∏k] ≈ L [Cout, r] · R [r, Cin·∏k].
    const spatial = f.weight.dims.slice(2);
    const r1 = addInitializer(g, `${base}.low_rank_in`, DataType.FLOAT, [r, ...f.weight.dims.slice(1)], right);
    const l2 = addInitializer(g, `${base}.low_rank_out`, DataType.FLOAT, [f.n, r, ...spatial.map(() => 1)], left);
    const keep = node.attributes.filter((a) => a.name !== 'kernel_shape' && a.name !== 'group');
    const [h] = b.node('Conv', [x, r1], { kernel_shape: spatial }, { name: name('low_rank_in'), outputs: [name('low_rank_h')] });
    h!.producer!.attributes.push(...keep);
    const bias = node.inputs[2] ?? null;
    [y] = b.node('Conv', bias ? [h!, l2, bias] : [h!, l2], { kernel_shape: spatial.map(() => 1) }, { name: name('low_rank_out'), outputs: [name('low_rank_y')] }) as [Value];
  } else {
    const a = addInitializer(g, `${base}.low_rank_a`, DataType.FLOAT, [f.k, r], left);
    const [h] = b.node('MatMul', [x, a], {}, { name: name('low_rank_in'), outputs: [name('low_rank_h')] });
    if (f.kind === 'matmul') {
      const bm = addInitializer(g, `${base}.low_rank_b`, DataType.FLOAT, [r, f.n], right);
      [y] = b.node('MatMul', [h!, bm], {}, { name: name('low_rank_out'), outputs: [name('low_rank_y')] }) as [Value];
    } else {
      const transB = node.attrInt('transB', 0) === 1;
      let bt: ArrayLike<number> = right;
      if (transB) {
        const t = new Float64Array(r * f.n);
        for (let i = 0; i < r; i++) for (let j = 0; j < f.n; j++) t[j * r + i] = right[i * f.n + j]!;
        bt = t;
      }
      const bm = addInitializer(g, `${base}.low_rank_b`, DataType.FLOAT, transB ? [f.n, r] : [r, f.n], bt);
      const c = node.inputs[2] ?? null;
      [y] = b.node('Gemm', c ? [h!, bm, c] : [h!, bm], {}, { name: name('low_rank_out'), outputs: [name('low_rank_y')] }) as [Value];
      y.producer!.attributes.push(...node.attributes.filter((at) => at.name !== 'transA'));
    }
  }
  // Keep the file in topological order: the new nodes go where the old one was.
  const added = g.nodes.splice(start, g.nodes.length - start);
  g.nodes.splice(g.nodes.indexOf(node), 0, ...added);
  const out = node.outputs[0]!;
  removeNode(node);
  takeOver(out, y);
  return added;
}
