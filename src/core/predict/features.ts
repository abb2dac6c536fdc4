// The class of a planned kernel and the figures its time is predicted from:
//   flops      Σ FLOPs of the original nodes it computes (the cost model's, docs/cost-model.md);
//   bytes      what it reads and writes: its inputs from other kernels and graph inputs, its constant
//              inputs (weights) and its outputs read elsewhere, each tensor once, in its storage type;
//              a Reorder moves its tensor once each way (NCHWc side padded to the block), a Cast
//              reads one type and writes the other;
//   outElements  elements of those outputs.
// The same function gives the figures of a calibration sample and of a model's kernel, so a
// predictor sees the same quantities in training and in use.
import { storageBytes } from '../ir/data-type';
import type { Node, Value } from '../ir/graph';
import { isConcrete } from '../ir/shape';
import { numel, type GraphFacts } from './graph-facts';
import type { Group, LayoutKernel } from './plan-state';
import type { KernelClass, KernelFeatures } from './types';

const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Neg', 'Abs', 'Relu', 'LeakyRelu', 'PRelu', 'Clip', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'Where', 'Floor', 'Ceil', 'Round', 'Sign', 'HardSigmoid', 'HardSwish', 'Mod', 'BitShift', 'IsNaN', 'IsInf', 'ThresholdedRelu', 'Shrink', 'BiasAdd']);
const MATH = new Set(['Exp', 'Log', 'Sqrt', 'Reciprocal', 'Pow', 'Tanh', 'Sigmoid', 'Erf', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign', 'Mish', 'Gelu', 'BiasGelu', 'FastGelu', 'QuickGelu']);
const COPY = new Set(['Concat', 'Split', 'Slice', 'Transpose', 'Gather', 'GatherElements', 'GatherND', 'Pad', 'Expand', 'Tile', 'DepthToSpace', 'SpaceToDepth', 'ScatterND', 'ScatterElements', 'Compress', 'ReverseSequence', 'Trilu', 'CumSum', 'TopK', 'OneHot', 'NonZero', 'ConstantOfShape', 'Range', 'Shape', 'Size']);
const RESHAPE = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);
const NORM = new Set(['LayerNormalization', 'SkipLayerNormalization', 'SimplifiedLayerNormalization', 'SkipSimplifiedLayerNormalization', 'InstanceNormalization', 'GroupNormalization', 'BatchNormalization', 'LpNormalization', 'MeanVarianceNormalization', 'RMSNormalization']);
const POOL = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'GlobalLpPool']);

function convShape(facts: GraphFacts, conv: Node): { depthwise: boolean; pointwise: boolean } {
  const w = facts.constTensor(conv.inputs[1] ?? null);
  const groups = conv.attrInt('group', 1);
  const depthwise = !!w && groups > 1 && w.dims[1] === 1 && w.dims[0] === groups;
  const k = w ? w.dims.slice(2) : [];
  const strides = conv.attrInts('strides') ?? [];
  const pointwise = !!w && k.every((d) => d === 1) && strides.every((s) => s === 1) && groups === 1;
  return { depthwise, pointwise };
}

