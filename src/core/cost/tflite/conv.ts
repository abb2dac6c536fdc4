// TFLite convolutions. MACs are the products of the sliding window, as for ONNX's Conv/ConvTranspose;
// only the weight layouts differ (TFLite is NHWC with the output channels first or last):
//   CONV_2D            W [Cout, kh, kw, Cin]      MACs = numel(Y)·kh·kw·Cin      = numel(Y)·∏W[1:]
//   DEPTHWISE_CONV_2D  W [1, kh, kw, Cout]        MACs = numel(Y)·kh·kw          (one input channel per output)
//   CONV_3D            W [kd, kh, kw, Cin, Cout]  MACs = numel(Y)·kd·kh·kw·Cin   = numel(Y)·∏W[:4]
//   TRANSPOSE_CONV     W [Cout, kh, kw, Cin]      MACs = numel(X)·Cout·kh·kw     = numel(X)·∏W[:3]
//   CONV_3D_TRANSPOSE  W [kd, kh, kw, Cout, Cin]  MACs = numel(X)·kd·kh·kw·Cout  = numel(X)·∏W[:4]
//   MediaPipe Convolution2DTransposeBias (custom; inputs X, W, bias): as TRANSPOSE_CONV
// (a transposed convolution: every input element meets every tap of every output channel).
// FLOPs = 2·MACs + 1 per output element for a bias + the fused activation's per-element FLOPs.
import { type CostContext, type CostFn, numel } from '../context';
import { activationPerElement } from './activation';

/** MACs from (window-side shape, weight shape); the weight input, the data input and the bias input. */
function conv(x: number, w: number, bias: number | null, macsOf: (xs: number[], ys: number[], ws: number[]) => number): CostFn {
  return (c: CostContext) => {
    const xs = c.in(x);
    const ws = c.in(w);
    const y = c.out(0);
    if (!xs || !ws || !y || ws.length < 3) return null;
    const macs = macsOf(xs, y, ws);
    const perOutput = (bias !== null && c.has(bias) ? 1 : 0) + activationPerElement(c);
    return { macs, flops: 2 * macs + perOutput * numel(y) };
  };
}

export function register(reg: Map<string, CostFn>): void {
  reg.set('tflite:CONV_2D', conv(0, 1, 2, (_x, y, w) => numel(y) * numel(w.slice(1))));
  reg.set('tflite:DEPTHWISE_CONV_2D', conv(0, 1, 2, (_x, y, w) => numel(y) * numel(w.slice(1, 3))));
  reg.set('tflite:CONV_3D', conv(0, 1, 2, (_x, y, w) => numel(y) * numel(w.slice(0, 4))));
  // TRANSPOSE_CONV(output_shape, weights, input, bias); CONV_3D_TRANSPOSE(output_shape, filter, input, bias)
  reg.set('tflite:TRANSPOSE_CONV', conv(2, 1, 3, (x, _y, w) => numel(x) * numel(w.slice(0, 3))));
  reg.set('tflite:CONV_3D_TRANSPOSE', conv(2, 1, 3, (x, _y, w) => numel(x) * numel(w.slice(0, 4))));
  reg.set('tflite.custom:Convolution2DTransposeBias', conv(0, 1, 2, (x, _y, w) => numel(x) * numel(w.slice(0, 3))));
}
