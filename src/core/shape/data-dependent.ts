// Ops whose output sizes depend on the values they read: NonZero, TopK, OneHot, Unique,
// NonMaxSuppression. Where those values are known statically (small constants), the sizes are
// computed; otherwise the data-dependent dims are fresh symbols, exactly where ORT too needs the data.
import { DataType } from '../ir/data-type';
import { normAxis } from '../ir/dims';
import { isConcrete, numel, type Dim } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';
import { strides } from './fold';

function nonZero(ctx: OpContext): void {
  const s = ctx.shape(0);
  if (!s) return ctx.tensorOut(0, DataType.INT64, null);
  const vals = isConcrete(s) ? ctx.constValues(0) : undefined;
  if (!vals) return ctx.tensorOut(0, DataType.INT64, [s.length, ctx.fresh()]);
  // Coordinates of the non-zeros, one row per axis (row-major order of the elements).
  const hits: number[] = [];
  vals.forEach((v, i) => {
    if (v !== 0) hits.push(i);
  });
  const st = strides(s as number[]);
  ctx.foldOut(0, DataType.INT64, [s.length, hits.length], 1, () =>
    st.flatMap((stride, k) => hits.map((i) => Math.floor(i / stride) % (s[k] as number))),
  );
}

function topK(ctx: OpContext): void {
  const s = ctx.shape(0);
  if (!s) {
    ctx.tensorOut(0, ctx.elemType(0), null);
    return ctx.tensorOut(1, DataType.INT64, null);
  }
  const axis = normAxis(ctx.node.attrInt('axis', -1), s.length) ?? s.length - 1;
  const k = ctx.opset >= 10 ? ctx.sizeValues(1)?.[0] : ctx.node.attrInt('k');
  const out: Dim[] = [...s];
  out[axis] = k ?? ctx.fresh();
  const d = s[axis];
  if (typeof k === 'number' && typeof d === 'number' && k > d) ctx.error(`k ${k} is larger than axis ${axis} of size ${d}`);
  ctx.tensorOut(0, ctx.elemType(0), out);
  ctx.tensorOut(1, DataType.INT64, out);
}

function oneHot(ctx: OpContext): void {
  const idx = ctx.shape(0);
  const depth = ctx.sizeValues(1)?.[0];
  if (!idx) return ctx.tensorOut(0, ctx.elemType(2), null);
  const rank = idx.length + 1;
  const axis = normAxis(ctx.node.attrInt('axis', -1), rank) ?? rank - 1;
  const out: Dim[] = [...idx];
  out.splice(axis, 0, depth ?? ctx.fresh());
  ctx.tensorOut(0, ctx.elemType(2), out);
}

function unique(ctx: OpContext): void {
  const s = ctx.shape(0);
  const axis = ctx.node.attrInt('axis');
  const u = ctx.fresh();
  const a = axis !== undefined && s ? normAxis(axis, s.length) : undefined;
  const out: Dim[] | null = a === undefined || !s ? [u] : s.map((d, i) => (i === a ? u : d));
  ctx.tensorOut(0, ctx.elemType(0), out);
  ctx.tensorOut(1, DataType.INT64, [u]);
  ctx.tensorOut(2, DataType.INT64, a === undefined || !s ? [numel(s ?? []) ?? ctx.fresh()] : [s[a]!]);
  ctx.tensorOut(3, DataType.INT64, [u]);
}

function nms(ctx: OpContext): void {
  ctx.tensorOut(0, DataType.INT64, [ctx.fresh(), 3]);
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('NonZero', nonZero);
  reg.set('TopK', topK);
  reg.set('OneHot', oneHot);
  reg.set('Unique', unique);
  reg.set('NonMaxSuppression', nms);
}
