// LSTM / GRU / RNN over every timestep and direction. Each step multiplies the input by W and the
// previous hidden state by R for every gate:
//   MACs = D·T·B·G·H·(I + H)    D directions, T steps, B batch, G gates (LSTM 4, GRU 3, RNN 1),
//                               H hidden size, I input size
// FLOPs = 2·MACs + D·T·B·H·e, e the elementwise work per hidden unit per step with the default
// activations, priced with the per-element table (sigmoid 4, tanh 1):
//   LSTM e = 26: 8 bias adds (Wb and Rb, 4 gates) + 3 sigmoids (12) + 2 tanh (2)
//                + c = f⊙c + i⊙g (3) + h = o⊙tanh(c) (1); peepholes (input P) add 6
//   GRU  e = 20: 6 bias adds + 2 sigmoids (8) + r⊙(R·h) (1) + tanh (1) + h = (1-z)⊙h~ + z⊙h (4)
//   RNN  e = 3:  2 bias adds + tanh (1)
import { type CostFn } from './context';

function recurrent(gates: number, perUnit: number, peephole: number | null = null): CostFn {
  return (c) => {
    const x = c.in(0);
    const w = c.in(1);
    if (!x || !w || x.length !== 3 || w.length !== 3) return null;
    const layout = c.node.attrInt('layout', 0);
    const [t, b] = layout === 0 ? [x[0]!, x[1]!] : [x[1]!, x[0]!];
    const i = x[2]!;
    const d = w[0]!;
    const h = c.node.attrInt('hidden_size') ?? w[1]! / gates;
    const macs = d * t * b * gates * h * (i + h);
    const e = perUnit + (peephole !== null && c.has(peephole) ? 6 : 0);
    return { macs, flops: 2 * macs + d * t * b * h * e };
  };
}

export function register(reg: Map<string, CostFn>): void {
  reg.set('LSTM', recurrent(4, 26, 7));
  reg.set('GRU', recurrent(3, 20));
  reg.set('RNN', recurrent(1, 3));
}
