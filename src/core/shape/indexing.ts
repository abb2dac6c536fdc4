// Joining, splitting and indexing: Concat, Split, Slice, Gather, GatherElements, GatherND, Compress.
// Small known values are folded (paddle2onnx's constant Split -> Concat -> Pad, torch's reversing
// Slice to INT64_MIN), and 1-D int64 dims keep their symbols through Concat, Split, Slice and Gather.
import { DataType } from '../ir/data-type';
import { normAxis } from '../ir/dims';
import { isConcrete, type Dim, type Shape } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';
import { concatValues, count, gatherValues, sliceValues, splitValues } from './fold';

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
  // 1-D int64 shape arithmetic, with symbols: sized before anything is read.
  if (rank === 1 && elem === DataType.INT64 && typeof sum === 'number' && ctx.foldable(sum)) {
    const parts = present.map((i) => ctx.dimValues(i));
    if (parts.every((p) => p !== undefined)) return ctx.dimsOut(0, parts.flat());
  }
  ctx.foldOut(0, elem, out, 1, () => {
    const vals = present.map((i) => ctx.constValues(i));
    if (!vals.every((v) => v !== undefined) || !shapes.every(isConcrete)) return undefined;
    return concatValues(vals.map((v, k) => ({ values: v, shape: shapes[k] as number[] })), axis).values;
  });
}

function split(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  const n = ctx.node.outputs.length;
  if (!s) {
    for (let i = 0; i < n; i++) ctx.tensorOut(i, elem, null);
    return;
  }
  const axis = normAxis(ctx.node.attrInt('axis', 0), s.length);
  if (axis === undefined) {
    ctx.error(`axis ${ctx.node.attrInt('axis', 0)} out of range for rank ${s.length}`);
    for (let i = 0; i < n; i++) ctx.tensorOut(i, elem, null);
    return;
  }
  let sizes = ctx.opset >= 13 ? (ctx.has(1) ? ctx.sizeValues(1) : undefined) : ctx.node.attrInts('split');
  const d = s[axis];
  const runtimeSizes = ctx.opset >= 13 && ctx.has(1) && !sizes;
  if (sizes && sizes.length !== n) {
    ctx.error(`split sizes [${sizes.join(',')}] for ${n} outputs`);
    sizes = undefined;
  } else if (sizes && typeof d === 'number' && sizes.reduce((a, b) => a + b, 0) !== d) {
    ctx.error(`split sizes [${sizes.join(',')}] do not add up to dim ${axis} of size ${d}`);
    sizes = undefined;
  }
  if (!sizes && !runtimeSizes && typeof d === 'number') {
    const numOutputs = ctx.node.attrInt('num_outputs', n);
    const chunk = Math.ceil(d / numOutputs);
    sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, d - chunk * i)));
  }
  const outs = Array.from({ length: n }, (_, i) => {
    const out: Dim[] = [...s];
    out[axis] = sizes?.[i] ?? ctx.fresh();
    return out;
  });
  // Fold the pieces of a small known value (one charge for the whole input, read and written once).
  const symbols = s.length === 1 && ctx.node.inputs[0] ? ctx.state.dimValues.get(ctx.node.inputs[0]) : undefined;
  if (sizes && isConcrete(s) && ctx.foldable(count(s), count(s))) {
    const vals = symbols ?? ctx.constValues(0);
    if (vals) {
      let start = 0;
      const pieces = symbols
        ? sizes.map((k) => symbols.slice(start, (start += k)))
        : splitValues(vals as readonly number[], s, axis, sizes);
      pieces.forEach((p, i) => {
        if (symbols) ctx.dimsOut(i, p as Dim[], false, elem);
        else ctx.keep(i, elem, outs[i] as number[], p as number[]);
      });
      return;
    }
  }
  outs.forEach((out, i) => ctx.tensorOut(i, elem, out));
}

/** Slice bounds clamped as ONNX does (±Infinity: the int64 sentinels, or any value past 2^53). */
function clampIndex(v: number, dim: number, step: number): number {
  const x = v < 0 ? v + dim : v;
  return step > 0 ? Math.min(Math.max(x, 0), dim) : Math.min(Math.max(x, -1), dim - 1);
}

