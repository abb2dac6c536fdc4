// Data movement and shape computation: Reshape, Transpose, Squeeze/Unsqueeze, Concat, Split, Slice,
// Gather, Expand, Tile, Pad, Shape, Size, ConstantOfShape, Range, Cast, Constant, ... Values of small
// integer tensors are carried along (as dims, possibly symbolic) so exported shape arithmetic folds.
import { DataType } from '../ir/data-type';
import type { Dim } from '../ir/shape';
import { MAX_FOLD_ELEMENTS, type OpContext, type ShapeFn } from './context';
import { broadcastShapes, normAxis, product } from './dims';
import { concatValues, gatherValues, sliceValues, transposeValues } from './fold';

function reshape(ctx: OpContext): void {
  const data = ctx.shape(0);
  const target = ctx.dimValues(1);
  const elem = ctx.elemType(0);
  if (!target) {
    const len = ctx.shape(1)?.[0];
    return ctx.tensorOut(0, elem, typeof len === 'number' ? Array.from({ length: len }, () => ctx.fresh()) : null);
  }
  const allowZero = ctx.node.attrInt('allowzero', 0) === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (data?.[i] ?? ctx.fresh()) : d));
  const minus = out.findIndex((d) => d === -1);
  if (minus >= 0) {
    const total = data ? product(data) : undefined;
    const rest = product(out.filter((_, i) => i !== minus));
    if (total !== undefined && rest !== undefined && rest > 0) {
      if (total % rest !== 0) {
        ctx.error(`cannot reshape ${total} elements to [${target.join(',')}]`);
        return ctx.tensorOut(0, elem, null);
      }
      out[minus] = total / rest;
    } else if (data && symbolicQuotient(data, out, minus) !== undefined) {
      out[minus] = symbolicQuotient(data, out, minus)!;
    } else {
      out[minus] = ctx.fresh();
    }
  } else if (data) {
    const a = product(data);
    const b = product(out);
    if (a !== undefined && b !== undefined && a !== b) {
      ctx.error(`cannot reshape [${data.join(',')}] (${a} elements) to [${out.join(',')}] (${b} elements)`);
    }
  }
  const vals = ctx.constValues(0);
  ctx.tensorOut(0, elem, out, vals);
  const sym = ctx.dimValues(0);
  if (sym && out.length === 1) ctx.dimsOut(0, sym);
}

/** -1 resolved symbolically when the other dims cancel out exactly (e.g. [N,64,4] -> [N,-1]). */
function symbolicQuotient(data: readonly Dim[], out: Dim[], minus: number): Dim | undefined {
  const num = [...data];
  const den = out.filter((_, i) => i !== minus);
  for (const d of den) {
    const k = num.indexOf(d);
    if (k < 0) return undefined;
    num.splice(k, 1);
  }
  if (num.length === 1) return num[0]!;
  const p = product(num);
  return p;
}

function flatten(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  const axis = ctx.node.attrInt('axis', 1);
  const a = axis < 0 ? axis + s.length : axis;
  const left = product(s.slice(0, a));
  const right = product(s.slice(a));
  const one = (part: readonly Dim[], p: number | undefined): Dim => (p !== undefined ? p : part.length === 1 ? part[0]! : ctx.fresh());
  ctx.tensorOut(0, elem, [one(s.slice(0, a), left), one(s.slice(a), right)], ctx.constValues(0));
}

function transpose(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  const perm = ctx.node.attrInts('perm') ?? s.map((_, i) => s.length - 1 - i);
  if (perm.length !== s.length || perm.some((p) => p < 0 || p >= s.length)) {
    ctx.error(`perm [${perm.join(',')}] does not fit rank ${s.length}`);
    return ctx.tensorOut(0, elem, null);
  }
  const vals = ctx.constValues(0);
  const folded = vals && s.every((d) => typeof d === 'number') ? transposeValues(vals, s as number[], perm) : undefined;
  ctx.tensorOut(0, elem, perm.map((p) => s[p]!), folded);
}

function axesOf(ctx: OpContext, sinceInputOpset: number): number[] | undefined | null {
  if (ctx.opset >= sinceInputOpset) return ctx.has(1) ? (ctx.constValues(1) ?? null) : undefined;
  return ctx.node.attrInts('axes');
}

