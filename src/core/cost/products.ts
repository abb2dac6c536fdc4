// MAC-bearing ops. MACs follow the formulas the field agrees on; FLOPs = 2·MACs plus the bias add
// (one per output element) and any fused activation.
//   Conv family:   MACs = N·Cout·∏(out spatial)·(Cin/group)·∏(kernel) = numel(Y)·W[1]·∏W[2:]
//   ConvTranspose: MACs = N·Cin·∏(in spatial)·(Cout/group)·∏(kernel)  = numel(X)·W[1]·∏W[2:]
//   MatMul family: MACs = numel(Y)·K, K the reduced dim of A
//   Gemm:          MACs = M·N·K;  FLOPs += M·N for C (and M·N more each for alpha ≠ 1, beta ∉ {0,1})
import type { CostContext, CostFn, OpCost } from './context';
import { numel } from './context';

function convLike(x: number, w: number, bias: number | null, extraPerOutput = 0): CostFn {
  return (c) => {
    const y = c.out(0);
    const ws = c.in(w);
    if (!y || !ws) return null;
    void x;
    const macs = numel(y) * numel(ws.slice(1));
    const biasFlops = bias !== null && c.has(bias) ? numel(y) : 0;
    return { macs, flops: 2 * macs + biasFlops + extraPerOutput * numel(y) };
  };
}

const convTranspose: CostFn = (c) => {
  const xs = c.in(0);
  const ws = c.in(1);
  const y = c.out(0);
  if (!xs || !ws || !y) return null;
  const macs = numel(xs) * numel(ws.slice(1));
  return { macs, flops: 2 * macs + (c.has(2) ? numel(y) : 0) };
};

function matmulLike(a: number): CostFn {
  return (c) => {
    const as = c.in(a);
    const y = c.out(0);
    if (!as || !y) return null;
    const k = as[as.length - 1]!;
    const macs = numel(y) * k;
    return { macs, flops: 2 * macs };
  };
}

const gemm: CostFn = (c) => {
  const as = c.in(0);
  const y = c.out(0);
  if (!as || !y || as.length !== 2) return null;
  const k = c.node.attrInt('transA', 0) === 1 ? as[0]! : as[1]!;
  const mn = numel(y);
  const macs = mn * k;
  const alpha = c.node.attrFloat('alpha', 1);
  const beta = c.node.attrFloat('beta', 1);
  const withC = c.has(2) && beta !== 0;
  const flops = 2 * macs + (withC ? mn : 0) + (alpha !== 1 ? mn : 0) + (withC && beta !== 1 ? mn : 0);
  return { macs, flops };
};

const matMulNBits: CostFn = (c) => {
  const y = c.out(0);
  const k = c.node.attrInt('K');
  if (!y || k === undefined) return null;
  const macs = numel(y) * k;
  return { macs, flops: 2 * macs + (c.has(5) ? numel(y) : 0) };
};

/** Einsum: one MAC per point of the joint index space of all letters (summed ones included). */
const einsum: CostFn = (c) => {
  const eq = c.node.attrString('equation', '').replace(/\s/g, '');
  const terms = (eq.split('->')[0] ?? '').split(',');
  const extent = new Map<string, number>();
  let ellipsis = 1;
  for (let i = 0; i < terms.length; i++) {
    const s = c.in(i);
    if (!s) return null;
    const parts = terms[i]!.split('...');
    const head = [...(parts[0] ?? '')];
    const tail = parts.length > 1 ? [...parts[1]!] : [];
    head.forEach((ch, k) => extent.set(ch, Math.max(extent.get(ch) ?? 1, s[k]!)));
    tail.forEach((ch, k) => extent.set(ch, Math.max(extent.get(ch) ?? 1, s[s.length - tail.length + k]!)));
    if (parts.length > 1) ellipsis = Math.max(ellipsis, numel(s.slice(head.length, s.length - tail.length)));
  }
  let macs = ellipsis;
  for (const e of extent.values()) macs *= e;
  if (terms.length === 1) return { macs: 0, flops: macs }; // a single operand: a sum/transpose, no products
  return { macs, flops: 2 * macs };
};