function slice(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  let starts: readonly number[] | undefined;
  let ends: readonly number[] | undefined;
  let axes: readonly number[] | undefined;
  let steps: readonly number[] | undefined;
  if (ctx.opset >= 10) {
    starts = ctx.boundValues(1);
    ends = ctx.boundValues(2);
    axes = ctx.has(3) ? ctx.sizeValues(3) : s.map((_, i) => i);
    steps = ctx.has(4) ? ctx.sizeValues(4) : undefined;
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
  if (starts.length !== axes.length || ends.length !== axes.length || (steps && steps.length !== axes.length)) {
    ctx.error(`starts, ends, axes and steps have different lengths (${starts.length}, ${ends.length}, ${axes.length}${steps ? `, ${steps.length}` : ''})`);
    return ctx.tensorOut(0, elem, null);
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
    if (step === 0 || !Number.isFinite(step)) {
      ctx.error(`slice step ${step}: steps must be non-zero and exact`);
      return ctx.tensorOut(0, elem, null);
    }
    const d = s[axis];
    if (typeof d !== 'number') {
      // Symbolic length: only "everything from 0" is exact.
      out[axis] = starts[k] === 0 && step === 1 && ends[k]! >= 2 ** 31 - 1 ? (d ?? ctx.fresh()) : ctx.fresh();
      continue;
    }
    const st = clampIndex(starts[k]!, d, step);
    const en = clampIndex(ends[k]!, d, step);
    const n = step > 0 ? Math.max(0, Math.ceil((en - st) / step)) : Math.max(0, Math.ceil((st - en) / -step));
    out[axis] = n;
    ranges.push({ axis, start: st, step, count: n });
  }
  // 1-D slices of dims keep their symbols (shape arithmetic).
  const sym = s.length === 1 && ctx.node.inputs[0] ? ctx.state.dimValues.get(ctx.node.inputs[0]) : undefined;
  if (sym && ranges.length === 1) {
    const r = ranges[0]!;
    return ctx.dimsOut(0, Array.from({ length: r.count }, (_, i) => sym[r.start + i * r.step]!), false, elem);
  }
  ctx.foldOut(0, elem, out, 1, (o) => {
    const data = ctx.constValues(0);
    return data && isConcrete(s) ? sliceValues(data, s, o, ranges) : undefined;
  });
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
  const sym = s.length === 1 && ctx.node.inputs[0] ? ctx.state.dimValues.get(ctx.node.inputs[0]) : undefined;
  if (sym && typeof s[0] === 'number') {
    const indices = ctx.constValues(1);
    const picked = indices?.map((i) => sym[i < 0 ? i + (s[0] as number) : i]);
    if (picked?.every((p) => p !== undefined)) return ctx.dimsOut(0, picked as Dim[], idx.length === 0, elem);
  }
  ctx.foldOut(0, elem, out, 1, () => {
    const data = ctx.constValues(0);
    const indices = ctx.constValues(1);
    return data && indices && isConcrete(s) && isConcrete(idx) ? gatherValues(data, s, axis, indices, idx) : undefined;
  });
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

function compress(ctx: OpContext): void {
  const s: Shape | null = ctx.shape(0);
  const axis = ctx.node.attrInt('axis');
  if (!s) return ctx.tensorOut(0, ctx.elemType(0), null);
  const cond = ctx.constValues(1);
  if (axis === undefined) return ctx.tensorOut(0, ctx.elemType(0), [cond ? cond.filter((c) => c !== 0).length : ctx.fresh()]);
  const a = normAxis(axis, s.length) ?? 0;
  const out: Dim[] = [...s];
  out[a] = cond ? cond.filter((c) => c !== 0).length : ctx.fresh();
  ctx.tensorOut(0, ctx.elemType(0), out);
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('Concat', concat);
  reg.set('Split', split);
  reg.set('Slice', slice);
  reg.set('Gather', gather);
  reg.set('GatherElements', gatherElements);
  reg.set('GatherND', gatherND);
  reg.set('Compress', compress);
}
