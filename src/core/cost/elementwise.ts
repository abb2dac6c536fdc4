// Ops without products: FLOPs per output element from a fixed table (the primitive operations of
// the op's ONNX definition; exp, log, sqrt, tanh, erf, sin, cos and pow count one each), and
// reductions, pooling, normalizations per input element. Data movement costs 0 FLOPs but is known.
import type { CostContext, CostFn } from './context';
import { numel } from './context';

/** FLOPs per output element. */
export const PER_ELEMENT: Record<string, number> = {
  Add: 1, Sub: 1, Mul: 1, Div: 1, Max: 1, Min: 1, Mod: 1, Pow: 1, Neg: 1, Abs: 1, Sign: 1,
  Floor: 1, Ceil: 1, Round: 1, Reciprocal: 1, Sqrt: 1, Exp: 1, Log: 1, Tanh: 1, Erf: 1,
  Sin: 1, Cos: 1, Tan: 1, Asin: 1, Acos: 1, Atan: 1, Sinh: 1, Cosh: 1, Asinh: 1, Acosh: 1, Atanh: 1,
  Relu: 1, Equal: 1, Less: 1, Greater: 1, LessOrEqual: 1, GreaterOrEqual: 1, And: 1, Or: 1, Xor: 1,
  Not: 1, Where: 1, BitShift: 1, BitwiseAnd: 1, BitwiseOr: 1, BitwiseXor: 1, BitwiseNot: 1,
  IsNaN: 1, IsInf: 1,
  // 1/(1+exp(-x)): neg, exp, add, div
  Sigmoid: 4,
  // x<0 ? αx : x
  LeakyRelu: 2, PRelu: 2, ThresholdedRelu: 1, Clip: 2,
  // max(0, min(1, αx+β)): mul, add, min, max; HardSwish multiplies by x
  HardSigmoid: 4, HardSwish: 5,
  // α(exp(x)-1) for x<0: exp, sub, mul, select
  Elu: 4, Celu: 5, Selu: 5,
  // log(exp(x)+1); x/(1+|x|)
  Softplus: 3, Softsign: 3, Shrink: 3,
  // x·0.5·(1+erf(x/√2)): div, erf, add, mul, mul
  Gelu: 5, 'com.microsoft:Gelu': 5, 'com.microsoft:BiasGelu': 6, 'com.microsoft:FastGelu': 8, 'com.microsoft:QuickGelu': 5,
  // x·tanh(softplus(x))
  Mish: 5,
  // max, sub, exp, sum, div per element
  Softmax: 5, LogSoftmax: 5, Hardmax: 1,
  // (x-zp)·scale ; saturate(round(x/scale)+zp)
  DequantizeLinear: 2, QuantizeLinear: 4, DynamicQuantizeLinear: 6,
  CumSum: 1, 'com.microsoft:BiasAdd': 2,
};

/** Ops that move or reshape data: 0 FLOPs, known. */
export const DATA_MOVEMENT = [
  'Reshape', 'Transpose', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements', 'GatherND', 'Scatter',
  'ScatterElements', 'ScatterND', 'Expand', 'Tile', 'Pad', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity',
  'Dropout', 'Cast', 'CastLike', 'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Range', 'DepthToSpace',
  'SpaceToDepth', 'NonZero', 'Compress', 'OneHot', 'EyeLike', 'Trilu', 'ReverseSequence', 'Optional',
  'OptionalGetElement', 'OptionalHasElement', 'SequenceConstruct', 'SequenceEmpty', 'SequenceInsert',
  'SequenceErase', 'SequenceAt', 'SequenceLength', 'SplitToSequence', 'ConcatFromSequence', 'Unique',
  'If', 'Loop', 'Scan', 'MaxUnpool', 'RandomUniformLike', 'RandomNormalLike', 'Bernoulli',
];

function perElement(k: number): CostFn {
  return (c) => {
    const y = c.out(0);
    if (!y) return null;
    // Variadic ops (Sum, Max, ...) do k ops per extra operand.
    const operands = c.node.inputs.filter(Boolean).length;
    const times = ['Sum', 'Max', 'Min', 'Mean'].includes(c.node.opType) ? Math.max(1, operands - 1) : 1;
    return { macs: 0, flops: k * times * numel(y) + (c.node.opType === 'Mean' ? numel(y) : 0) };
  };
}

const zero: CostFn = () => ({ macs: 0, flops: 0 });

