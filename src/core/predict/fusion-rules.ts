// ONNX Runtime's graph fusions (levels 1 and 2, CPU execution provider), restated as rules on the
// plan's groups, in ORT's order. Each rule has an id; a device profile records, for each id, whether
// the target's ORT applied it on the calibration samples (fusion patterns learned from its optimized
// graphs), and a rule the target does not apply is skipped (PlanOptions.disabledRules).
// What each rule matches is what ORT's transformer of the same name checks (onnxruntime/core/
// optimizer/*, read for this), reduced to what changes the kernels that run:
//   pad-into-conv         Pad (constant mode, value 0, spatial pads) -> Conv / AveragePool(count_include_pad)
//   conv-batchnorm|mul|add  Conv (constant W) + BatchNormalization / Mul / Add of a per-channel constant (second input)
//   matmul-add-gemm       MatMul (B of rank 2) + Add(bias [N], or [1,N]/[M,N] for a 2-D A) -> Gemm
//                         (A of rank > 2 with a static shape: Reshape, Gemm, Reshape)
//   gelu, layernorm       the erf GELU and the decomposed LayerNorm -> one kernel
//   transpose-pair        Transpose -> Transpose: merged (cancelled when they compose to identity)
//   qdq                   DequantizeLinear -> Conv/MatMul/Gemm/Add/Mul -> QuantizeLinear -> QLinear*;
//                         DQ -> data movement -> Q: the op runs on the quantized data
//   gemm-activation       Gemm + Relu/LeakyRelu/Sigmoid/Tanh/HardSigmoid/… -> FusedGemm
//   dynamic-quantize-matmul  DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul -> DynamicQuantizeMatMul
//                         (MatMulIntegerToFloat when the quantized input is shared)
//   conv-activation       Conv + Relu/Sigmoid/Tanh/LeakyRelu/HardSigmoid/Clip(constant) -> FusedConv
//   matmul-transpose      Transpose of the last two dims -> MatMul input: FusedMatMul
//   quick-gelu            x·Sigmoid(α·x) -> QuickGelu
//   bias-gelu, skip-layernorm  Add(bias) + Gelu -> BiasGelu; Add + LayerNormalization -> SkipLayerNormalization
//   matmul-scale          MatMul with a scalar constant Mul/Div on an input or its output -> FusedMatMul
// Not modelled (kernels then predicted as the unfused ops): attention fusions, BiasSoftmax, FastGelu,
// SimplifiedLayerNorm, EmbedLayerNorm, Gather/Slice fusions, the transpose optimizer's pushing of
// Transposes through other ops.
import type { Node, Value } from '../ir/graph';
import { isConcrete } from '../ir/shape';
import { numel, scalar } from './graph-facts';
import type { Group, PlanState } from './plan-state';

const is = (n: Node | null | undefined, op: string, domain = ''): n is Node => !!n && n.opType === op && n.domain === domain;
/** `is` without narrowing, for alternatives. */
const isOp = (n: Node | null | undefined, op: string): boolean => is(n, op);

/** The input of binary node `n` other than `v`. */
function other(n: Node, v: Value): Value | null {
  return n.inputs[0] === v ? (n.inputs[1] ?? null) : (n.inputs[0] ?? null);
}

/** A constant that broadcasts per channel onto an NCHW conv output: scalar, [C,1,1] or [1,C,1,1]. */
function perChannel(s: PlanState, v: Value | null, channels: number | undefined): boolean {
  const t = s.facts.constTensor(v);
  if (!t || channels === undefined) return false;
  if (t.elementCount === 1) return true;
  const d = [...t.dims];
  while (d.length && d[0] === 1 && d.length > 3) d.shift();
  return d.length === 3 && d[0] === channels && d[1] === 1 && d[2] === 1;
}

function convWeight(s: PlanState, conv: Node): { cout: number; cinPerGroup: number; rank: number } | null {
  const t = s.facts.constTensor(conv.inputs[1] ?? null);
  return t && t.dims.length >= 3 ? { cout: t.dims[0]!, cinPerGroup: t.dims[1]!, rank: t.dims.length } : null;
}

/** Groups that are a lone node of op `op` (never fused yet). */
function lone(s: PlanState, op: string, domain = ''): Group[] {
  return s.live().filter((g) => g.nodes.length === 1 && is(g.head, op, domain));
}

