// Layout without arithmetic: Reshape, Flatten, Transpose, Squeeze, Unsqueeze, DepthToSpace and
// SpaceToDepth. Values of small known tensors move along (and 1-D dims keep their symbols), so that
// exported shape arithmetic folds through them.
import { normAxis } from '../ir/dims';
import { numel, type Dim } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';
import { transposeValues } from './fold';
import { MAX_RANK } from './limits';

function reshape(ctx: OpContext): void {
  const data = ctx.shape(0);
  const target = ctx.dimValues(1);
  const elem = ctx.elemType(0);
  if (!target) {
    const len = ctx.shape(1)?.[0];
    return ctx.tensorOut(0, elem, typeof len === 'number' && len <= MAX_RANK ? Array.from({ length: len }, () => ctx.fresh()) : null);
  }
  const allowZero = ctx.node.attrInt('allowzero', 0) === 1;
  if (target.filter((d) => d === -1).length > 1 || target.some((d) => typeof d === 'number' && d < -1)) {
    ctx.error(`shape [${target.join(',')}]: at most one -1 and no other negative size`);
    return ctx.tensorOut(0, elem, target.map(() => ctx.fresh()));
  }
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (data?.[i] ?? ctx.fresh()) : d));
  const minus = out.findIndex((d) => d === -1);
  if (minus >= 0) {
    const total = data ? numel(data) : undefined;
    const rest = numel(out.filter((_, i) => i !== minus));
    if (total !== undefined && rest !== undefined && rest > 0) {
      if (total % rest !== 0) {
        ctx.error(`cannot reshape ${total} elements to [${target.join(',')}]`);
        return ctx.tensorOut(0, elem, null);
      }
      out[minus] = total / rest;
    } else {
      out[minus] = (data && symbolicQuotient(data, out, minus)) ?? ctx.fresh();
    }
  } else if (data) {
    const a = numel(data);
    const b = numel(out);
    if (a !== undefined && b !== undefined && a !== b) {
      ctx.error(`cannot reshape [${data.join(',')}] (${a} elements) to [${out.join(',')}] (${b} elements)`);
    }
  }
  ctx.tensorOut(0, elem, out, ctx.constValues(0));
  const sym = ctx.node.inputs[0] && ctx.state.dimValues.get(ctx.node.inputs[0]);
  if (sym && out.length === 1) ctx.dimsOut(0, sym, false, elem);
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
  return numel(num);
}

function flatten(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  const attr = ctx.node.attrInt('axis', 1);
  const axis = attr < 0 ? attr + s.length : attr;
  if (axis < 0 || axis > s.length) {
    ctx.error(`axis ${ctx.node.attrInt('axis', 1)} out of range for rank ${s.length}`);
    return ctx.tensorOut(0, elem, null);
  }
  const one = (part: readonly Dim[]): Dim => numel(part) ?? (part.length === 1 ? part[0]! : ctx.fresh());
  ctx.tensorOut(0, elem, [one(s.slice(0, axis)), one(s.slice(axis))], ctx.constValues(0));
}

function transpose(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!s) return ctx.tensorOut(0, elem, null);
  const perm = ctx.node.attrInts('perm') ?? s.map((_, i) => s.length - 1 - i);
  if (perm.length !== s.length || new Set(perm).size !== perm.length || perm.some((p) => p < 0 || p >= s.length)) {
    ctx.error(`perm [${perm.join(',')}] does not fit rank ${s.length}`);
    return ctx.tensorOut(0, elem, null);
  }
  ctx.foldOut(0, elem, perm.map((p) => s[p]!), 1, () => {
    const vals = ctx.constValues(0);
    return vals && transposeValues(vals, s as number[], perm);
  });
}

/** Axes from the attribute (before `sinceInputOpset`) or the second input; null when only known at run time. */
function axesOf(ctx: OpContext, sinceInputOpset: number): readonly number[] | undefined | null {
  if (ctx.opset >= sinceInputOpset) return ctx.has(1) ? (ctx.sizeValues(1) ?? null) : undefined;
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
  const sym = ctx.node.inputs[0] && ctx.state.dimValues.get(ctx.node.inputs[0]);
  if (sym && sym.length === 1 && s.length === 1) ctx.dimsOut(0, sym, true, elem);
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
  const sym = ctx.node.inputs[0] && ctx.state.dimValues.get(ctx.node.inputs[0]);
  if (sym && s.length <= 1 && out.length === 1) ctx.dimsOut(0, sym, false, elem);
}

function depthToSpace(ctx: OpContext): void {
  const s = ctx.shape(0);
  const b = ctx.node.attrInt('blocksize', 1);
  if (!s || s.length !== 4) return ctx.tensorOut(0, ctx.elemType(0), null);
  if (!(b >= 1)) {
    ctx.error(`blocksize ${b}: it must be >= 1`);
    return ctx.tensorOut(0, ctx.elemType(0), s.map(() => ctx.fresh()));
  }
  const mul = (d: Dim, k: number): Dim => (typeof d === 'number' ? d * k : ctx.fresh());
  const div = (d: Dim, k: number): Dim => (typeof d === 'number' && d % k === 0 ? d / k : ctx.fresh());
  const toSpace = ctx.node.opType === 'DepthToSpace';
  ctx.tensorOut(0, ctx.elemType(0), toSpace ? [s[0]!, div(s[1]!, b * b), mul(s[2]!, b), mul(s[3]!, b)] : [s[0]!, mul(s[1]!, b * b), div(s[2]!, b), div(s[3]!, b)]);
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('Reshape', reshape);
  reg.set('Flatten', flatten);
  reg.set('Transpose', transpose);
  reg.set('Squeeze', squeeze);
  reg.set('Unsqueeze', unsqueeze);
  reg.set('DepthToSpace', depthToSpace);
  reg.set('SpaceToDepth', depthToSpace);
}
