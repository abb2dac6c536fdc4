// Matrix products. MACs = numel(Y)·K, K the contracted dim: each output element is one dot product of
// length K, whatever the batch broadcasting. FLOPs = 2·MACs plus the bias/scaling adds listed below.
//   MatMul family: K = last dim of A (A 1-D: its only dim)
//   Gemm:          M·N·K, K = A[1] (A[0] with transA); + M·N for C when beta ≠ 0, + M·N for alpha ≠ 1,
//                  + M·N for beta ∉ {0, 1}
//   MatMulNBits:   K from the attribute (B is packed); + numel(Y) for the bias
//   Einsum:        the product of the extents of every index letter, free and summed alike
import { type CostContext, type CostFn, numel } from './context';

/** MatMul-like op with A at input `a`; `bias` the optional bias input; `transA` honours FusedMatMul's attribute. */
function matmul(a: number, bias: number | null = null, transA = false): CostFn {
  return (c) => {
    const as = c.in(a);
    const y = c.out(0);
    if (!as || !y || as.length === 0) return null;
    const trans = transA && c.node.attrInt('transA', 0) === 1 && as.length >= 2;
    const k = trans ? as[as.length - 2]! : as[as.length - 1]!;
    const macs = numel(y) * k;
    const alpha = transA ? c.node.attrFloat('alpha', 1) : 1;
    const extra = (bias !== null && c.has(bias) ? numel(y) : 0) + (alpha !== 1 ? numel(y) : 0);
    return { macs, flops: 2 * macs + extra };
  };
}

function gemmCost(c: CostContext, a: number, cIndex: number): ReturnType<CostFn> {
  const as = c.in(a);
  const y = c.out(0);
  if (!as || !y || as.length !== 2) return null;
  const k = c.node.attrInt('transA', 0) === 1 ? as[0]! : as[1]!;
  const mn = numel(y);
  const macs = mn * k;
  const alpha = c.node.attrFloat('alpha', 1);
  const beta = c.node.attrFloat('beta', 1);
  const withC = c.has(cIndex) && beta !== 0;
  const flops = 2 * macs + (withC ? mn : 0) + (alpha !== 1 ? mn : 0) + (withC && beta !== 1 ? mn : 0);
  return { macs, flops };
}

/** MatMulNBits(A, B, scales, zero_points, g_idx, bias) and MatMulBnb4(A, B, absmax): K is an attribute. */
function nbits(bias: number | null): CostFn {
  return (c) => {
    const y = c.out(0);
    const k = c.node.attrInt('K');
    if (!y || k === undefined) return null;
    const macs = numel(y) * k;
    return { macs, flops: 2 * macs + (bias !== null && c.has(bias) ? numel(y) : 0) };
  };
}

/** Einsum: one MAC per point of the joint index space of all letters; one operand: no products. */
const einsum: CostFn = (c) => {
  const eq = c.node.attrString('equation', '').replace(/\s/g, '');
  const terms = (eq.split('->')[0] ?? '').split(',');
  if (terms.length === 0 || terms[0] === '') return null;
  const extent = new Map<string, number>();
  let ellipsis = 1;
  for (let i = 0; i < terms.length; i++) {
    const s = c.in(i);
    if (!s) return null;
    const parts = terms[i]!.split('...');
    const head = [...(parts[0] ?? '')];
    const tail = parts.length > 1 ? [...parts[1]!] : [];
    if (head.length + tail.length > s.length) return null;
    // Broadcast letters (extent 1 in one operand) take the larger extent.
    head.forEach((ch, k) => extent.set(ch, Math.max(extent.get(ch) ?? 1, s[k]!)));
    tail.forEach((ch, k) => extent.set(ch, Math.max(extent.get(ch) ?? 1, s[s.length - tail.length + k]!)));
    if (parts.length > 1) ellipsis = Math.max(ellipsis, numel(s.slice(head.length, s.length - tail.length)));
  }
  let points = ellipsis;
  for (const e of extent.values()) points *= e;
  if (terms.length === 1) return { macs: 0, flops: points }; // a sum or transpose: one add per point
  return { macs: points, flops: 2 * points };
};

export function register(reg: Map<string, CostFn>): void {
  reg.set('MatMul', matmul(0));
  reg.set('MatMulInteger', matmul(0));
  // QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp)
  reg.set('QLinearMatMul', matmul(0));
  reg.set('com.microsoft:FusedMatMul', matmul(0, null, true));
  reg.set('com.microsoft:TransposeMatMul', matmul(0, null, true));
  // DynamicQuantizeMatMul(A, B, b_scale, b_zp, bias); MatMulIntegerToFloat(A, B, a_scale, b_scale, a_zp, b_zp, bias)
  reg.set('com.microsoft:DynamicQuantizeMatMul', matmul(0, 4));
  reg.set('com.microsoft:MatMulIntegerToFloat', matmul(0, 6));
  reg.set('Gemm', (c) => gemmCost(c, 0, 2));
  reg.set('com.microsoft:FusedGemm', (c) => gemmCost(c, 0, 2));
  // QGemm(A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp)
  reg.set('com.microsoft:QGemm', (c) => gemmCost(c, 0, 6));
  reg.set('com.microsoft:MatMulNBits', nbits(5));
  reg.set('com.microsoft:MatMulBnb4', nbits(null));
  reg.set('Einsum', einsum);
}