function squeeze(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  const axes = axesOf(ctx, 13);
  if (!s || axes === null) return ctx.tensorOut(0, elem, null);
  const set = new Set((axes ?? s.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normAxis(a, s.length)));
  if (set.has(undefined)) {
    ctx.error(`axes out of range for rank ${s.length}`);
    return ctx.tensorOut(0, elem, null);
  }
  for (const a of set) if (typeof s[a!] === 'number' && s[a!] !== 1) ctx.error(`cannot squeeze axis ${a} of size ${s[a!]}`);
  ctx.tensorOut(0, elem, s.filter((_, i) => !set.has(i)), ctx.constValues(0));
  const sym = ctx.dimValues(0);
  if (sym && sym.length === 1 && s.length === 1) ctx.dimsOut(0, sym, true);
}

function unsqueeze(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  const axes = axesOf(ctx, 13);
  if (!s || !axes) return ctx.tensorOut(0, elem, null);
  const rank = s.length + axes.length;
  const set = new Set(axes.map((a) => normAxis(a, rank)));
  if (set.has(undefined) || set.size !== axes.length) {
    ctx.error(`axes [${axes.join(',')}] invalid for output rank ${rank}`);
    return ctx.tensorOut(0, elem, null);
  }
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : s[k++]!);
  ctx.tensorOut(0, elem, out, ctx.constValues(0));
  const sym = ctx.dimValues(0);
  if (sym && s.length <= 1 && out.length === 1) ctx.dimsOut(0, sym);
}

function concat(ctx: OpContext): void {
  const present = ctx.node.inputs.map((_, i) => i).filter((i) => ctx.has(i));
  const shapes = present.map((i) => ctx.shape(i));
  const elem = ctx.elemType(present[0] ?? 0);
  const known = shapes.find((s) => s !== null);
  if (!known) return ctx.tensorOut(0, elem, null);
  const rank = known.length;
  const axis = normAxis(ctx.node.attrInt('axis', 0), rank);
  if (axis === undefined) {
    ctx.error(`axis ${ctx.node.attrInt('axis', 0)} out of range for rank ${rank}`);
    return ctx.tensorOut(0, elem, null);
  }
  const out: Dim[] = [...known];
  let sum: Dim = 0;
  for (const s of shapes) {
    if (!s) {
      sum = null;
      continue;
    }
    if (s.length !== rank) {
      ctx.error(`inputs have ranks ${shapes.map((x) => x?.length ?? '?').join(', ')}`);
      return ctx.tensorOut(0, elem, null);
    }
    s.forEach((d, k) => {
      if (k !== axis && typeof out[k] !== 'number' && typeof d === 'number') out[k] = d;
    });
    sum = typeof sum === 'number' && typeof s[axis] === 'number' ? sum + (s[axis] as number) : null;
  }
  out[axis] = sum ?? ctx.fresh();
  if (rank === 1) {
    const parts = present.map((i) => ctx.dimValues(i));
    if (parts.every((p) => p !== undefined)) return ctx.dimsOut(0, parts.flat() as Dim[]);
  }
  const vals = present.map((i) => ctx.constValues(i));
  if (vals.every((v) => v !== undefined) && shapes.every((sh) => sh && sh.every((d) => typeof d === 'number'))) {
    const r = concatValues(vals.map((v, k) => ({ values: v!, shape: shapes[k] as number[] })), axis);
    return ctx.tensorOut(0, elem, r.shape, r.values);
  }
  ctx.tensorOut(0, elem, out);
}

function split(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  const n = ctx.node.outputs.length;
  if (!s) {
    for (let i = 0; i < n; i++) ctx.tensorOut(i, elem, null);
    return;
  }
  const axis = normAxis(ctx.node.attrInt('axis', 0), s.length) ?? 0;
  let sizes = ctx.opset >= 13 ? (ctx.has(1) ? ctx.constValues(1) : undefined) : ctx.node.attrInts('split');
  const d = s[axis];
  const runtimeSizes = ctx.opset >= 13 && ctx.has(1) && !sizes;
  if (!sizes && !runtimeSizes && typeof d === 'number') {
    const numOutputs = ctx.node.attrInt('num_outputs', n);
    const chunk = Math.ceil(d / numOutputs);
    sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, d - chunk * i)));
  }
  for (let i = 0; i < n; i++) {
    const out: Dim[] = [...s];
    out[axis] = sizes?.[i] ?? ctx.fresh();
    ctx.tensorOut(i, elem, out);
  }
}