/**
 * com.microsoft Attention: input [B,S,Hin], weights [Hin, 3H] (or qkv_hidden_sizes):
 * projections B·S·Hin·(Hq+Hk+Hv), scores B·S·S·Hq (summed over heads), context B·S·S·Hv.
 */
const attention: CostFn = (c) => {
  const x = c.in(0);
  const w = c.in(1);
  if (!x || !w || x.length !== 3) return null;
  const [b, s, hin] = x as [number, number, number];
  const sizes = c.node.attrInts('qkv_hidden_sizes') ?? [w[1]! / 3, w[1]! / 3, w[1]! / 3];
  const [hq, , hv] = sizes as [number, number, number];
  const heads = c.node.attrInt('num_heads', 1);
  const proj = b * s * hin * (w[1] ?? 0);
  const macs = proj + b * s * s * hq + b * s * s * hv;
  const softmax = 5 * b * heads * s * s;
  return { macs, flops: 2 * macs + b * s * (w[1] ?? 0) + softmax };
};

/**
 * LSTM/GRU/RNN over every timestep, every direction:
 *   MACs = D·T·B·G·H·(I + H), G gates (LSTM 4, GRU 3, RNN 1), I input size, H hidden size.
 * FLOPs = 2·MACs + D·T·B·H·e with e the per-unit elementwise work of one step:
 *   LSTM 32 (8 bias adds, 3 sigmoid + 2 tanh at 4 each, 4 for the cell and hidden updates),
 *   GRU 22 (6 bias adds, 2 sigmoid + 1 tanh at 4 each, 4 for the reset/update blend),
 *   RNN 6 (2 bias adds, 1 tanh at 4).
 */
function recurrent(gates: number, perUnit: number): CostFn {
  return (c) => {
    const x = c.in(0);
    const w = c.in(1);
    if (!x || !w) return null;
    const layout = c.node.attrInt('layout', 0);
    const [t, b] = layout === 0 ? [x[0]!, x[1]!] : [x[1]!, x[0]!];
    const i = x[2]!;
    const d = w[0]!;
    const h = c.node.attrInt('hidden_size') ?? w[1]! / gates;
    const macs = d * t * b * gates * h * (i + h);
    return { macs, flops: 2 * macs + d * t * b * h * perUnit };
  };
}

export function register(reg: Map<string, CostFn>): void {
  reg.set('Conv', convLike(0, 1, 2));
  reg.set('com.microsoft:FusedConv', convLike(0, 1, 2, 1));
  reg.set('com.microsoft:NhwcConv', convLike(0, 1, 2));
  reg.set('ConvInteger', convLike(0, 1, null));
  reg.set('QLinearConv', convLike(0, 3, 8));
  reg.set('ConvTranspose', convTranspose);
  reg.set('MatMul', matmulLike(0));
  reg.set('MatMulInteger', matmulLike(0));
  reg.set('QLinearMatMul', matmulLike(0));
  reg.set('com.microsoft:FusedMatMul', matmulLike(0));
  reg.set('com.microsoft:DynamicQuantizeMatMul', matmulLike(0));
  reg.set('com.microsoft:MatMulIntegerToFloat', matmulLike(0));
  reg.set('Gemm', gemm);
  reg.set('com.microsoft:FusedGemm', gemm);
  reg.set('com.microsoft:MatMulNBits', matMulNBits);
  reg.set('Einsum', einsum);
  reg.set('com.microsoft:Attention', attention);
  reg.set('LSTM', recurrent(4, 32));
  reg.set('GRU', recurrent(3, 22));
  reg.set('RNN', recurrent(1, 6));
}

export type { OpCost, CostContext };
