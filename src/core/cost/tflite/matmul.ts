// TFLite matrix products, with the definitions of ONNX's MatMul family: MACs = numel(Y)·K, K the
// contracted dim (each output element is one dot product of length K, whatever the batching).
//   FULLY_CONNECTED(input, W [units, K], bias): K = W[1]; + 1 FLOP per output element for the bias,
//                  + the fused activation's per-element FLOPs
//   BATCH_MATMUL(x, y): K = x's last dim (its second last with adj_x)
import { type CostFn, numel } from '../context';
import { activationPerElement } from './activation';

const fullyConnected: CostFn = (c) => {
  const ws = c.in(1);
  const y = c.out(0);
  if (!ws || !y || ws.length !== 2) return null;
  const macs = numel(y) * ws[1]!;
  const perOutput = (c.has(2) ? 1 : 0) + activationPerElement(c);
  return { macs, flops: 2 * macs + perOutput * numel(y) };
};

const batchMatmul: CostFn = (c) => {
  const xs = c.in(0);
  const y = c.out(0);
  if (!xs || !y || xs.length < 2) return null;
  const k = c.node.attrInt('adj_x', 0) === 1 ? xs[xs.length - 2]! : xs[xs.length - 1]!;
  const macs = numel(y) * k;
  return { macs, flops: 2 * macs };
};

export function register(reg: Map<string, CostFn>): void {
  reg.set('tflite:FULLY_CONNECTED', fullyConnected);
  reg.set('tflite:BATCH_MATMUL', batchMatmul);
}