function padIntoConv(s: PlanState): void {
  for (const g of lone(s, 'Pad')) {
    const pad = g.head;
    const mode = pad.attrString('mode', 'constant');
    const pads = pad.attrInts('pads') ?? (s.facts.constTensor(pad.inputs[1] ?? null) ? Array.from(s.facts.constTensor(pad.inputs[1] ?? null)!.toNumbers()) : null);
    const value = pad.inputs[2] ? s.facts.constTensor(pad.inputs[2]) : null;
    if (mode !== 'constant' || !pads || pads.length !== 8 || (pad.inputs[2] && (!value || scalar(value) !== 0)) || (pad.inputs[3] ?? null)) continue;
    if (pads[0] || pads[1] || pads[4] || pads[5] || pads.some((p) => p < 0)) continue;
    const c = s.soleConsumer(g);
    const ok = !!c && (isOp(c, 'Conv') || (isOp(c, 'AveragePool') && c.attrInt('count_include_pad', 0) === 1) || isOp(c, 'MaxPool'));
    if (!c || !ok || c.attrString('auto_pad', 'NOTSET') !== 'NOTSET' || !s.alone(c)) continue;
    s.merge(s.group(c)!, [pad], 'pad-into-conv');
  }
}

function convAffine(s: PlanState): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of s.live()) {
      const conv = g.nodes.find((n) => is(n, 'Conv'));
      if (!conv || g.op !== 'Conv' || g.domain !== '' || !convWeight(s, conv)) continue;
      const c = s.soleConsumer(g);
      if (!c || !s.alone(c)) continue;
      const cout = convWeight(s, conv)!.cout;
      let rule: string | null = null;
      if (is(c, 'BatchNormalization') && c.outputs.filter((o) => o && o.uses.length).length <= 1 && [1, 2, 3, 4].every((i) => s.facts.isConst(c.inputs[i] ?? null))) rule = 'conv-batchnorm';
      // ORT wants the Conv output first and the constant second.
      else if ((is(c, 'Mul') || is(c, 'Add')) && c.inputs[0] === s.out(g) && perChannel(s, c.inputs[1] ?? null, cout)) rule = c.opType === 'Mul' ? 'conv-mul' : 'conv-add';
      if (!rule) continue;
      s.merge(g, [c], rule, c);
      changed = true;
    }
  }
}

function matmulAdd(s: PlanState): void {
  for (const g of lone(s, 'MatMul')) {
    const mm = g.head;
    const a = s.facts.loadShape(mm.inputs[0] ?? null);
    const b = s.facts.loadShape(mm.inputs[1] ?? null);
    const add = s.soleConsumer(g);
    if (!is(add, 'Add') || !s.alone(add) || !s.computesFloat(g, mm.inputs[0] ?? null) || !a || !b || b.length !== 2) continue;
    const reshape = a.length !== 2;
    if (reshape && !isConcrete(a)) continue;
    const bias = s.facts.loadShape(other(add, s.out(g)));
    const n = b[1];
    const ok = !!bias && ((bias.length === 1 && bias[0] === n) || (!reshape && bias.length === 2 && (bias[0] === 1 || bias[0] === a[0]) && (bias[1] === n || bias[1] === 1)));
    if (!ok || s.facts.elemType(other(add, s.out(g))) !== s.facts.elemType(mm.inputs[0] ?? null)) continue;
    s.merge(g, [add], 'matmul-add-gemm', add);
    g.op = 'Gemm';
    if (reshape) {
      s.layout.push({ op: 'Reshape', tensor: mm.inputs[0]!, chargedTo: g, block: 1, fromBytes: 0, toBytes: 0 });
      s.layout.push({ op: 'Reshape', tensor: add.outputs[0]!, chargedTo: g, block: 1, fromBytes: 0, toBytes: 0 });
    }
  }
}

/** The value of a one-element constant, else null. */
function constScalar(s: PlanState, v: Value | null): number | null {
  const t = s.facts.constTensor(v);
  return t && t.elementCount === 1 ? scalar(t) : null;
}

