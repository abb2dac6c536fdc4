// Convolutions. MACs are the products of the sliding window, for any spatial rank:
//   Conv family:   N·Cout·∏(output spatial)·(Cin/group)·∏(kernel) = numel(Y)·∏W[1:]
//                  (W is [Cout, Cin/group, k1, k2, ...]: everything after its first dim)
//   ConvTranspose: N·Cin·∏(input spatial)·(Cout/group)·∏(kernel) = numel(X)·∏W[1:]
//                  (W is [Cin, Cout/group, k1, k2, ...]: every input element meets every tap)
// FLOPs = 2·MACs + one add per output element when a bias is given (+1 for FusedConv's activation).
import { type CostFn, numel } from './context';

/** Conv-like op with the weight at input `w`, optional bias at input `bias` (null: none). */
function conv(w: number, bias: number | null, extraPerOutput = 0): CostFn {
  return (c) => {
    const y = c.out(0);
    const ws = c.in(w);
    if (!y || !ws || ws.length < 2) return null;
    const macs = numel(y) * numel(ws.slice(1));
    const biasFlops = bias !== null && c.has(bias) ? numel(y) : 0;
    return { macs, flops: 2 * macs + biasFlops + extraPerOutput * numel(y) };
  };
}

const convTranspose: CostFn = (c) => {
  const xs = c.in(0);
  const ws = c.in(1);
  const y = c.out(0);
  if (!xs || !ws || !y || ws.length < 2) return null;
  const macs = numel(xs) * numel(ws.slice(1));
  return { macs, flops: 2 * macs + (c.has(2) ? numel(y) : 0) };
};

export function register(reg: Map<string, CostFn>): void {
  reg.set('Conv', conv(1, 2));
  reg.set('ConvInteger', conv(1, null));
  // QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B)
  reg.set('QLinearConv', conv(3, 8));
  reg.set('com.microsoft:QLinearConv', conv(3, 8));
  // FusedConv(X, W, B, Z): Conv + bias + optional residual Z + activation (1 per output element).
  reg.set('com.microsoft:FusedConv', (c) => {
    const r = conv(1, 2, 1)(c);
    const y = c.out(0);
    return r && y && c.has(3) ? { macs: r.macs, flops: r.flops + numel(y) } : r;
  });
  // NhwcConv: the same products; ∏W[1:] does not depend on where the channel dim sits.
  reg.set('com.microsoft:NhwcConv', conv(1, 2));
  reg.set('ConvTranspose', convTranspose);
  reg.set('com.microsoft:ConvTransposeWithDynamicPads', convTranspose);
}
