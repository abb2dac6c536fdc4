// Elementwise ops: unary ops keep their input's type; binary/variadic ops broadcast (numpy rules);
// comparisons and logic give bool. Small constant operands are folded (shape arithmetic) where the
// result is exact: integer arithmetic only on finite operands (the int64 sentinels INT64_MAX/MIN are
// ±Infinity here and never computed with), floats rounded to their type after every operation, and
// only operations whose rounded result is the one ONNX Runtime computes (no exp, log, pow on floats).
import { DataType, isFloatType } from '../ir/data-type';
import { broadcastShapes } from '../ir/dims';
import { float16ToNumber } from '../ir/float-formats';
import type { Dim, Shape } from '../ir/shape';
import { numberToFloat16 } from '../ir/tensor';
import type { OpContext, ShapeFn } from './context';
import { broadcastApply, divFor } from './fold';

const UNARY = [
  'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Abs', 'Neg', 'Erf', 'Floor', 'Ceil', 'Round', 'Reciprocal',
  'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Softplus', 'Softsign',
  'HardSigmoid', 'HardSwish', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Gelu', 'Mish', 'ThresholdedRelu', 'Sign',
  'Shrink', 'Softmax', 'LogSoftmax', 'Hardmax', 'Clip', 'BitwiseNot', 'Identity', 'LpNormalization',
  'MeanVarianceNormalization', 'LRN', 'CumSum', 'Trilu', 'ReverseSequence', 'Bernoulli', 'RandomUniformLike',
  'RandomNormalLike', 'ScatterElements', 'ScatterND', 'Scatter', 'DequantizeLinearLike',
];

/** Round half to even, as ONNX Round does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const UNARY_FOLD: Record<string, (x: number) => number> = {
  Identity: (x) => x,
  Neg: (x) => -x,
  Abs: Math.abs,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Round: roundHalfEven,
  Sqrt: Math.sqrt,
  Reciprocal: (x) => 1 / x,
  Relu: (x) => Math.max(0, x),
  Sign: Math.sign,
};

/** Rounding to the element type after each step (float32, float16); integers past 2^53 become NaN (not folded). */
function rounderFor(t: DataType): (x: number) => number {
  if (t === DataType.FLOAT) return Math.fround;
  if (t === DataType.FLOAT16) return (x) => float16ToNumber(numberToFloat16(x));
  if (isFloatType(t)) return (x) => x;
  return (x) => (Number.isSafeInteger(x) ? x : NaN);
}

/** Integer operands must be finite (not the INT64_MAX/MIN sentinels) to compute with them. */
function computable(t: DataType, values: readonly (readonly number[])[]): boolean {
  return isFloatType(t) || values.every((v) => v.every(Number.isFinite));
}

function unary(ctx: OpContext): void {
  const type = ctx.typeOf(0);
  const op = ctx.node.opType;
  const fold = UNARY_FOLD[op];
  const shape = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (op === 'Clip') return clip(ctx);
  const values = fold ? ctx.constValues(0) : undefined;
  if (values && fold && shape && type?.kind === 'tensor' && (op === 'Identity' || computable(elem, [values]))) {
    ctx.tensorOut(0, elem, shape, values.map(fold));
  } else {
    ctx.setOutput(0, type);
  }
  const dims = op === 'Identity' ? ctx.node.inputs[0] && ctx.state.dimValues.get(ctx.node.inputs[0]) : undefined;
  if (dims) ctx.dimsOut(0, dims, shape?.length === 0, elem);
}

