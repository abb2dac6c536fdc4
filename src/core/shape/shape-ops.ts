// Shape computation and constants: Shape, Size, ConstantOfShape, Range, Cast/CastLike, Constant,
// EyeLike. Shape gives dims (symbols included), which the rest of the shape arithmetic carries.
import { DataType, isFloatType } from '../ir/data-type';
import { numel } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';
import { MAX_RANK } from './limits';

function shapeOp(ctx: OpContext): void {
  const s = ctx.shape(0);
  if (!s) return ctx.tensorOut(0, DataType.INT64, [ctx.fresh()]);
  const r = s.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clamp(ctx.node.attrInt('start', 0));
  const end = clamp(ctx.node.attrInt('end', r));
  ctx.dimsOut(0, s.slice(start, Math.max(start, end)).map((d) => d ?? ctx.fresh()));
}

function size(ctx: OpContext): void {
  const s = ctx.shape(0);
  const n = s ? numel(s) : undefined;
  ctx.tensorOut(0, DataType.INT64, [], n !== undefined ? [n] : undefined);
}

function constantOfShape(ctx: OpContext): void {
  const dims = ctx.dimValues(0);
  const value = ctx.node.attrTensor('value');
  const elem = value?.dataType ?? DataType.FLOAT;
  if (!dims) {
    const len = ctx.shape(0)?.[0];
    return ctx.tensorOut(0, elem, typeof len === 'number' && len <= MAX_RANK ? Array.from({ length: len }, () => ctx.fresh()) : null);
  }
  ctx.foldOut(0, elem, dims, 0, (out) => {
    let fill = 0;
    try {
      fill = value && value.elementCount > 0 ? value.toNumbers()[0]! : 0;
    } catch {
      return undefined;
    }
    return new Array<number>(out.reduce((a, d) => a * d, 1)).fill(fill);
  });
}

function range(ctx: OpContext): void {
  const [start, limit, delta] = [ctx.sizeValues(0)?.[0], ctx.sizeValues(1)?.[0], ctx.sizeValues(2)?.[0]];
  const elem = ctx.elemType(0);
  if (start === undefined || limit === undefined || delta === undefined) return ctx.tensorOut(0, elem, [ctx.fresh()]);
  // ORT: n = ceil(double(limit - start computed in T) / delta), and value += delta in T.
  const round = elem === DataType.FLOAT ? Math.fround : (x: number): number => x;
  const n = Math.max(Math.ceil(round(limit - start) / delta), 0);
  if (delta === 0 || !Number.isSafeInteger(n)) {
    ctx.error(`Range from ${start} to ${limit} by ${delta} has no exact length`);
    return ctx.tensorOut(0, elem, [ctx.fresh()]);
  }
  ctx.foldOut(0, elem, [n], 0, () => {
    const out = new Array<number>(n);
    let v = round(start);
    for (let i = 0; i < n; i++, v = round(v + delta)) out[i] = v;
    return out;
  });
}

/** Values cast from `from` to `to` as ONNX Runtime does, or undefined where its result is not exact or defined. */
function castValues(values: readonly number[], from: DataType, to: DataType): number[] | undefined {
  const out: number[] = [];
  for (const raw of values) {
    // The int64 sentinels are INT64_MAX / INT64_MIN: as floats, ±2^63.
    const v = from === DataType.INT64 && !Number.isFinite(raw) && isFloatType(to) ? Math.sign(raw) * 2 ** 63 : raw;
    if (to === DataType.BOOL) out.push(v !== 0 ? 1 : 0);
    else if (isFloatType(to)) out.push(v);
    else if (!Number.isFinite(v)) {
      if (from !== DataType.INT64 || to !== DataType.INT64) return undefined; // float -> int of Inf/NaN is undefined
      out.push(v);
    } else out.push(Math.trunc(v));
  }
  return out;
}

function cast(ctx: OpContext): void {
  const to = ctx.node.opType === 'CastLike' ? ctx.elemType(1) : (ctx.node.attrInt('to', 0) as DataType);
  const from = ctx.elemType(0);
  const vals = to !== DataType.STRING && from !== DataType.STRING ? ctx.constValues(0) : undefined;
  const cast = vals ? castValues(vals, from, to) : undefined;
  ctx.tensorOut(0, to, ctx.shape(0), cast);
  const sym = ctx.node.inputs[0] && ctx.state.dimValues.get(ctx.node.inputs[0]);
  const ints = (t: DataType): boolean => t === DataType.INT64 || t === DataType.INT32;
  if (sym && ints(to) && ints(from) && !vals) ctx.dimsOut(0, sym, ctx.rank(0) === 0, to);
}

function constant(ctx: OpContext): void {
  const t = ctx.node.constantTensor;
  if (t) {
    ctx.setOutput(0, { kind: 'tensor', elemType: t.dataType, shape: t.dims }, t.elementCount <= ctx.state.limits.maxValueElements ? t : undefined);
    return;
  }
  const sparse = ctx.node.attr('sparse_value');
  if (sparse?.kind === 'sparse_tensor') {
    return ctx.tensorOut(0, sparse.value.values.dataType, sparse.value.dims);
  }
  ctx.setOutput(0, null);
}

function eyeLike(ctx: OpContext): void {
  const dt = ctx.node.attrInt('dtype');
  ctx.tensorOut(0, dt !== undefined ? (dt as DataType) : ctx.elemType(0), ctx.shape(0));
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('Shape', shapeOp);
  reg.set('Size', size);
  reg.set('ConstantOfShape', constantOfShape);
  reg.set('Range', range);
  reg.set('Cast', cast);
  reg.set('CastLike', cast);
  reg.set('Constant', constant);
  reg.set('EyeLike', eyeLike);
}
