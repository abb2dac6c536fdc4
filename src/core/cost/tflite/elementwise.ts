// TFLite ops without products, priced with ONNX's per-element table (cost/elementwise.ts) through the
// ONNX op each one computes, so that a TFLite ADD and an ONNX Add cost the same. Ops with no single
// ONNX counterpart are the sum of the ONNX ops they are made of (RSQRT = Sqrt + Reciprocal,
// SQUARED_DIFFERENCE = Sub + Mul, FLOOR_DIV = Div + Floor, FAKE_QUANT = QuantizeLinear +
// DequantizeLinear). Binary ops add their fused activation. Integer and quantized (int8/int16)
// tensors are counted the same way as float ones. Data movement is 0 FLOPs, known.
import { type CostFn, numel } from '../context';
import { PER_ELEMENT } from '../elementwise';
import { activationPerElement } from './activation';

/** TFLite op -> the ONNX ops it computes per output element. */
const AS_ONNX: Record<string, string[]> = {
  ADD: ['Add'], SUB: ['Sub'], MUL: ['Mul'], DIV: ['Div'], POW: ['Pow'], MAXIMUM: ['Max'], MINIMUM: ['Min'],
  FLOOR_MOD: ['Mod'], FLOOR_DIV: ['Div', 'Floor'], SQUARED_DIFFERENCE: ['Sub', 'Mul'], ATAN2: ['Atan'],
  NEG: ['Neg'], ABS: ['Abs'], SIGN: ['Sign'], FLOOR: ['Floor'], CEIL: ['Ceil'], ROUND: ['Round'],
  SQRT: ['Sqrt'], RSQRT: ['Sqrt', 'Reciprocal'], EXP: ['Exp'], LOG: ['Log'], SIN: ['Sin'], COS: ['Cos'],
  TANH: ['Tanh'], SQUARE: ['Mul'], RELU: ['Relu'], RELU6: ['Clip'], RELU_N1_TO_1: ['Clip'], RELU_0_TO_1: ['Clip'],
  LEAKY_RELU: ['LeakyRelu'], PRELU: ['PRelu'], LOGISTIC: ['Sigmoid'], HARD_SWISH: ['HardSwish'], ELU: ['Elu'],
  SOFTMAX: ['Softmax'], LOG_SOFTMAX: ['LogSoftmax'],
  EQUAL: ['Equal'], NOT_EQUAL: ['Equal'], LESS: ['Less'], LESS_EQUAL: ['LessOrEqual'], GREATER: ['Greater'],
  GREATER_EQUAL: ['GreaterOrEqual'], LOGICAL_AND: ['And'], LOGICAL_OR: ['Or'], LOGICAL_NOT: ['Not'],
  SELECT: ['Where'], SELECT_V2: ['Where'], BITWISE_XOR: ['BitwiseXor'], RIGHT_SHIFT: ['BitShift'], CUMSUM: ['CumSum'],
  QUANTIZE: ['QuantizeLinear'], DEQUANTIZE: ['DequantizeLinear'], FAKE_QUANT: ['QuantizeLinear', 'DequantizeLinear'],
};

/** Ops that move, reshape, copy or generate data, and the control-flow and variable ops: 0 FLOPs, known. */
const DATA_MOVEMENT = [
  'RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'TRANSPOSE', 'SPLIT', 'SPLIT_V', 'SLICE', 'STRIDED_SLICE', 'GATHER',
  'GATHER_ND', 'SCATTER_ND', 'PAD', 'PADV2', 'MIRROR_PAD', 'TILE', 'PACK', 'UNPACK', 'DEPTH_TO_SPACE',
  'SPACE_TO_DEPTH', 'BATCH_TO_SPACE_ND', 'SPACE_TO_BATCH_ND', 'BROADCAST_TO', 'BROADCAST_ARGS', 'SHAPE', 'RANK',
  'FILL', 'ZEROS_LIKE', 'RANGE', 'ONE_HOT', 'REVERSE_V2', 'REVERSE_SEQUENCE', 'CAST', 'DENSIFY',
  'EMBEDDING_LOOKUP', 'WHERE', 'UNIQUE', 'MATRIX_DIAG', 'MATRIX_SET_DIAG', 'SPARSE_TO_DENSE',
  'DYNAMIC_UPDATE_SLICE', 'BITCAST', 'RANDOM_STANDARD_NORMAL', 'RANDOM_UNIFORM', 'MULTINOMIAL',
  // control flow and resources: bodies are costed node by node
  'IF', 'WHILE', 'CALL', 'CALL_ONCE', 'VAR_HANDLE', 'READ_VARIABLE', 'ASSIGN_VARIABLE',
];

/** Custom ops known to move data only (MediaPipe's unpooling scatters values to the argmax positions). */
const CUSTOM_DATA_MOVEMENT = ['MaxUnpooling2D'];

function perElement(onnx: string[]): CostFn {
  const k = onnx.reduce((s, op) => s + (PER_ELEMENT[op] ?? NaN), 0);
  return (c) => {
    const y = c.out(0);
    if (!y || Number.isNaN(k)) return null;
    return { macs: 0, flops: (k + activationPerElement(c)) * numel(y) };
  };
}

/** ADD_N: one add per output element per operand beyond the first (ONNX Sum). */
const addN: CostFn = (c) => {
  const y = c.out(0);
  if (!y) return null;
  return { macs: 0, flops: Math.max(0, c.inputCount() - 1) * numel(y) };
};

/** GELU: ONNX Gelu (erf form, 5) or, with `approximate`, the tanh form priced as com.microsoft FastGelu less its bias (7). */
const gelu: CostFn = (c) => {
  const y = c.out(0);
  if (!y) return null;
  const k = c.node.attrInt('approximate', 0) === 1 ? (PER_ELEMENT['com.microsoft:FastGelu'] ?? 8) - 1 : (PER_ELEMENT['Gelu'] ?? 5);
  return { macs: 0, flops: k * numel(y) };
};

/** CONCATENATION moves data; a fused activation still runs on every output element. */
const concatenation: CostFn = (c) => {
  const y = c.out(0);
  if (!y) return null;
  return { macs: 0, flops: activationPerElement(c) * numel(y) };
};

const zero: CostFn = () => ({ macs: 0, flops: 0 });

export function register(reg: Map<string, CostFn>): void {
  for (const [op, onnx] of Object.entries(AS_ONNX)) reg.set(`tflite:${op}`, perElement(onnx));
  for (const op of DATA_MOVEMENT) reg.set(`tflite:${op}`, zero);
  for (const op of CUSTOM_DATA_MOVEMENT) reg.set(`tflite.custom:${op}`, zero);
  reg.set('tflite:ADD_N', addN);
  reg.set('tflite:GELU', gelu);
  reg.set('tflite:CONCATENATION', concatenation);
}