/** Div(x, √2) or Mul(x, 1/√2) -> Erf -> Add(1) -> Mul(x) with a Mul by 0.5 before or after. */
function gelu(s: PlanState): void {
  const half = (n: Node | null | undefined): n is Node => is(n, 'Mul') && s.alone(n) && n.inputs.some((v) => constScalar(s, v ?? null) === 0.5);
  for (const g of lone(s, 'Erf')) {
    const erf = g.head;
    const pre = s.producer(erf.inputs[0] ?? null)?.head;
    if (!pre || !(is(pre, 'Div') || is(pre, 'Mul')) || !s.alone(pre) || s.soleConsumer(s.group(pre)!) !== erf) continue;
    const k = constScalar(s, pre.inputs[1] ?? null);
    const x = pre.inputs[0];
    if (!x || k === null || Math.abs(pre.opType === 'Div' ? k - Math.SQRT2 : k - Math.SQRT1_2) > 1e-3) continue;
    const add = s.soleConsumer(g);
    if (!is(add, 'Add') || !s.alone(add) || constScalar(s, other(add, erf.outputs[0]!)) !== 1) continue;
    const mul = s.soleConsumer(s.group(add)!);
    if (!is(mul, 'Mul') || !s.alone(mul)) continue;
    const nodes = [pre, erf, add, mul];
    let head = mul;
    const afterMul = s.soleConsumer(s.group(mul)!);
    const xSide = s.producer(other(mul, add.outputs[0]!))?.head;
    if (other(mul, add.outputs[0]!) === x && half(afterMul)) {
      nodes.push(afterMul);
      head = afterMul;
    } else if (half(xSide) && xSide.inputs.includes(x)) nodes.push(xSide);
    else continue;
    const fused = s.group(pre)!;
    s.merge(fused, nodes, 'gelu', head);
    fused.op = 'Gelu';
    fused.domain = 'com.microsoft';
  }
}

/** ReduceMean -> Sub -> (Pow 2 -> ReduceMean -> Add eps -> Sqrt) -> Div -> Mul(γ) -> Add(β). */
function layerNorm(s: PlanState): void {
  for (const g of lone(s, 'ReduceMean')) {
    const mean = g.head;
    const x = mean.inputs[0];
    if (!x) continue;
    const sub = s.facts.consumers(mean.outputs[0]!).find((n) => is(n, 'Sub') && n.inputs[0] === x);
    if (!sub || !s.alone(sub)) continue;
    const users = s.facts.consumers(sub.outputs[0]!);
    const pow = users.find((n) => is(n, 'Pow'));
    const div = users.find((n) => is(n, 'Div'));
    if (!pow || !div || users.length !== 2) continue;
    const mean2 = s.soleConsumer(s.group(pow)!);
    const addEps = mean2 && is(mean2, 'ReduceMean') ? s.soleConsumer(s.group(mean2)!) : null;
    const sqrt = addEps && is(addEps, 'Add') ? s.soleConsumer(s.group(addEps)!) : null;
    if (!mean2 || !addEps || !is(sqrt, 'Sqrt') || div.inputs[1] !== sqrt.outputs[0]) continue;
    const nodes = [mean, sub, pow, mean2, addEps, sqrt, div];
    let head: Node = div;
    const mul = s.soleConsumer(s.group(div)!);
    if (is(mul, 'Mul') && s.facts.isConst(other(mul, div.outputs[0]!))) {
      nodes.push(mul);
      head = mul;
      const add = s.soleConsumer(s.group(mul)!);
      if (is(add, 'Add') && s.facts.isConst(other(add, mul.outputs[0]!))) {
        nodes.push(add);
        head = add;
      }
    }
    if (!nodes.every((n) => s.alone(n))) continue;
    s.merge(g, nodes, 'layernorm', head);
    g.op = 'LayerNormalization';
  }
}

function transposePair(s: PlanState): void {
  for (const g of lone(s, 'Transpose')) {
    const next = s.soleConsumer(g);
    if (!is(next, 'Transpose') || !s.alone(next)) continue;
    const p1 = g.head.attrInts('perm');
    const p2 = next.attrInts('perm');
    if (!p1 || !p2 || p1.length !== p2.length) continue;
    const identity = p2.every((p, i) => p1[p] === i);
    s.merge(g, [next], 'transpose-pair', next);
    if (identity) g.op = 'Identity';
  }
}

