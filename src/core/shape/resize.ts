// Ops that grow or shrink a tensor by computed sizes: Expand, Tile, Pad, Resize/Upsample, GridSample.
// Their sizes usually come from shape arithmetic (folded upstream); small known inputs are folded.
import { broadcastShapes, normAxis } from '../ir/dims';
import { isConcrete, type Dim } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';
import { broadcastApply, padValues, tileValues } from './fold';
import { MAX_RANK } from './limits';

function expand(ctx: OpContext): void {
  const s = ctx.shape(0);
  const target = ctx.dimValues(1);
  const elem = ctx.elemType(0);
  if (!s || !target) {
    const len = ctx.shape(1)?.[0];
    const rank = s && typeof len === 'number' ? Math.max(s.length, len) : undefined;
    return ctx.tensorOut(0, elem, rank !== undefined && rank <= MAX_RANK ? Array.from({ length: rank }, () => ctx.fresh()) : null);
  }
  const r = broadcastShapes([s, target.map((d) => (d === -1 ? 1 : d))], ctx.syms);
  if (!r.shape) {
    ctx.error(r.why!);
    return ctx.tensorOut(0, elem, null);
  }
  ctx.foldOut(0, elem, r.shape, 1, (out) => {
    const vals = ctx.constValues(0);
    return vals && isConcrete(s) ? broadcastApply([{ shape: s, values: vals }], out, (xs) => xs[0]!) : undefined;
  });
}

function tile(ctx: OpContext): void {
  const s = ctx.shape(0);
  const reps = ctx.sizeValues(1);
  const elem = ctx.elemType(0);
  if (!s || !reps) return ctx.tensorOut(0, elem, s ? s.map(() => ctx.fresh()) : null);
  if (reps.length !== s.length) {
    ctx.error(`repeats [${reps.join(',')}] for rank ${s.length}`);
    return ctx.tensorOut(0, elem, s.map(() => ctx.fresh()));
  }
  const out = s.map((d, i) => (typeof d === 'number' ? d * reps[i]! : reps[i] === 1 ? d : ctx.fresh()));
  ctx.foldOut(0, elem, out, 1, () => {
    const vals = ctx.constValues(0);
    return vals && isConcrete(s) ? tileValues(vals, s, reps) : undefined;
  });
}

function pad(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  const pads = ctx.opset >= 11 ? ctx.sizeValues(1) : ctx.node.attrInts('pads');
  if (!pads) return ctx.tensorOut(0, elem, s.map(() => ctx.fresh()));
  const axes = ctx.opset >= 18 && ctx.has(3) ? ctx.sizeValues(3) : s.map((_, i) => i);
  const list = axes?.map((a) => normAxis(a, s.length));
  if (!list || list.some((a) => a === undefined) || pads.length !== 2 * list.length) {
    ctx.error(`pads [${pads.join(',')}] do not fit ${axes ? `axes [${axes.join(',')}]` : 'the axes'} of rank ${s.length}`);
    return ctx.tensorOut(0, elem, s.map(() => ctx.fresh()));
  }
  const out: Dim[] = [...s];
  const full = new Array<number>(2 * s.length).fill(0);
  list.forEach((a, k) => {
    const d = out[a!];
    const before = pads[k]!;
    const after = pads[k + list.length]!;
    full[a!] = before;
    full[a! + s.length] = after;
    out[a!] = typeof d === 'number' ? d + before + after : before === 0 && after === 0 ? d! : ctx.fresh();
  });
  const mode = ctx.node.attrString('mode', 'constant');
  ctx.foldOut(0, elem, out, 1, () => {
    const vals = ctx.constValues(0);
    const fill = ctx.opset >= 11 ? (ctx.has(2) ? ctx.constValues(2)?.[0] : 0) : ctx.node.attrFloat('value', 0);
    return vals && mode === 'constant' && fill !== undefined && isConcrete(s) ? padValues(vals, s, full, fill) : undefined;
  });
}

function resize(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  let scales: readonly number[] | undefined;
  let sizes: readonly number[] | undefined;
  if (ctx.node.opType === 'Upsample') {
    scales = ctx.opset >= 9 ? ctx.sizeValues(1) : ctx.node.attrFloats('scales');
  } else if (ctx.opset >= 11) {
    scales = ctx.has(2) ? ctx.sizeValues(2) : undefined;
    sizes = ctx.has(3) ? ctx.sizeValues(3) : undefined;
    if (scales && scales.length === 0) scales = undefined;
  } else {
    scales = ctx.sizeValues(1);
  }
  const axes = ctx.node.attrInts('axes')?.map((a) => normAxis(a, s.length)!) ?? s.map((_, i) => i);
  const given = sizes && sizes.length > 0 ? sizes : scales;
  if (given && given.length !== axes.length) {
    ctx.error(`${given === sizes ? 'sizes' : 'scales'} [${given.join(',')}] for ${axes.length} axes`);
    return ctx.tensorOut(0, elem, s.map(() => ctx.fresh()));
  }
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

function gridSample(ctx: OpContext): void {
  const x = ctx.shape(0);
  const g = ctx.shape(1);
  if (!x || !g) return ctx.tensorOut(0, ctx.elemType(0), null);
  ctx.tensorOut(0, ctx.elemType(0), [x[0]!, x[1]!, ...g.slice(1, -1)]);
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('Expand', expand);
  reg.set('Tile', tile);
  reg.set('Pad', pad);
  reg.set('Resize', resize);
  reg.set('Upsample', resize);
  reg.set('GridSample', gridSample);
}