function clampIndex(v: number, dim: number, step: number, isEnd: boolean): number {
  let x = v < 0 ? v + dim : v;
  if (step > 0) x = Math.min(Math.max(x, 0), dim);
  else x = Math.min(Math.max(x, -1), dim - 1);
  void isEnd;
  return x;
}

function slice(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  let starts: number[] | undefined;
  let ends: number[] | undefined;
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (ctx.opset >= 10) {
    starts = ctx.constValues(1);
    ends = ctx.constValues(2);
    axes = ctx.has(3) ? ctx.constValues(3) : s.map((_, i) => i);
    steps = ctx.has(4) ? ctx.constValues(4) : undefined;
    if (!starts || !ends || !axes || (ctx.has(4) && !steps)) {
      // Bounds known only at run time: sliced axes get fresh dims.
      const sliced = axes ? new Set(axes.map((a) => normAxis(a, s.length))) : null;
      return ctx.tensorOut(0, elem, s.map((d, i) => (!sliced || sliced.has(i) ? ctx.fresh() : d)));
    }
  } else {
    starts = ctx.node.attrInts('starts');
    ends = ctx.node.attrInts('ends');
    axes = ctx.node.attrInts('axes') ?? starts?.map((_, i) => i);
    if (!starts || !ends || !axes) return ctx.tensorOut(0, elem, null);
  }
  const out: Dim[] = [...s];
  const ranges: { axis: number; start: number; step: number; count: number }[] = [];
  for (let k = 0; k < axes.length; k++) {
    const axis = normAxis(axes[k]!, s.length);
    if (axis === undefined) {
      ctx.error(`axis ${axes[k]} out of range for rank ${s.length}`);
      return ctx.tensorOut(0, elem, null);
    }
    const step = steps?.[k] ?? 1;
    if (step === 0) {
      ctx.error('slice step 0');
      return ctx.tensorOut(0, elem, null);
    }
    const d = s[axis];
    if (typeof d !== 'number') {
      // Symbolic length: only the common "take everything from 0" case is exact.
      const st = starts[k]!;
      const en = ends[k]!;
      out[axis] = st === 0 && step === 1 && en >= 2 ** 31 - 1 ? (d ?? ctx.fresh()) : ctx.fresh();
      continue;
    }
    const st = clampIndex(starts[k]!, d, step, false);
    const en = clampIndex(ends[k]!, d, step, true);
    const count = step > 0 ? Math.max(0, Math.ceil((en - st) / step)) : Math.max(0, Math.ceil((st - en) / -step));
    out[axis] = count;
    ranges.push({ axis, start: st, step, count });
  }
  // Fold 1-D slices of known values (shape arithmetic).
  const vals = ctx.dimValues(0);
  if (vals && s.length === 1 && ranges.length === 1) {
    const r = ranges[0]!;
    return ctx.dimsOut(0, Array.from({ length: r.count }, (_, i) => vals[r.start + i * r.step]!));
  }
  const data = ctx.constValues(0);
  if (data && s.every((d) => typeof d === 'number') && out.every((d) => typeof d === 'number')) {
    return ctx.tensorOut(0, elem, out, sliceValues(data, s as number[], out as number[], ranges));
  }
  ctx.tensorOut(0, elem, out);
}

function gather(ctx: OpContext): void {
  const s = ctx.shape(0);
  const idx = ctx.shape(1);
  const elem = ctx.elemType(0);
  if (!s || !idx) return ctx.tensorOut(0, elem, null);
  const axis = normAxis(ctx.node.attrInt('axis', 0), s.length);
  if (axis === undefined) {
    ctx.error(`axis out of range for rank ${s.length}`);
    return ctx.tensorOut(0, elem, null);
  }
  const out = [...s.slice(0, axis), ...idx, ...s.slice(axis + 1)];
  const vals = ctx.dimValues(0);
  const indices = ctx.constValues(1);
  if (vals && indices && s.length === 1 && typeof s[0] === 'number') {
    const picked = indices.map((i) => vals[i < 0 ? i + (s[0] as number) : i]);
    if (picked.every((p) => p !== undefined)) return ctx.dimsOut(0, picked as Dim[], idx.length === 0);
  }
  const data = ctx.constValues(0);
  if (data && indices && s.every((d) => typeof d === 'number') && idx.every((d) => typeof d === 'number')) {
    return ctx.tensorOut(0, elem, out, gatherValues(data, s as number[], axis, indices, idx as number[]));
  }
  ctx.tensorOut(0, elem, out);
}