/** One operation per input element (plus per-output finishing ops). */
function reduction(perInput: number, perOutput: number): CostFn {
  return (c) => {
    const x = c.in(0);
    const y = c.out(0);
    if (!x || !y) return null;
    return { macs: 0, flops: perInput * numel(x) + perOutput * numel(y) };
  };
}

/** Window ops: one op per window element per output, plus a divide per output for averages. */
function pool(divide: boolean): CostFn {
  return (c) => {
    const y = c.out(0);
    const k = c.node.attrInts('kernel_shape');
    if (!y || !k) return null;
    return { macs: 0, flops: numel(y) * numel(k) + (divide ? numel(y) : 0) };
  };
}

/**
 * Normalizations per their definition, per element: BatchNormalization (x-mean)/sqrt(var+eps)·s+b
 * = 4 (plus 2 per channel for sqrt(var+eps)); Layer/Instance/Group normalization: mean (1), sub
 * (1), square (1), variance sum (1), divide (1), scale (1), bias (1) = 7, plus 3 per normalized row.
 */
const batchNorm: CostFn = (c) => {
  const x = c.in(0);
  if (!x) return null;
  return { macs: 0, flops: 4 * numel(x) + 2 * (x[1] ?? 1) };
};

function rowNorm(axisOf: (c: CostContext, rank: number) => number): CostFn {
  return (c) => {
    const x = c.in(0);
    if (!x) return null;
    const axis = axisOf(c, x.length);
    const rows = numel(x.slice(0, axis));
    return { macs: 0, flops: 7 * numel(x) + 3 * rows };
  };
}

/** Resize: nearest 0; linear 3 per resized axis per output element; cubic 8 per resized axis. */
const resize: CostFn = (c) => {
  const x = c.in(0);
  const y = c.out(0);
  if (!x || !y) return null;
  const mode = c.node.attrString('mode', 'nearest');
  const axes = y.filter((d, i) => d !== x[i]).length;
  const per = mode === 'linear' || mode === 'bilinear' ? 3 : mode === 'cubic' ? 8 : 0;
  return { macs: 0, flops: per * axes * numel(y) };
};

/** LRN: a window sum of squares (size) plus pow, mul, add, div per element. */
const lrn: CostFn = (c) => {
  const x = c.in(0);
  if (!x) return null;
  return { macs: 0, flops: numel(x) * (c.node.attrInt('size', 1) + 4) };
};

export function register(reg: Map<string, CostFn>): void {
  for (const [op, k] of Object.entries(PER_ELEMENT)) reg.set(op, perElement(k));
  for (const op of ['Sum', 'Mean']) reg.set(op, perElement(1));
  for (const op of DATA_MOVEMENT) reg.set(op, zero);
  reg.set('Resize', resize);
  reg.set('Upsample', resize);
  for (const op of ['ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1']) reg.set(op, reduction(1, 0));
  reg.set('ReduceMean', reduction(1, 1));
  reg.set('ReduceSumSquare', reduction(2, 0));
  reg.set('ReduceL2', reduction(2, 1));
  reg.set('ReduceLogSum', reduction(1, 1));
  reg.set('ReduceLogSumExp', reduction(2, 1));
  reg.set('ArgMax', reduction(1, 0));
  reg.set('ArgMin', reduction(1, 0));
  reg.set('TopK', reduction(1, 0));
  reg.set('MaxPool', pool(false));
  reg.set('AveragePool', pool(true));
  reg.set('LpPool', pool(true));
  reg.set('GlobalAveragePool', reduction(1, 1));
  reg.set('GlobalMaxPool', reduction(1, 0));
  reg.set('GlobalLpPool', reduction(2, 1));
  reg.set('BatchNormalization', batchNorm);
  const lastAxis = (c: CostContext, rank: number): number => {
    const a = c.node.attrInt('axis', -1);
    return a < 0 ? a + rank : a;
  };
  reg.set('LayerNormalization', rowNorm(lastAxis));
  reg.set('com.microsoft:LayerNormalization', rowNorm(lastAxis));
  reg.set('com.microsoft:SimplifiedLayerNormalization', rowNorm(lastAxis));
  reg.set('com.microsoft:SkipLayerNormalization', rowNorm((_c, rank) => rank - 1));
  reg.set('com.microsoft:SkipSimplifiedLayerNormalization', rowNorm((_c, rank) => rank - 1));
  reg.set('InstanceNormalization', rowNorm(() => 2));
  reg.set('GroupNormalization', rowNorm(() => 1));
  reg.set('MeanVarianceNormalization', rowNorm(() => 1));
  reg.set('LpNormalization', reduction(3, 0));
  reg.set('LRN', lrn);
}
