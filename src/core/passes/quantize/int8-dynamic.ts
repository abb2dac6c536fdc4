// Dynamic int8 quantization of MatMul with a constant 2-D weight B [K, N]:
//   B ≈ s_b[n] · B_q[k, n],  s_b[n] = max_k |B[k, n]| / 63,  B_q ∈ [−63, 63] (7 of int8's bits,
//   symmetric, per output column). 7 bits, not 8: on x86 CPUs without VNNI (AVX2 only, as on these
//   machines) ORT's u8·s8 kernel adds pairs of products in saturating int16 (vpmaddubsw):
//   255·127·2 = 64770 overflows, 255·63·2 = 32130 does not. Full-range weights measured cosine 0.97
//   on a Gemm where 7-bit weights give 0.99999 (the same trade as ORT's own reduce_range).
//   A ≈ s_a · (A_q − z_a)    computed at run time by DynamicQuantizeLinear (uint8, per tensor)
//   A·B ≈ s_a · s_b[n] · Σ_k (A_q − z_a)[…, k] · B_q[k, n]   = MatMulInteger(A_q, B_q, z_a) · (s_a · s_b)
// ONNX Runtime fuses DynamicQuantizeLinear + MatMulInteger + Cast + Mul into DynamicQuantizeMatMul.
// Gemm(A, B, C) with alpha = beta = 1 and transA = 0 is the same product (B transposed offline when
// transB = 1) followed by an Add of C.
import { DataType } from '../../ir/data-type';
import { GraphBuilder } from '../../ir/builder';
import type { Node } from '../../ir/graph';
import { addInitializer, removeNode, takeOver, uniqueName } from '../graph-edit';
import type { CheckResult, RewriteRule, Site } from '../types';

function check(site: Site, opset: number | undefined): CheckResult {
  const mm: Node = site.anchor;
  const b = mm.inputs[1];
  const w = b?.constant;
  if (!w) return { ok: false, reason: `${mm.opType} '${mm.displayName}' has a non-constant weight input '${b?.name}'; only constant weights can be quantized` };
  if (w.dataType !== DataType.FLOAT) return { ok: false, reason: `${mm.opType} '${mm.displayName}' weights are ${DataType[w.dataType]}, not float` };
  if (w.dims.length !== 2) return { ok: false, reason: `${mm.opType} '${mm.displayName}' weight '${b!.name}' has rank ${w.dims.length}; per-column quantization needs a 2-D weight` };
  if (mm.opType === 'Gemm') {
    if (mm.attrInt('transA', 0) !== 0) return { ok: false, reason: `Gemm '${mm.displayName}' transposes A (transA = 1)` };
    if (mm.attrFloat('alpha', 1) !== 1 || (mm.inputs[2] && mm.attrFloat('beta', 1) !== 1)) return { ok: false, reason: `Gemm '${mm.displayName}' scales by alpha/beta ≠ 1` };
  }
  if ((opset ?? 0) < 11) return { ok: false, reason: `opset ${opset} lacks DynamicQuantizeLinear: needs >= 11` };
  if (w.elementCount < 256) return { ok: false, reason: `${mm.opType} '${mm.displayName}' has only ${w.elementCount} weights: quantizing would not pay off` };
  return { ok: true };
}

function rewrite(site: Site): void {
  const mm = site.anchor;
  const g = mm.graph;
  const w = mm.inputs[1]!.constant!;
  const transB = mm.opType === 'Gemm' && mm.attrInt('transB', 0) === 1;
  const [K, N] = (transB ? [w.dims[1], w.dims[0]] : w.dims) as [number, number];
  const Wraw = w.toNumbers();
  const W = transB ? Float64Array.from({ length: K * N }, (_, i) => Wraw[(i % N) * K + Math.floor(i / N)]!) : Wraw;
  const QMAX = 63;
  const scale = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let m = 0;
    for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(W[k * N + n]!));
    scale[n] = m > 0 ? m / QMAX : 1;
  }
  const q = new Float64Array(K * N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) q[k * N + n] = Math.max(-QMAX, Math.min(QMAX, Math.round(W[k * N + n]! / scale[n]!)));
  const base = mm.displayName || mm.outputs[0]!.name;
  const bq = addInitializer(g, `${base}.weight_int8`, DataType.INT8, [K, N], q);
  const bs = addInitializer(g, `${base}.weight_scale`, DataType.FLOAT, [N], scale);
  const b = new GraphBuilder(g);
  const name = (s: string): string => uniqueName(g, `${base}/${s}`);
  const [aq, as, az] = b.node('DynamicQuantizeLinear', [mm.inputs[0]!], {}, { name: name('quant'), outputs: [name('a_q'), name('a_scale'), name('a_zp')] });
  const [acc] = b.node('MatMulInteger', [aq!, bq, az!], {}, { name: name('MatMulInteger'), outputs: [name('acc')] });
  const [accf] = b.node('Cast', [acc!], { to: DataType.FLOAT }, { name: name('cast'), outputs: [name('acc_f')] });
  const [s] = b.node('Mul', [as!, bs], {}, { name: name('scale'), outputs: [name('s')] });
  let [y] = b.node('Mul', [accf!, s!], {}, { name: name('dequant'), outputs: [name('y')] });
  const c = mm.opType === 'Gemm' ? mm.inputs[2] : null;
  if (c) [y] = b.node('Add', [y!, c], {}, { name: name('bias'), outputs: [name('y_bias')] });
  // Move the new nodes to where the MatMul was, keeping the file in topological order.
  const count = c ? 6 : 5;
  const added = g.nodes.splice(g.nodes.length - count, count);
  g.nodes.splice(g.nodes.indexOf(mm), 0, ...added);
  const out = mm.outputs[0]!;
  removeNode(mm);
  takeOver(out, y!);
}

export function int8Dynamic(): RewriteRule {
  return {
    id: 'quantize-int8-dynamic',
    title: 'Quantize MatMul/Gemm weights to int8 (activations quantized at run time)',
    family: 'quantize',
    tolerance: { minCosine: 0.99 },
    match(ctx) {
      return [...ctx.model.graph.nodes].filter((n) => (n.opType === 'MatMul' || n.opType === 'Gemm') && n.domain === '').map((n) => ({ anchor: n, nodes: [n], graph: n.graph }));
    },
    check: (site, ctx) => check(site, ctx.model.opset('')),
    rewrite,
  };
}