function gatherElements(ctx: OpContext): void {
  ctx.tensorOut(0, ctx.elemType(0), ctx.shape(1));
}

function gatherND(ctx: OpContext): void {
  const data = ctx.shape(0);
  const idx = ctx.shape(1);
  const b = ctx.node.attrInt('batch_dims', 0);
  const last = idx?.[idx.length - 1];
  if (!data || !idx || typeof last !== 'number') return ctx.tensorOut(0, ctx.elemType(0), null);
  ctx.tensorOut(0, ctx.elemType(0), [...idx.slice(0, -1), ...data.slice(b + last)]);
}

function expand(ctx: OpContext): void {
  const s = ctx.shape(0);
  const target = ctx.dimValues(1);
  const elem = ctx.elemType(0);
  if (!s || !target) return ctx.tensorOut(0, elem, null);
  const r = broadcastShapes([s, target.map((d) => (d === -1 ? 1 : d))], ctx.syms);
  if (!r.shape) {
    ctx.error(r.why!);
    return ctx.tensorOut(0, elem, null);
  }
  const vals = ctx.constValues(0);
  if (vals && vals.length === 1 && r.shape.every((d) => typeof d === 'number')) {
    const n = product(r.shape)!;
    if (n <= MAX_FOLD_ELEMENTS) return ctx.tensorOut(0, elem, r.shape, new Array(n).fill(vals[0]));
  }
  ctx.tensorOut(0, elem, r.shape);
}

function tile(ctx: OpContext): void {
  const s = ctx.shape(0);
  const reps = ctx.constValues(1);
  if (!s || !reps) return ctx.tensorOut(0, ctx.elemType(0), s ? s.map(() => ctx.fresh()) : null);
  ctx.tensorOut(0, ctx.elemType(0), s.map((d, i) => (typeof d === 'number' ? d * reps[i]! : reps[i] === 1 ? d : ctx.fresh())));
}

function pad(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  const pads = ctx.opset >= 11 ? ctx.constValues(1) : ctx.node.attrInts('pads');
  if (!pads) return ctx.tensorOut(0, elem, s.map(() => ctx.fresh()));
  const axes = ctx.opset >= 18 && ctx.has(3) ? ctx.constValues(3) : undefined;
  const list = (axes ?? s.map((_, i) => i)).map((a) => normAxis(a, s.length)!);
  const out: Dim[] = [...s];
  list.forEach((a, k) => {
    const d = out[a];
    out[a] = typeof d === 'number' ? d + pads[k]! + pads[k + list.length]! : pads[k] === 0 && pads[k + list.length] === 0 ? d! : ctx.fresh();
  });
  ctx.tensorOut(0, elem, out);
}

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
  const n = s ? product(s) : undefined;
  ctx.tensorOut(0, DataType.INT64, [], n !== undefined ? [n] : undefined);
}

function constantOfShape(ctx: OpContext): void {
  const dims = ctx.dimValues(0);
  const value = ctx.node.attrTensor('value');
  const elem = value?.dataType ?? DataType.FLOAT;
  if (!dims) {
    const len = ctx.shape(0)?.[0];
    return ctx.tensorOut(0, elem, typeof len === 'number' ? Array.from({ length: len }, () => ctx.fresh()) : null);
  }
  const n = product(dims);
  const fill = value ? (value.toNumbers()[0] ?? 0) : 0;
  ctx.tensorOut(0, elem, dims, n !== undefined && n <= MAX_FOLD_ELEMENTS ? new Array(n).fill(fill) : undefined);
}

function range(ctx: OpContext): void {
  const [start, limit, delta] = [ctx.constValues(0)?.[0], ctx.constValues(1)?.[0], ctx.constValues(2)?.[0]];
  const elem = ctx.elemType(0);
  if (start === undefined || limit === undefined || delta === undefined || delta === 0) {
    return ctx.tensorOut(0, elem, [ctx.fresh()]);
  }
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  ctx.tensorOut(0, elem, [n], n <= MAX_FOLD_ELEMENTS ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined);
}

