// Reductions and arg-reductions. Axes come from the attribute (older opsets) or the second input
// (ReduceSum since 13, the others since 18); keepdims defaults to 1.
import { DataType } from '../ir/data-type';
import type { Dim } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';
import { normAxis } from './dims';

function reduce(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  const keep = ctx.node.attrInt('keepdims', 1) === 1;
  const axesInput = ctx.has(1);
  const axes = axesInput ? ctx.constValues(1) : ctx.node.attrInts('axes');
  if (!s) return ctx.tensorOut(0, elem, null);
  if (axesInput && axes === undefined) {
    // Axes only known at run time: the rank is known when keepdims, not the sizes.
    return ctx.tensorOut(0, elem, keep ? s.map((d) => d === 1 ? 1 : ctx.fresh()) : null);
  }
  const noop = ctx.node.attrInt('noop_with_empty_axes', 0) === 1;
  let list = (axes ?? []).map((a) => normAxis(a, s.length));
  if (list.some((a) => a === undefined)) {
    ctx.error(`axes [${axes!.join(',')}] out of range for rank ${s.length}`);
    return ctx.tensorOut(0, elem, null);
  }
  if (list.length === 0) {
    if (noop) return ctx.passThrough(0, 0);
    list = s.map((_, i) => i);
  }
  const set = new Set(list);
  const out: Dim[] = [];
  s.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  // Fold ReduceProd/ReduceSum of small constants (element counts in shape arithmetic).
  const vals = ctx.constValues(0);
  if (vals && set.size === s.length && (ctx.node.opType === 'ReduceProd' || ctx.node.opType === 'ReduceSum')) {
    const v = ctx.node.opType === 'ReduceProd' ? vals.reduce((a, b) => a * b, 1) : vals.reduce((a, b) => a + b, 0);
    return ctx.tensorOut(0, elem, out, [v]);
  }
  ctx.tensorOut(0, elem, out);
}

function argReduce(ctx: OpContext): void {
  const s = ctx.shape(0);
  if (!s) return ctx.tensorOut(0, DataType.INT64, null);
  const axis = normAxis(ctx.node.attrInt('axis', 0), s.length);
  if (axis === undefined) {
    ctx.error(`axis ${ctx.node.attrInt('axis', 0)} out of range for rank ${s.length}`);
    return ctx.tensorOut(0, DataType.INT64, null);
  }
  const keep = ctx.node.attrInt('keepdims', 1) === 1;
  const out = s.flatMap((d, i) => (i !== axis ? [d] : keep ? [1] : []));
  ctx.tensorOut(0, DataType.INT64, out);
}

export function register(reg: Map<string, ShapeFn>): void {
  for (const op of ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']) {
    reg.set(op, reduce);
  }
  reg.set('ArgMax', argReduce);
  reg.set('ArgMin', argReduce);
}
