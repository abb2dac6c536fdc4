// Reductions and arg-reductions. Axes come from the attribute (older opsets) or the second input
// (ReduceSum since 13, the others since 18); keepdims defaults to 1.
import { DataType } from '../ir/data-type';
import { normAxis } from '../ir/dims';
import { isConcrete, type Dim } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';
import { reduceValues } from './fold';

function reduce(ctx: OpContext): void {
  const s = ctx.shape(0);
  const elem = ctx.elemType(0);
  const keep = ctx.node.attrInt('keepdims', 1) === 1;
  const axesInput = ctx.has(1);
  const axes = axesInput ? ctx.sizeValues(1) : ctx.node.attrInts('axes');
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
  // Fold integer reductions of small constants (element counts in shape arithmetic), and Min/Max of
  // any type: all exact. Float sums are left alone (ORT's summation order is its own).
  const op = ctx.node.opType;
  const f = REDUCE_FOLD[op];
  const isInt = elem !== DataType.FLOAT && elem !== DataType.DOUBLE && elem !== DataType.FLOAT16 && elem !== DataType.BFLOAT16;
  if (f && (isInt || op === 'ReduceMin' || op === 'ReduceMax')) {
    return ctx.foldOut(0, elem, out, 1, () => {
      const vals = ctx.constValues(0);
      if (!vals || !isConcrete(s) || (isInt && !vals.every(Number.isFinite))) return undefined;
      const res = reduceValues(vals, s, set as Set<number>, f.init, f.step);
      return isInt && !res.every(Number.isSafeInteger) ? undefined : res;
    });
  }
  ctx.tensorOut(0, elem, out);
}

const REDUCE_FOLD: Record<string, { init: number; step: (acc: number, x: number) => number } | undefined> = {
  ReduceSum: { init: 0, step: (a, x) => a + x },
  ReduceProd: { init: 1, step: (a, x) => a * x },
  ReduceMin: { init: Infinity, step: Math.min },
  ReduceMax: { init: -Infinity, step: Math.max },
};

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