function cast(ctx: OpContext): void {
  const to = ctx.node.opType === 'CastLike' ? ctx.elemType(1) : (ctx.node.attrInt('to', 0) as DataType);
  const vals = ctx.constValues(0);
  const isInt = to !== DataType.FLOAT && to !== DataType.DOUBLE && to !== DataType.FLOAT16 && to !== DataType.BFLOAT16;
  ctx.tensorOut(0, to, ctx.shape(0), vals && to !== DataType.STRING ? (isInt ? vals.map(Math.trunc) : vals) : undefined);
  const sym = ctx.dimValues(0);
  if (sym && isInt && (ctx.rank(0) ?? 0) <= 1 && !vals) ctx.dimsOut(0, sym, ctx.rank(0) === 0);
}

function constant(ctx: OpContext): void {
  const t = ctx.node.constantTensor;
  if (t) {
    ctx.setOutput(0, { kind: 'tensor', elemType: t.dataType, shape: t.dims }, t.elementCount <= MAX_FOLD_ELEMENTS ? t : undefined);
    return;
  }
  const sparse = ctx.node.attr('sparse_value');
  if (sparse?.kind === 'sparse_tensor') {
    return ctx.tensorOut(0, sparse.value.values.dataType, sparse.value.dims);
  }
  ctx.setOutput(0, null);
}

function depthToSpace(ctx: OpContext): void {
  const s = ctx.shape(0);
  const b = ctx.node.attrInt('blocksize', 1);
  if (!s || s.length !== 4) return ctx.tensorOut(0, ctx.elemType(0), null);
  const mul = (d: Dim, k: number): Dim => (typeof d === 'number' ? d * k : ctx.fresh());
  const div = (d: Dim, k: number): Dim => (typeof d === 'number' ? d / k : ctx.fresh());
  const toSpace = ctx.node.opType === 'DepthToSpace';
  ctx.tensorOut(0, ctx.elemType(0), toSpace ? [s[0]!, div(s[1]!, b * b), mul(s[2]!, b), mul(s[3]!, b)] : [s[0]!, mul(s[1]!, b * b), div(s[2]!, b), div(s[3]!, b)]);
}

function resize(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (ctx.node.opType === 'Upsample') {
    scales = ctx.opset >= 9 ? ctx.constValues(1) : ctx.node.attrFloats('scales');
  } else if (ctx.opset >= 11) {
    scales = ctx.has(2) ? ctx.constValues(2) : undefined;
    sizes = ctx.has(3) ? ctx.constValues(3) : undefined;
    if (scales && scales.length === 0) scales = undefined;
  } else {
    scales = ctx.constValues(1);
  }
  const axes = ctx.node.attrInts('axes')?.map((a) => normAxis(a, s.length)!) ?? s.map((_, i) => i);
  const out: Dim[] = [...s];
  if (sizes && sizes.length > 0) {
    const policy = ctx.node.attrString('keep_aspect_ratio_policy', 'stretch');
    if (policy !== 'stretch' && axes.every((a) => typeof s[a] === 'number')) {
      const ratios = axes.map((a, k) => sizes![k]! / (s[a] as number));
      const r = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => (out[a] = Math.round(r * (s[a] as number))));
    } else {
      axes.forEach((a, k) => (out[a] = sizes![k]!));
    }
  } else if (scales) {
    axes.forEach((a, k) => {
      const d = s[a];
      out[a] = typeof d === 'number' ? Math.floor(d * scales![k]!) : scales![k] === 1 ? d! : ctx.fresh();
    });
  } else {
    axes.forEach((a) => (out[a] = ctx.fresh()));
  }
  ctx.tensorOut(0, elem, out);
}

function nonZero(ctx: OpContext): void {
  const r = ctx.rank(0);
  ctx.tensorOut(0, DataType.INT64, r === undefined ? null : [r, ctx.fresh()]);
}

function topK(ctx: OpContext): void {
  const s = ctx.shape(0);
  if (!s) {
    ctx.tensorOut(0, ctx.elemType(0), null);
    return ctx.tensorOut(1, DataType.INT64, null);
  }
  const axis = normAxis(ctx.node.attrInt('axis', -1), s.length) ?? s.length - 1;
  const k = ctx.opset >= 10 ? ctx.constValues(1)?.[0] : ctx.node.attrInt('k');
  const out: Dim[] = [...s];
  out[axis] = k ?? ctx.fresh();
  ctx.tensorOut(0, ctx.elemType(0), out);
  ctx.tensorOut(1, DataType.INT64, out);
}

