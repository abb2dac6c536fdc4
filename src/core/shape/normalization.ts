// Normalizations: the main output has the input's shape; LayerNormalization-style ops also give
// per-row statistics with the normalized axes reduced to 1.
import { DataType } from '../ir/data-type';
import { normAxis } from '../ir/dims';
import type { OpContext, ShapeFn } from './context';

function sameAsInput(ctx: OpContext): void {
  ctx.passThrough(0, 0);
  // BatchNormalization in training mode also returns running mean/var ([C]).
  const c = ctx.shape(0)?.[1];
  for (let i = 1; i < ctx.node.outputs.length; i++) ctx.tensorOut(i, ctx.elemType(0), c !== undefined ? [c] : null);
}

function layerNorm(ctx: OpContext): void {
  ctx.passThrough(0, 0);
  const s = ctx.shape(0);
  if (!s) return;
  const axis = normAxis(ctx.node.attrInt('axis', -1), s.length);
  if (axis === undefined) return ctx.error(`axis out of range for rank ${s.length}`);
  const stat = s.map((d, i) => (i < axis ? d : 1));
  const statType = ctx.node.attrInt('stash_type', 1) === 1 ? DataType.FLOAT : ctx.elemType(0);
  ctx.tensorOut(1, statType, stat);
  ctx.tensorOut(2, statType, stat);
}

function skipLayerNorm(ctx: OpContext): void {
  ctx.passThrough(0, 0);
  const s = ctx.shape(0);
  const stat = s ? [...s.slice(0, -1), 1] : null;
  ctx.tensorOut(1, DataType.FLOAT, stat);
  ctx.tensorOut(2, DataType.FLOAT, stat);
  ctx.passThrough(3, 0);
}

export function register(reg: Map<string, ShapeFn>): void {
  for (const op of ['BatchNormalization', 'InstanceNormalization', 'GroupNormalization']) reg.set(op, sameAsInput);
  reg.set('LayerNormalization', layerNorm);
  reg.set('com.microsoft:LayerNormalization', layerNorm);
  reg.set('com.microsoft:SimplifiedLayerNormalization', layerNorm);
  reg.set('com.microsoft:SkipLayerNormalization', skipLayerNorm);
  reg.set('com.microsoft:SkipSimplifiedLayerNormalization', skipLayerNorm);
}
