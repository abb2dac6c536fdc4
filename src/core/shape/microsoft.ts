// com.microsoft contrib ops that ONNX Runtime's optimizer produces or exporters emit.
import type { OpContext, ShapeFn } from './context';

function first(ctx: OpContext): void {
  ctx.passThrough(0, 0);
}

/** Attention: input [B, S, hidden_in] -> output [B, S, hidden_v] (qkv_hidden_sizes or weight cols / 3). */
function attention(ctx: OpContext): void {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  const sizes = ctx.node.attrInts('qkv_hidden_sizes');
  const v = sizes?.[2] ?? (typeof w?.[1] === 'number' ? w[1] / 3 : ctx.fresh());
  ctx.tensorOut(0, ctx.elemType(0), x ? [x[0]!, x[1]!, v] : null);
}

export function register(reg: Map<string, ShapeFn>): void {
  for (const op of ['Gelu', 'FastGelu', 'BiasGelu', 'QuickGelu', 'BiasAdd', 'RotaryEmbedding']) reg.set(`com.microsoft:${op}`, first);
  reg.set('com.microsoft:Attention', attention);
  reg.set('com.microsoft:MultiHeadAttention', first);
}