function oneHot(ctx: OpContext): void {
  const idx = ctx.shape(0);
  const depth = ctx.constValues(1)?.[0];
  if (!idx) return ctx.tensorOut(0, ctx.elemType(2), null);
  const rank = idx.length + 1;
  const axis = normAxis(ctx.node.attrInt('axis', -1), rank) ?? rank - 1;
  const out: Dim[] = [...idx];
  out.splice(axis, 0, depth ?? ctx.fresh());
  ctx.tensorOut(0, ctx.elemType(2), out);
}

function compress(ctx: OpContext): void {
  const s = ctx.shape(0);
  const axis = ctx.node.attrInt('axis');
  if (!s) return ctx.tensorOut(0, ctx.elemType(0), null);
  if (axis === undefined) return ctx.tensorOut(0, ctx.elemType(0), [ctx.fresh()]);
  const a = normAxis(axis, s.length) ?? 0;
  const cond = ctx.constValues(1);
  const out: Dim[] = [...s];
  out[a] = cond ? cond.filter((c) => c !== 0).length : ctx.fresh();
  ctx.tensorOut(0, ctx.elemType(0), out);
}

function unique(ctx: OpContext): void {
  const s = ctx.shape(0);
  const axis = ctx.node.attrInt('axis');
  const u = ctx.fresh();
  const out: Dim[] | null = axis === undefined || !s ? [u] : s.map((d, i) => (i === normAxis(axis, s.length) ? u : d));
  ctx.tensorOut(0, ctx.elemType(0), out);
  ctx.tensorOut(1, DataType.INT64, [u]);
  ctx.tensorOut(2, DataType.INT64, axis === undefined || !s ? [product(s ?? []) ?? ctx.fresh()] : [s[normAxis(axis, s.length)!]!]);
  ctx.tensorOut(3, DataType.INT64, [u]);
}

function eyeLike(ctx: OpContext): void {
  const dt = ctx.node.attrInt('dtype');
  ctx.tensorOut(0, dt !== undefined ? (dt as DataType) : ctx.elemType(0), ctx.shape(0));
}

function gridSample(ctx: OpContext): void {
  const x = ctx.shape(0);
  const g = ctx.shape(1);
  if (!x || !g) return ctx.tensorOut(0, ctx.elemType(0), null);
  ctx.tensorOut(0, ctx.elemType(0), [x[0]!, x[1]!, ...g.slice(1, -1)]);
}

function nms(ctx: OpContext): void {
  ctx.tensorOut(0, DataType.INT64, [ctx.fresh(), 3]);
}

function det(ctx: OpContext): void {
  const s = ctx.shape(0);
  ctx.tensorOut(0, ctx.elemType(0), s ? s.slice(0, -2) : null);
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('Reshape', reshape);
  reg.set('Flatten', flatten);
  reg.set('Transpose', transpose);
  reg.set('Squeeze', squeeze);
  reg.set('Unsqueeze', unsqueeze);
  reg.set('Concat', concat);
  reg.set('Split', split);
  reg.set('Slice', slice);
  reg.set('Gather', gather);
  reg.set('GatherElements', gatherElements);
  reg.set('GatherND', gatherND);
  reg.set('Expand', expand);
  reg.set('Tile', tile);
  reg.set('Pad', pad);
  reg.set('Shape', shapeOp);
  reg.set('Size', size);
  reg.set('ConstantOfShape', constantOfShape);
  reg.set('Range', range);
  reg.set('Cast', cast);
  reg.set('CastLike', cast);
  reg.set('Constant', constant);
  reg.set('DepthToSpace', depthToSpace);
  reg.set('SpaceToDepth', depthToSpace);
  reg.set('Resize', resize);
  reg.set('Upsample', resize);
  reg.set('NonZero', nonZero);
  reg.set('TopK', topK);
  reg.set('OneHot', oneHot);
  reg.set('Compress', compress);
  reg.set('Unique', unique);
  reg.set('EyeLike', eyeLike);
  reg.set('GridSample', gridSample);
  reg.set('NonMaxSuppression', nms);
  reg.set('Det', det);
}
