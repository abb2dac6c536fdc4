// Ops without products: FLOPs per output element from a fixed table (the primitive operations of the
// op's ONNX definition; exp, log, sqrt, tanh, erf, sin, cos and pow count one each). Data movement
// costs 0 FLOPs but is known. MACs are 0 for all of them.
import { type CostFn, numel } from './context';

/** FLOPs per output element; keys as in the registry (`OpType` or `domain:OpType`). */
export const PER_ELEMENT: Record<string, number> = {
  Add: 1, Sub: 1, Mul: 1, Div: 1, Mod: 1, Pow: 1, Neg: 1, Abs: 1, Sign: 1,
  Floor: 1, Ceil: 1, Round: 1, Reciprocal: 1, Sqrt: 1, Exp: 1, Log: 1, Tanh: 1, Erf: 1,
  Sin: 1, Cos: 1, Tan: 1, Asin: 1, Acos: 1, Atan: 1, Sinh: 1, Cosh: 1, Asinh: 1, Acosh: 1, Atanh: 1,
  Relu: 1, Equal: 1, Less: 1, Greater: 1, LessOrEqual: 1, GreaterOrEqual: 1, And: 1, Or: 1, Xor: 1,
  Not: 1, Where: 1, BitShift: 1, BitwiseAnd: 1, BitwiseOr: 1, BitwiseXor: 1, BitwiseNot: 1,
  IsNaN: 1, IsInf: 1, ThresholdedRelu: 1, Hardmax: 1, CumSum: 1,
  // x<0 ? αx : x ; min then max
  LeakyRelu: 2, PRelu: 2, Clip: 2,
  // 1/(1+exp(-x)): neg, exp, add, div
  Sigmoid: 4,
  // max(0, min(1, αx+β)): mul, add, min, max; HardSwish multiplies by x
  HardSigmoid: 4, HardSwish: 5,
  // α(exp(x)-1) for x<0: exp, sub, mul, select; Celu divides by α first; Selu scales by γ
  Elu: 4, Celu: 5, Selu: 5,
  // log(exp(x)+1); x/(1+|x|); Shrink: compare, add/sub, select
  Softplus: 3, Softsign: 3, Shrink: 3,
  // x·0.5·(1+erf(x/√2)): div, erf, add, mul, mul
  Gelu: 5, 'com.microsoft:Gelu': 5, 'com.microsoft:BiasGelu': 6, 'com.microsoft:QuickGelu': 5,
  // tanh approximation: 0.5x(1+tanh(√(2/π)(x+0.044715x³))): 3 mul for x³ and scaling, add, mul, tanh, add, 2 mul; + bias add
  'com.microsoft:FastGelu': 8,
  // x·tanh(softplus(x)): softplus 3, tanh 1, mul 1
  Mish: 5,
  // per element: max, sub, exp, sum, div
  Softmax: 5, LogSoftmax: 5,
  // (x-zp)·scale ; saturate(round(x/scale)+zp): div, round, add, clip
  DequantizeLinear: 2, QuantizeLinear: 4, DynamicQuantizeLinear: 6,
  'com.microsoft:DequantizeLinear': 2, 'com.microsoft:QuantizeLinear': 4,
  'com.microsoft:BiasAdd': 2, 'com.microsoft:BiasSoftmax': 6,
  // dequantize both inputs (2 each), operate (1), quantize (4)
  'com.microsoft:QLinearAdd': 9, 'com.microsoft:QLinearMul': 9, 'com.microsoft:QLinearLeakyRelu': 8,
  'com.microsoft:QLinearSigmoid': 10,
};

/** Variadic ops: one operation per output element per operand beyond the first (Mean: + 1 divide). */
const VARIADIC = ['Sum', 'Max', 'Min', 'Mean'];

/** Ops that move, reshape, copy or generate data: 0 FLOPs, known. */
export const DATA_MOVEMENT = [
  'Reshape', 'Transpose', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements', 'GatherND', 'Scatter',
  'ScatterElements', 'ScatterND', 'Expand', 'Tile', 'Pad', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity',
  'Dropout', 'Cast', 'CastLike', 'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Range', 'DepthToSpace',
  'SpaceToDepth', 'NonZero', 'Compress', 'OneHot', 'EyeLike', 'Trilu', 'ReverseSequence', 'Optional',
  'OptionalGetElement', 'OptionalHasElement', 'SequenceConstruct', 'SequenceEmpty', 'SequenceInsert',
  'SequenceErase', 'SequenceAt', 'SequenceLength', 'SplitToSequence', 'ConcatFromSequence', 'Unique',
  'MaxUnpool', 'RandomUniform', 'RandomNormal', 'RandomUniformLike', 'RandomNormalLike', 'Bernoulli',
  'Multinomial', 'CenterCropPad', 'GatherBlockQuantized',
  // control flow: the node itself does nothing; its bodies are costed node by node
  'If', 'Loop', 'Scan',
  'com.microsoft:GatherBlockQuantized', 'com.microsoft:QLinearConcat', 'com.microsoft:Trilu',
];

function perElement(k: number): CostFn {
  return (c) => {
    const y = c.out(0);
    if (!y) return null;
    return { macs: 0, flops: k * numel(y) };
  };
}

function variadic(op: string): CostFn {
  return (c) => {
    const y = c.out(0);
    if (!y) return null;
    const extra = Math.max(0, c.inputCount() - 1);
    return { macs: 0, flops: extra * numel(y) + (op === 'Mean' ? numel(y) : 0) };
  };
}

const zero: CostFn = () => ({ macs: 0, flops: 0 });

export function register(reg: Map<string, CostFn>): void {
  for (const [op, k] of Object.entries(PER_ELEMENT)) reg.set(op, perElement(k));
  for (const op of VARIADIC) reg.set(op, variadic(op));
  for (const op of DATA_MOVEMENT) reg.set(op, zero);
}
