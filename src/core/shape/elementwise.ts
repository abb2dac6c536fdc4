// Elementwise ops: unary ops keep their input's type; binary/variadic ops broadcast (numpy rules);
// comparisons and logic give bool. Small constant operands are folded (shape arithmetic).
import { DataType } from '../ir/data-type';
import type { ShapeFn, OpContext } from './context';
import { broadcastShapes } from './dims';
import { broadcastApply, divFor } from './fold';

const UNARY = [
  'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Abs', 'Neg', 'Erf', 'Floor', 'Ceil', 'Round', 'Reciprocal',
  'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Softplus', 'Softsign',
  'HardSigmoid', 'HardSwish', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Gelu', 'Mish', 'ThresholdedRelu', 'Sign',
  'Shrink', 'Softmax', 'LogSoftmax', 'Hardmax', 'Clip', 'BitwiseNot', 'Identity', 'LpNormalization',
  'MeanVarianceNormalization', 'LRN', 'CumSum', 'Trilu', 'ReverseSequence', 'Bernoulli', 'RandomUniformLike',
  'RandomNormalLike', 'ScatterElements', 'ScatterND', 'Scatter', 'DequantizeLinearLike',
];

const UNARY_FOLD: Record<string, (x: number) => number> = {
  Identity: (x) => x,
  Neg: (x) => -x,
  Abs: Math.abs,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Sqrt: Math.sqrt,
  Relu: (x) => Math.max(0, x),
  Sign: Math.sign,
};

function unary(ctx: OpContext): void {
  const type = ctx.typeOf(0);
  const fold = UNARY_FOLD[ctx.node.opType];
  const values = fold ? ctx.constValues(0) : undefined;
  const shape = ctx.shape(0);
  if (values && fold && shape && type?.kind === 'tensor') {
    ctx.tensorOut(0, type.elemType, shape, values.map(fold));
  } else {
    ctx.setOutput(0, type);
  }
}

const BOOL_BINARY: Record<string, ((a: number, b: number) => number) | undefined> = {
  Equal: (a, b) => +(a === b),
  Less: (a, b) => +(a < b),
  Greater: (a, b) => +(a > b),
  LessOrEqual: (a, b) => +(a <= b),
  GreaterOrEqual: (a, b) => +(a >= b),
  And: (a, b) => +(!!a && !!b),
  Or: (a, b) => +(!!a || !!b),
  Xor: (a, b) => +(!!a !== !!b),
};

function arithmetic(op: string, t: DataType): ((xs: number[]) => number) | undefined {
  switch (op) {
    case 'Add':
    case 'Sum':
      return (xs) => xs.reduce((a, b) => a + b, 0);
    case 'Sub':
      return ([a, b]) => a! - b!;
    case 'Mul':
      return (xs) => xs.reduce((a, b) => a * b, 1);
    case 'Div': {
      const div = divFor(t);
      return ([a, b]) => div(a!, b!);
    }
    case 'Max':
      return (xs) => Math.max(...xs);
    case 'Min':
      return (xs) => Math.min(...xs);
    case 'Mod':
      return ([a, b]) => (b === 0 ? 0 : a! - b! * Math.floor(a! / b!));
    case 'Pow':
      return ([a, b]) => a! ** b!;
    default:
      return undefined;
  }
}

/** Broadcast all present inputs (from `first`), giving `outType` (defaults to input `first`'s type). */
function broadcasting(ctx: OpContext, outType?: DataType, first = 0): void {
  const idx = ctx.node.inputs.map((_, i) => i).filter((i) => i >= first && ctx.has(i));
  const shapes = idx.map((i) => ctx.shape(i));
  const elem = outType ?? ctx.elemType(first);
  if (shapes.some((s) => s === null)) {
    ctx.tensorOut(0, elem, null);
    return;
  }
  const r = broadcastShapes(shapes as NonNullable<(typeof shapes)[number]>[], ctx.syms);
  if (!r.shape) {
    ctx.error(r.why!);
    ctx.tensorOut(0, elem, null);
    return;
  }
  // Fold small constant arithmetic (shape computations).
  const op = ctx.node.opType;
  const f = BOOL_BINARY[op] ? (xs: number[]) => BOOL_BINARY[op]!(xs[0]!, xs[1]!) : arithmetic(op, ctx.elemType(first));
  if (f && op !== 'Where') {
    const vals = idx.map((i) => ctx.constValues(i));
    if (vals.every((v) => v !== undefined)) {
      const folded = broadcastApply(
        idx.map((i, k) => ({ shape: shapes[k] as number[], values: vals[k]! })),
        r.shape,
        f,
      );
      if (folded) {
        ctx.tensorOut(0, elem, r.shape, folded);
        return;
      }
    }
  }
  ctx.tensorOut(0, elem, r.shape);
}

function where(ctx: OpContext): void {
  const shapes = [ctx.shape(0), ctx.shape(1), ctx.shape(2)];
  const elem = ctx.elemType(1) || ctx.elemType(2);
  if (shapes.some((s) => s === null)) return ctx.tensorOut(0, elem, null);
  const r = broadcastShapes(shapes as NonNullable<(typeof shapes)[number]>[], ctx.syms);
  if (!r.shape) {
    ctx.error(r.why!);
    return ctx.tensorOut(0, elem, null);
  }
  const vals = [ctx.constValues(0), ctx.constValues(1), ctx.constValues(2)];
  if (vals.every((v) => v !== undefined)) {
    const folded = broadcastApply(
      vals.map((v, k) => ({ shape: shapes[k] as number[], values: v! })),
      r.shape,
      ([c, a, b]) => (c ? a! : b!),
    );
    if (folded) return ctx.tensorOut(0, elem, r.shape, folded);
  }
  ctx.tensorOut(0, elem, r.shape);
}

function dropout(ctx: OpContext): void {
  ctx.passThrough(0, 0);
  ctx.tensorOut(1, DataType.BOOL, ctx.shape(0));
}

function boolUnary(ctx: OpContext): void {
  const vals = ctx.node.opType === 'Not' ? ctx.constValues(0) : undefined;
  ctx.tensorOut(0, DataType.BOOL, ctx.shape(0), vals?.map((v) => +!v));
}

export function register(reg: Map<string, ShapeFn>): void {
  for (const op of UNARY) reg.set(op, unary);
  for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Mod', 'BitShift', 'PRelu', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor']) {
    reg.set(op, (ctx) => broadcasting(ctx));
  }
  for (const op of Object.keys(BOOL_BINARY)) reg.set(op, (ctx) => broadcasting(ctx, DataType.BOOL));
  reg.set('Where', where);
  reg.set('Dropout', dropout);
  reg.set('Not', boolUnary);
  reg.set('IsNaN', boolUnary);
  reg.set('IsInf', boolUnary);
}