function clip(ctx: OpContext): void {
  const shape = ctx.shape(0);
  const elem = ctx.elemType(0);
  const values = ctx.constValues(0);
  const lo = ctx.opset >= 11 ? (ctx.has(1) ? ctx.constValues(1)?.[0] : -Infinity) : ctx.node.attrFloat('min', -Infinity);
  const hi = ctx.opset >= 11 ? (ctx.has(2) ? ctx.constValues(2)?.[0] : Infinity) : ctx.node.attrFloat('max', Infinity);
  if (values && shape && lo !== undefined && hi !== undefined) {
    return ctx.tensorOut(0, elem, shape, values.map((x) => Math.min(Math.max(x, lo), hi)));
  }
  ctx.setOutput(0, ctx.typeOf(0));
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

const bitwise = (f: (a: bigint, b: bigint) => bigint) => (xs: number[]) => Number(f(BigInt(xs[0]!), BigInt(xs[1]!)));

/** The fold of an arithmetic op for element type `t`, rounding after each step; undefined when not foldable exactly. */
function arithmetic(ctx: OpContext, op: string, t: DataType): ((xs: number[]) => number) | undefined {
  const r = rounderFor(t);
  const int = !isFloatType(t);
  switch (op) {
    case 'Add':
    case 'Sum':
      return (xs) => xs.reduce((a, b) => r(a + b));
    case 'Sub':
      return ([a, b]) => a! - b!;
    case 'Mul':
      return (xs) => xs.reduce((a, b) => r(a * b));
    case 'Div': {
      const div = divFor(t);
      return ([a, b]) => div(a!, b!);
    }
    case 'Max':
      return (xs) => Math.max(...xs);
    case 'Min':
      return (xs) => Math.min(...xs);
    case 'Mod':
      if (ctx.node.attrInt('fmod', 0) === 1) return ([a, b]) => (b === 0 ? NaN : a! % b!);
      return int ? ([a, b]) => (b === 0 ? NaN : a! - b! * Math.floor(a! / b!)) : undefined;
    case 'Pow':
      // Exact through bigints; an exponent that could only overflow 2^53 is not tried.
      return int ? ([a, b]) => (b! < 0 || (Math.abs(a!) > 1 && b! > 53) ? NaN : Number(BigInt(a!) ** BigInt(b!))) : undefined;
    case 'BitShift': {
      const left = ctx.node.attrString('direction', '') === 'LEFT';
      return int ? ([a, b]) => (left ? a! * 2 ** b! : Math.floor(a! / 2 ** b!)) : undefined;
    }
    case 'BitwiseAnd':
      return int ? bitwise((a, b) => a & b) : undefined;
    case 'BitwiseOr':
      return int ? bitwise((a, b) => a | b) : undefined;
    case 'BitwiseXor':
      return int ? bitwise((a, b) => a ^ b) : undefined;
    default:
      return undefined;
  }
}

/** Broadcast all present inputs (from `first`), giving `outType` (defaults to input `first`'s type). */
function broadcasting(ctx: OpContext, outType?: DataType, first = 0): void {
  const idx = ctx.node.inputs.map((_, i) => i).filter((i) => i >= first && ctx.has(i));
  const shapes = idx.map((i) => ctx.shape(i));
  const elem = outType ?? ctx.elemType(first);
  if (shapes.some((s) => s === null)) return ctx.tensorOut(0, elem, null);
  const r = broadcastShapes(shapes as Shape[], ctx.syms);
  if (!r.shape) {
    ctx.error(r.why!);
    return ctx.tensorOut(0, elem, null);
  }
  // Fold small constant arithmetic (shape computations).
  const op = ctx.node.opType;
  const inElem = ctx.elemType(first);
  const cmp = BOOL_BINARY[op];
  const f = cmp ? (xs: number[]) => cmp(xs[0]!, xs[1]!) : arithmetic(ctx, op, inElem);
  const out = r.shape;
  if (!f) return ctx.tensorOut(0, elem, out);
  ctx.foldOut(0, elem, out, idx.length, () => {
    const vals = idx.map((i) => ctx.constValues(i));
    if (!vals.every((v) => v !== undefined)) return undefined;
    if (!cmp && op !== 'Max' && op !== 'Min' && !computable(inElem, vals as number[][])) return undefined;
    return broadcastApply(
      idx.map((_, k) => ({ shape: shapes[k] as number[], values: vals[k]! })),
      out as number[],
      f,
    );
  });
}

function where(ctx: OpContext): void {
  const shapes = [ctx.shape(0), ctx.shape(1), ctx.shape(2)];
  const elem = ctx.elemType(1) || ctx.elemType(2);
  if (shapes.some((s) => s === null)) return ctx.tensorOut(0, elem, null);
  const r = broadcastShapes(shapes as Shape[], ctx.syms);
  if (!r.shape) {
    ctx.error(r.why!);
    return ctx.tensorOut(0, elem, null);
  }
  const out = r.shape;
  ctx.foldOut(0, elem, out, 3, () => {
    const vals = [ctx.constValues(0), ctx.constValues(1), ctx.constValues(2)];
    if (!vals.every((v) => v !== undefined)) return undefined;
    return broadcastApply(
      vals.map((v, k) => ({ shape: shapes[k] as number[], values: v })),
      out as number[],
      ([c, a, b]) => (c ? a! : b!),
    );
  });
  // 1-D shape arithmetic with symbols (torch's expand: Where(Equal(target, -1), 1, target)).
  if (out.length === 1 && typeof out[0] === 'number') symbolicWhere(ctx, out[0]);
}

function symbolicWhere(ctx: OpContext, n: number): void {
  const cond = ctx.constValues(0);
  const a = ctx.dimValues(1);
  const b = ctx.dimValues(2);
  if (!cond || !a || !b) return;
  const at = (list: readonly Dim[] | readonly number[], i: number): Dim | undefined => (list.length === 1 ? list[0] : list[i]);
  const dims: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const d = at(cond, i) ? at(a, i) : at(b, i);
    if (d === undefined) return;
    dims.push(d);
  }
  if (dims.some((d) => typeof d !== 'number')) ctx.dimsOut(0, dims, false, ctx.elemType(1));
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