/** The class of the kernel a group runs as. */
export function classify(g: Pick<Group, 'op' | 'domain' | 'nodes' | 'nchwc'>, facts: GraphFacts): KernelClass {
  const op = g.op;
  const conv = g.nodes.find((n) => n.opType === 'Conv' && n.domain === '');
  if (g.domain === 'com.microsoft.nchwc' && op === 'Conv') {
    if (!conv) return 'conv-nchwc-dw';
    const c = convShape(facts, conv);
    return c.depthwise ? 'conv-nchwc-dw' : c.pointwise ? 'conv-nchwc-1x1' : 'conv-nchwc';
  }
  if ((op === 'Conv' || op === 'FusedConv') && conv) return convShape(facts, conv).depthwise ? 'conv-dw' : 'conv';
  if (op === 'ConvTranspose') return 'conv-transpose';
  if (op === 'MatMul' || op === 'Gemm' || op === 'FusedMatMul' || op === 'FusedGemm') return 'gemm';
  if (op === 'QLinearConv' || op === 'ConvInteger') return 'conv-int8';
  if (['QLinearMatMul', 'MatMulInteger', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat', 'QGemm'].includes(op)) return 'matmul-int8';
  if (op === 'MatMulNBits') return 'matmul-nbits';
  if (op.startsWith('QLinear')) return 'qlinear';
  if (op === 'ReorderInput' || op === 'ReorderOutput') return 'reorder';
  if (op === 'Cast') return 'cast';
  if (op === 'QuantizeLinear' || op === 'DequantizeLinear' || op === 'DynamicQuantizeLinear') return 'quantize';
  if (ELEMENTWISE.has(op)) return 'elementwise';
  if (MATH.has(op)) return 'elementwise-math';
  if (op === 'Softmax' || op === 'LogSoftmax' || op === 'BiasSoftmax') return 'softmax';
  if (NORM.has(op)) return 'norm';
  if (op.startsWith('Reduce') || op === 'ArgMax' || op === 'ArgMin') return 'reduce';
  if (POOL.has(op)) return g.nchwc ? 'pool-nchwc' : 'pool';
  if (op === 'Resize' || op === 'Upsample') return 'resize';
  if (COPY.has(op)) return 'copy';
  if (RESHAPE.has(op)) return 'reshape';
  if (op === 'LSTM' || op === 'GRU' || op === 'RNN') return 'recurrent';
  if (op === 'If' || op === 'Loop' || op === 'Scan') return 'control';
  return 'other';
}

function tensorBytes(facts: GraphFacts, v: Value): number | null {
  const t = facts.run.typeOf(v) ?? v.type;
  if (!t || t.kind !== 'tensor') return null;
  const c = facts.constTensor(v);
  if (c && facts.isConst(v)) return c.byteLength;
  return isConcrete(t.shape) ? (storageBytes(t.elemType, numel(t.shape)!) ?? null) : null;
}

/** Features of a compute kernel; null when a tensor's size is unknown. */
export function groupFeatures(g: Group, facts: GraphFacts, flopsOf: (n: Node) => number | null): KernelFeatures | null {
  const inside = new Set(g.nodes);
  const produced = new Set<Value>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) produced.add(o);
  const seen = new Set<Value>();
  let bytes = 0;
  let outElements = 0;
  for (const n of g.nodes) {
    for (const v of n.inputs) {
      if (!v || produced.has(v) || seen.has(facts.resolve(v))) continue;
      seen.add(facts.resolve(v));
      const b = tensorBytes(facts, facts.resolve(v));
      if (b === null) return null;
      bytes += b;
    }
  }
  for (const o of produced) {
    const external = facts.isGraphOutput(o) || facts.consumers(o).some((c) => !inside.has(c));
    if (!external) continue;
    const b = tensorBytes(facts, o);
    const e = numel(facts.runShape(o));
    if (b === null || e === null) return null;
    bytes += b;
    outElements += e;
  }
  let flops = 0;
  for (const n of g.nodes) flops += flopsOf(n) ?? 0;
  return { flops, bytes, outElements };
}

/** Features of a layout kernel (Reorder, Cast, Reshape); null when its tensor's size is unknown. */
export function layoutFeatures(k: LayoutKernel, facts: GraphFacts): KernelFeatures | null {
  const shape = facts.runShape(k.tensor);
  const n = numel(shape);
  if (n === null || !shape) return null;
  if (k.op === 'Reshape') return { flops: 0, bytes: 0, outElements: n };
  let padded = n;
  if (k.block > 1 && shape.length === 4) {
    const c = shape[1] as number;
    padded = (n / Math.max(1, c)) * Math.ceil(c / k.block) * k.block;
  }
  const nchwcIn = k.op === 'ReorderOutput';
  const bytes = k.op === 'Cast' ? n * (k.fromBytes + k.toBytes) : 4 * (nchwcIn ? padded + n : n + padded);
  return { flops: 0, bytes, outElements: n };
}
