// Attention. With B batch, S query positions, L key positions (past included), Nq query heads of
// width H and value heads of width Hv, the two products are
//   scores  Q·Kᵀ: B·Nq·S·L·H MACs     context  softmax(scores)·V: B·Nq·S·L·Hv MACs
// and com.microsoft Attention adds its input projection B·S·Hin·(Hq+Hk+Hv) MACs.
// FLOPs = 2·MACs + 6 per score element (1 scale + 5 softmax, as in the Softmax row of the table)
// + one add per projected element for the projection bias.
import type { CostContext, CostFn } from './context';

const PER_SCORE = 6;

interface Dims {
  b: number;
  nq: number;
  s: number;
  l: number;
  h: number;
  hv: number;
}

function products(d: Dims): { macs: number; scores: number } {
  const scores = d.b * d.nq * d.s * d.l;
  return { macs: scores * d.h + scores * d.hv, scores };
}

/** Past length from a [.., .., P, H] past key tensor (or [2, B, N, P, H] for the packed past of Attention). */
function pastLength(c: CostContext, i: number, axis: number): number | null {
  if (!c.has(i)) return 0;
  const p = c.in(i);
  return p ? (p[axis] ?? 0) : null;
}

/** com.microsoft Attention(input, weights, bias, mask_index, past, attention_bias, past_sequence_length). */
const msAttention: CostFn = (c) => {
  const x = c.in(0);
  const w = c.in(1);
  if (!x || !w || x.length !== 3 || w.length !== 2) return null;
  const [b, s, hin] = x as [number, number, number];
  const total = w[1]!;
  const sizes = c.node.attrInts('qkv_hidden_sizes') ?? [total / 3, total / 3, total / 3];
  const [hq, , hv] = sizes as [number, number, number];
  const heads = c.node.attrInt('num_heads', 1);
  const past = pastLength(c, 4, 3);
  if (past === null) return null;
  const l = s + past;
  const proj = b * s * hin * total;
  const p = products({ b, nq: heads, s, l, h: hq / heads, hv: hv / heads });
  const bias = c.has(2) ? b * s * total : 0;
  return { macs: proj + p.macs, flops: 2 * (proj + p.macs) + bias + PER_SCORE * p.scores };
};

/** com.microsoft MultiHeadAttention(query, key, value, bias, key_padding_mask, attention_bias, past_key, past_value). */
const multiHead: CostFn = (c) => {
  const q = c.in(0);
  if (!q) return null;
  const n = c.node.attrInt('num_heads', 1);
  let b: number, s: number, l: number, h: number, hv: number;
  if (q.length === 5 && !c.has(1)) {
    // packed QKV [B, S, N, 3, H]
    [b, s, , , h] = q as [number, number, number, number, number];
    l = s;
    hv = h;
  } else {
    const k = c.in(1);
    const v = c.has(2) ? c.in(2) : null;
    if (!k || q.length !== 3) return null;
    [b, s] = q as [number, number];
    h = q[2]! / n;
    if (k.length === 5) {
      // packed KV [B, L, N, 2, H]
      l = k[1]!;
      hv = k[4]!;
    } else if (k.length === 4) {
      // [B, N, L, H]: already split into heads
      l = k[2]!;
      hv = v ? v[3]! : h;
    } else if (k.length === 3) {
      l = k[1]!;
      if (!v) return null;
      hv = v[2]! / n;
    } else return null;
  }
  const past = pastLength(c, 6, 2);
  if (past === null) return null;
  const p = products({ b, nq: n, s, l: l + past, h, hv });
  const bias = c.has(3) ? b * s * n * h + b * l * n * (h + hv) : 0;
  return { macs: p.macs, flops: 2 * p.macs + bias + PER_SCORE * p.scores };
};

/** ONNX Attention (opset 23): Q, K, V in [B, N, S, H] or [B, S, N·H] with q_num_heads/kv_num_heads. */
const onnxAttention: CostFn = (c) => {
  const q = c.in(0);
  const k = c.in(1);
  const v = c.in(2);
  if (!q || !k || !v) return null;
  let d: Dims;
  if (q.length === 4 && k.length === 4 && v.length === 4) {
    d = { b: q[0]!, nq: q[1]!, s: q[2]!, l: k[2]!, h: q[3]!, hv: v[3]! };
  } else if (q.length === 3 && k.length === 3 && v.length === 3) {
    const nq = c.node.attrInt('q_num_heads');
    const nkv = c.node.attrInt('kv_num_heads');
    if (!nq || !nkv) return null;
    d = { b: q[0]!, nq, s: q[1]!, l: k[1]!, h: q[2]! / nq, hv: v[2]! / nkv };
  } else return null;
  const past = pastLength(c, 4, 2);
  if (past === null) return null;
  const p = products({ ...d, l: d.l + past });
  return { macs: p.macs, flops: 2 * p.macs + PER_SCORE * p.scores };
};

export function register(reg: Map<string, CostFn>): void {
  reg.set('com.microsoft:Attention', msAttention);
  reg.set('com.microsoft:MultiHeadAttention', multiHead);
  reg.set('Attention', onnxAttention);
}