const QLINEAR: Record<string, string> = { Conv: 'QLinearConv', MatMul: 'QLinearMatMul', Gemm: 'QGemm', Add: 'QLinearAdd', Mul: 'QLinearMul', Sigmoid: 'QLinearSigmoid', LeakyRelu: 'QLinearLeakyRelu', AveragePool: 'QLinearAveragePool', GlobalAveragePool: 'QLinearGlobalAveragePool', Concat: 'QLinearConcat' };
const QDQ_DROP = new Set(['MaxPool', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Flatten', 'Resize', 'Gather', 'Slice', 'Split']);

/** DequantizeLinear inputs -> op -> QuantizeLinear: one quantized kernel (or the op on quantized data). */
function qdq(s: PlanState): void {
  for (const g of s.live().filter((x) => x.nodes.length === 1 && (QLINEAR[x.head.opType] || QDQ_DROP.has(x.head.opType)) && x.head.domain === '')) {
    const op = g.head;
    const inputs = op.inputs.filter((v): v is Value => !!v);
    const dqs = inputs.map((v) => s.facts.resolve(v).producer).filter((p): p is Node => is(p, 'DequantizeLinear'));
    if (dqs.length === 0 || inputs.some((v) => !s.facts.isConst(v) && !is(s.facts.resolve(v).producer, 'DequantizeLinear'))) continue;
    const q = s.soleConsumer(g);
    const matmulToFloat = !is(q, 'QuantizeLinear') && op.opType === 'MatMul' && dqs.length === 2;
    if (!matmulToFloat && (!is(q, 'QuantizeLinear') || !s.alone(q))) continue;
    const dqAlone = dqs.filter((d) => s.alone(d) && s.facts.uses(d.outputs[0]!) === 1);
    s.merge(g, [...dqAlone, ...(matmulToFloat ? [] : [q!])], 'qdq', matmulToFloat ? op : q!);
    g.op = matmulToFloat ? 'MatMulIntegerToFloat' : QLINEAR[op.opType] ?? op.opType;
    g.domain = g.op === op.opType || g.op === 'QLinearConv' || g.op === 'QLinearMatMul' ? '' : 'com.microsoft';
    // A 4-bit weight makes MatMulNBits.
    const w = op.opType === 'MatMul' ? dqs.find((d) => d.outputs[0] === op.inputs[1]) : undefined;
    const wt = w ? s.facts.elemType(w.inputs[0] ?? null) : null;
    if (wt === 21 || wt === 22) {
      g.op = 'MatMulNBits';
      g.domain = 'com.microsoft';
    }
  }
}

const GEMM_ACTIVATIONS = new Set(['Relu', 'LeakyRelu', 'Tanh', 'Sigmoid', 'HardSigmoid', 'Elu', 'Selu', 'Softsign', 'ThresholdedRelu']);
function gemmActivation(s: PlanState): void {
  for (const g of s.live().filter((x) => x.op === 'Gemm' && x.domain === '')) {
    const act = s.soleConsumer(g);
    if (!act || act.domain !== '' || !GEMM_ACTIVATIONS.has(act.opType) || !s.alone(act) || !s.computesFloat(g, s.out(g))) continue;
    s.merge(g, [act], 'gemm-activation', act);
    g.op = 'FusedGemm';
    g.domain = 'com.microsoft';
    g.activation = act.opType;
  }
}

function dynamicQuantizeMatMul(s: PlanState): void {
  for (const g of lone(s, 'MatMulInteger')) {
    const mm = g.head;
    const dql = mm.inputs[0]?.producer;
    if (!is(dql, 'DynamicQuantizeLinear') || !s.facts.isConst(mm.inputs[1] ?? null)) continue;
    const cast = s.soleConsumer(g);
    if (!is(cast, 'Cast') || !s.alone(cast)) continue;
    const mul = s.soleConsumer(s.group(cast)!);
    if (!is(mul, 'Mul') || !s.alone(mul)) continue;
    const scale = s.producer(other(mul, cast.outputs[0]!))?.head;
    const nodes: Node[] = [cast, mul];
    if (scale && is(scale, 'Mul') && s.alone(scale) && s.facts.uses(scale.outputs[0]!) === 1) nodes.push(scale);
    const shared = s.facts.consumers(dql.outputs[0]!).length > 1 || !s.alone(dql);
    if (!shared) nodes.push(dql);
    s.merge(g, nodes, 'dynamic-quantize-matmul', mul);
    g.op = shared ? 'MatMulIntegerToFloat' : 'DynamicQuantizeMatMul';
    g.domain = 'com.microsoft';
  }
}

const CONV_ACTIVATIONS = new Set(['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'Clip']);
function convActivation(s: PlanState): void {
  for (const g of s.live().filter((x) => x.op === 'Conv' && x.domain === '')) {
    const act = s.soleConsumer(g);
    if (!act || act.domain !== '' || !CONV_ACTIVATIONS.has(act.opType) || !s.alone(act)) continue;
    if (!s.computesFloat(g, s.out(g))) continue;
    if (act.opType === 'Clip' && [1, 2].some((i) => act.inputs[i] && !s.facts.constTensor(act.inputs[i]!))) continue;
    s.merge(g, [act], 'conv-activation', act);
    g.op = 'FusedConv';
    g.domain = 'com.microsoft';
    g.activation = act.opType;
  }
}

/** A Transpose swapping only the last two dims, read only by a MatMul: folded into FusedMatMul. */
function matmulTranspose(s: PlanState): void {
  for (const g of s.live().filter((x) => (x.op === 'MatMul' || x.op === 'FusedMatMul') && x.domain === (x.op === 'MatMul' ? '' : 'com.microsoft'))) {
    const mm = g.nodes.find((n) => is(n, 'MatMul'));
    if (!mm) continue;
    for (const v of mm.inputs.slice(0, 2)) {
      const t = s.producer(v ?? null)?.head;
      const perm = t?.attrInts('perm');
      if (!t || !is(t, 'Transpose') || !s.alone(t) || s.facts.uses(t.outputs[0]!) !== 1 || !perm || perm.length < 2) continue;
      const r = perm.length;
      if (!perm.every((p, i) => (i < r - 2 ? p === i : p === (i === r - 2 ? r - 1 : r - 2)))) continue;
      s.merge(g, [t], 'matmul-transpose');
      g.op = 'FusedMatMul';
      g.domain = 'com.microsoft';
    }
  }
}

/** Sigmoid(x) or Sigmoid(x·α) multiplied by x: QuickGelu. */
function quickGelu(s: PlanState): void {
  for (const g of lone(s, 'Sigmoid')) {
    const sig = g.head;
    const mul = s.soleConsumer(g);
    if (!is(mul, 'Mul') || !s.alone(mul)) continue;
    const x = other(mul, sig.outputs[0]!);
    const inner = sig.inputs[0];
    const scaled = s.producer(inner ?? null)?.head;
    const nodes: Node[] = [mul];
    if (inner !== x) {
      if (!scaled || !is(scaled, 'Mul') || !s.alone(scaled) || !scaled.inputs.includes(x) || !s.facts.isConst(other(scaled, x!)) || s.facts.uses(scaled.outputs[0]!) !== 1) continue;
      nodes.unshift(scaled);
    }
    s.merge(g, nodes, 'quick-gelu', mul);
    g.op = 'QuickGelu';
    g.domain = 'com.microsoft';
  }
}

function biasGeluAndSkipLayerNorm(s: PlanState): void {
  for (const g of s.live().filter((x) => (x.op === 'Gelu' && x.domain === 'com.microsoft') || (x.op === 'LayerNormalization' && x.domain === ''))) {
    const first = g.nodes.find((n) => !g.nodes.some((m) => m.outputs.includes(n.inputs[0] ?? null)));
    const add = s.producer(first?.inputs[0] ?? null)?.head;
    if (!add || !is(add, 'Add') || !s.alone(add) || s.facts.uses(add.outputs[0]!) !== (g.op === 'Gelu' ? 2 : (g.nodes.length > 1 ? 2 : 1))) continue;
    if (g.op === 'Gelu') {
      const bias = add.inputs.find((v) => s.facts.isConst(v ?? null));
      if (!bias || s.facts.constTensor(bias)?.dims.length !== 1) continue;
      s.merge(g, [add], 'bias-gelu');
      g.op = 'BiasGelu';
    } else {
      const [a, b] = add.inputs.map((v) => s.facts.loadShape(v ?? null));
      if (!a || !b || a.length !== 3 || b.length !== 3 || s.facts.isConst(add.inputs[0] ?? null) || s.facts.isConst(add.inputs[1] ?? null)) continue;
      s.merge(g, [add], 'skip-layernorm');
      g.op = 'SkipLayerNormalization';
      g.domain = 'com.microsoft';
    }
  }
}

function matmulScale(s: PlanState): void {
  const scalarConst = (n: Node, v: Value): boolean => (isOp(n, 'Mul') || (isOp(n, 'Div') && n.inputs[0] === v)) && s.alone(n) && (s.facts.constTensor(other(n, v))?.elementCount ?? 0) === 1;
  for (const g of s.live().filter((x) => x.op === 'MatMul' || x.op === 'FusedMatMul')) {
    if (!s.computesFloat(g, s.out(g))) continue;
    const after = s.soleConsumer(g);
    if (after && scalarConst(after, s.out(g))) {
      s.merge(g, [after], 'matmul-scale', after);
      g.op = 'FusedMatMul';
      g.domain = 'com.microsoft';
    }
  }
}

const SHAPE_PATH = new Set(['Gather', 'Slice', 'Cast', 'Unsqueeze', 'Squeeze', 'Concat']);
/**
 * A Reshape whose target shape is computed from the Shape of its own input (and constants): ORT's
 * ReshapeFusion replaces the computation by a constant (0 = "keep this dim"), so it runs no kernel.
 */
function reshapeFusion(s: PlanState): void {
  for (const g of lone(s, 'Reshape')) {
    const data = s.facts.resolve(g.head.inputs[0]!);
    const shapeIn = g.head.inputs[1];
    if (!shapeIn || s.facts.isConst(shapeIn)) continue;
    const chain: Node[] = [];
    const ok = (v: Value | null, depth: number): boolean => {
      if (!v || s.facts.isConst(v)) return true;
      const p = s.producer(v)?.head;
      if (!p || depth > 8 || !s.alone(p) || s.facts.uses(p.outputs[0]!) !== 1) return false;
      if (isOp(p, 'Shape')) {
        chain.push(p);
        return s.facts.resolve(p.inputs[0]!) === data;
      }
      if (!SHAPE_PATH.has(p.opType) || p.domain !== '') return false;
      chain.push(p);
      return (p.opType === 'Concat' ? p.inputs : [p.inputs[0] ?? null]).every((x) => ok(x, depth + 1)) && p.inputs.slice(p.opType === 'Concat' ? p.inputs.length : 1).every((x) => !x || s.facts.isConst(x));
    };
    if (!ok(shapeIn, 0) || !chain.some((n) => is(n, 'Shape'))) continue;
    for (const n of chain) s.fold(n, "shape arithmetic of a Reshape's own input: folded by ONNX Runtime (ReshapeFusion)");
    g.rules.push('reshape-fusion');
  }
}

/** Level 1 and 2 rules, in ORT's order. */
export const FUSION_PASSES: { ids: string[]; run: (s: PlanState) => void }[] = [
  { ids: ['pad-into-conv'], run: padIntoConv },
  { ids: ['conv-batchnorm', 'conv-mul', 'conv-add'], run: convAffine },
  { ids: ['matmul-add-gemm'], run: matmulAdd },
  { ids: ['reshape-fusion'], run: reshapeFusion },
  { ids: ['gelu'], run: gelu },
  { ids: ['layernorm'], run: layerNorm },
  { ids: ['transpose-pair'], run: transposePair },
  { ids: ['qdq'], run: qdq },
  { ids: ['gemm-activation'], run: gemmActivation },
  { ids: ['dynamic-quantize-matmul'], run: dynamicQuantizeMatMul },
  { ids: ['conv-activation'], run: convActivation },
  { ids: ['matmul-transpose'], run: matmulTranspose },
  { ids: ['quick-gelu'], run: quickGelu },
  { ids: ['bias-gelu', 'skip-layernorm'], run: biasGeluAndSkipLayerNorm },
  { ids: ['matmul-scale'], run: matmulScale },
];

export { convWeight, is, numel };
