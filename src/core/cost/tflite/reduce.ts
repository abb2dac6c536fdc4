// TFLite pooling, reductions, normalizations and resampling, with ONNX's definitions (cost/reduce.ts):
//   MAX_POOL_2D, MediaPipe MaxPoolingWithArgmax2D: filter_h·filter_w per output element
//   AVERAGE_POOL_2D, L2_POOL_2D: filter_h·filter_w + 1 per output element (the divide / the root)
//   (pools add their fused activation per output element)
//   SUM, REDUCE_MAX/MIN/PROD/ANY/ALL, ARG_MAX/ARG_MIN, TOPK_V2: 1 per input element
//   MEAN: 1 per input element + 1 per output element
//   L2_NORMALIZATION: 3 per input element (ONNX LpNormalization)
//   LOCAL_RESPONSE_NORMALIZATION: size + 4 per element, size = 2·radius + 1 (ONNX LRN)
//   RESIZE_BILINEAR: 3 per resized axis per output element; RESIZE_NEAREST_NEIGHBOR: 0 (ONNX Resize)
// Resized axes are H and W of the NHWC tensors when they change size.
import { type CostFn, numel } from '../context';
import { activationPerElement } from './activation';

function pool(extraPerOutput: number): CostFn {
  return (c) => {
    const y = c.out(0);
    const fh = c.node.attrInt('filter_height');
    const fw = c.node.attrInt('filter_width');
    if (!y || fh === undefined || fw === undefined) return null;
    return { macs: 0, flops: numel(y) * (fh * fw + extraPerOutput + activationPerElement(c)) };
  };
}

function resize(perAxis: number): CostFn {
  return (c) => {
    const x = c.in(0);
    const y = c.out(0);
    if (!x || !y || x.length !== 4 || y.length !== 4) return null;
    const axes = (x[1] !== y[1] ? 1 : 0) + (x[2] !== y[2] ? 1 : 0);
    return { macs: 0, flops: perAxis * axes * numel(y) };
  };
}

const lrn: CostFn = (c) => {
  const x = c.in(0);
  if (!x) return null;
  return { macs: 0, flops: numel(x) * (2 * c.node.attrInt('radius', 0) + 1 + 4) };
};

export function register(reg: Map<string, CostFn>): void {
  reg.set('tflite:MAX_POOL_2D', pool(0));
  reg.set('tflite.custom:MaxPoolingWithArgmax2D', pool(0));
  reg.set('tflite:AVERAGE_POOL_2D', pool(1));
  reg.set('tflite:L2_POOL_2D', pool(1));
  // Reductions are ONNX's own cost functions (registered before these): the same definition, one code.
  const REDUCTIONS: Record<string, string> = {
    SUM: 'ReduceSum', REDUCE_MAX: 'ReduceMax', REDUCE_MIN: 'ReduceMin', REDUCE_PROD: 'ReduceProd',
    REDUCE_ANY: 'ReduceMax', REDUCE_ALL: 'ReduceMin', ARG_MAX: 'ArgMax', ARG_MIN: 'ArgMin', TOPK_V2: 'TopK',
    MEAN: 'ReduceMean', L2_NORMALIZATION: 'LpNormalization',
  };
  for (const [op, onnx] of Object.entries(REDUCTIONS)) {
    const fn = reg.get(onnx);
    if (!fn) throw new Error(`cost registry: ${onnx} must be registered before the TFLite ops`);
    reg.set(`tflite:${op}`, fn);
  }
  reg.set('tflite:LOCAL_RESPONSE_NORMALIZATION', lrn);
  reg.set('tflite:RESIZE_BILINEAR', resize(3));
  reg.set('tflite:RESIZE_NEAREST_NEIGHBOR', resize(0));
}
