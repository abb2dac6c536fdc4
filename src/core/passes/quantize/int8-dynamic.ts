// Dynamic int8 quantization (as ONNX Runtime's own quantize_dynamic does it): constant weights are
// stored in int8; activations are quantized at run time where a product needs them.
//
// MatMul with a constant 2-D weight B [K, N]:
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
//
// Gather on a constant float table T (an embedding): weight-only, in the form ORT's quantizer emits
// for Gather (the Gather runs on the int8 table, a DequantizeLinear follows):
//   T ≈ s · T_q,  s = max |T| / 127,  T_q = round(T / s) ∈ [−127, 127] (int8, symmetric, zero point 0,
//   per tensor: DequantizeLinear takes a scalar scale from opset 10)
//   Gather(T, i) ≈ DequantizeLinear(Gather(T_q, i), s, 0)   exactly, since a Gather only picks entries.
// All 8 bits are used here: no integer product follows. Gathers reading the same table share one
// int8 copy; the float table goes with the final dead-code removal once nothing reads it.
//
// Not candidates (said once per pass through leftAlone, never as refusals): a MatMul/Gemm whose two
// inputs are both computed by other nodes (attention's Q·Kᵀ and softmax·V) has no weight to store in
// int8; a Gather whose data is computed, or not float (shape arithmetic), has no table.
import { DataType } from '../../ir/data-type';
import { GraphBuilder } from '../../ir/builder';
import { Node as IRNode, type Node, type Value } from '../../ir/graph';
import { addInitializer, removeNode, takeOver, uniqueName, nodeSites } from '../graph-edit';
import { int8Speedup } from '../gain';
import type { CheckResult, EstimateContext, Gain, RewriteRule, Site } from '../types';

/** Produced by a node other than Constant: an activation, not a weight. */
function computed(v: Value | null | undefined): boolean {
  return !!v?.producer && !v.constant;
}

function isProduct(n: Node): boolean {
  return (n.opType === 'MatMul' || n.opType === 'Gemm') && n.domain === '';
}

/** A Gather on a constant float table. */
function isTableGather(n: Node): boolean {
  return n.opType === 'Gather' && n.domain === '' && n.inputs[0]?.constant?.dataType === DataType.FLOAT;
}

function checkProduct(mm: Node, opset: number | undefined): CheckResult {
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

function checkGather(n: Node, opset: number | undefined): CheckResult {
  const t = n.inputs[0]!.constant!;
  if ((opset ?? 0) < 10) return { ok: false, reason: `opset ${opset} lacks DequantizeLinear: needs >= 10` };
  if (t.elementCount < 256) return { ok: false, reason: `Gather '${n.displayName}' reads a table of only ${t.elementCount} values: quantizing would not pay off` };
  return { ok: true };
}

function rewriteProduct(mm: Node): void {
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

interface QuantizedTable {
  table: Value;
  scale: Value;
  zeroPoint: Value;
}

/** T_q, s and the zero point of a float table (per tensor, symmetric, full int8 range). */
function quantizeTable(g: Node['graph'], t: Value): QuantizedTable {
  const values = t.constant!.toNumbers();
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  const s = m > 0 ? Math.fround(m / 127) : 1;
  const q = Float64Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v / s))));
  return {
    table: addInitializer(g, `${t.name}.int8`, DataType.INT8, t.constant!.dims, q),
    scale: addInitializer(g, `${t.name}.scale`, DataType.FLOAT, [], [s]),
    zeroPoint: addInitializer(g, `${t.name}.zero_point`, DataType.INT8, [], [0]),
  };
}

/** Gather(T, i) -> DequantizeLinear(Gather(T_q, i), s, 0); the Gather keeps its name, the output keeps its name and readers. */
function rewriteGather(n: Node, q: QuantizedTable): void {
  const g = n.graph;
  const y = n.outputs[0]!;
  const yq = g.define(uniqueName(g, `${y.name}_int8`));
  n.outputs[0] = yq;
  yq.producer = n;
  n.setInput(0, q.table);
  const dq = new IRNode(`${n.displayName}/DequantizeLinear`, 'DequantizeLinear', '', g);
  dq.setInput(0, yq);
  dq.setInput(1, q.scale);
  dq.setInput(2, q.zeroPoint);
  dq.outputs.push(y);
  y.producer = dq;
  g.nodes.splice(g.nodes.indexOf(n) + 1, 0, dq);
}

/** int8 storage saves ¾ of a float tensor's bytes, less the scales; products may also run faster. */
function estimate(site: Site, e: EstimateContext): Gain {
  const n = site.anchor;
  const t = n.inputs[n.opType === 'Gather' ? 0 : 1]!.constant!;
  if (n.opType === 'Gather') return { flops: 0, traffic: 0, fileBytes: (t.byteLength * 3) / 4, accuracy: 'approximate' };
  const columns = t.dims[n.opType === 'Gemm' && n.attrInt('transB', 0) === 1 ? 0 : 1] ?? 0;
  const faster = int8Speedup(n, e);
  return { flops: 0, traffic: 0, fileBytes: (t.byteLength * 3) / 4 - 4 * columns, accuracy: 'approximate', ...(faster ? { faster } : {}) };
}

export function int8Dynamic(): RewriteRule {
  /** Tables already quantized in this pass: Gathers reading the same table share its int8 copy. */
  const tables = new WeakMap<Value, QuantizedTable>();
  return {
    id: 'quantize-int8-dynamic',
    title: 'Quantize MatMul/Gemm weights and Gather tables to int8 (activations quantized at run time)',
    family: 'quantize',
    tolerance: { minCosine: 0.99 },
    match(ctx) {
      return nodeSites(ctx.model, (n) => (isProduct(n) && !(computed(n.inputs[0]) && computed(n.inputs[1]))) || isTableGather(n));
    },
    check: (site: Site, ctx) => (site.anchor.opType === 'Gather' ? checkGather(site.anchor, ctx.model.opset('')) : checkProduct(site.anchor, ctx.model.opset(''))),
    rewrite(site) {
      const n = site.anchor;
      if (n.opType !== 'Gather') return rewriteProduct(n);
      const t = n.inputs[0]!;
      let q = tables.get(t);
      if (!q) tables.set(t, (q = quantizeTable(n.graph, t)));
      rewriteGather(n, q);
    },
    estimate,
    leftAlone(ctx) {
      const both = ctx.model.graph.nodes.filter((n) => isProduct(n) && computed(n.inputs[0]) && computed(n.inputs[1]));
      if (both.length === 0) return null;
      const names = both.slice(0, 3).map((n) => `'${n.displayName}'`).join(', ') + (both.length > 3 ? `, … (${both.length - 3} more)` : '');
      return `${both.length} MatMul/Gemm node${both.length === 1 ? '' : 's'} multiply two computed tensors (${names}): no weight to store in int8, so they are not candidates and stay in float`;
    },
  };
}
