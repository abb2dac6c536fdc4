// LSTM, GRU, RNN: X is [seq, batch, input] (layout 0) or [batch, seq, input] (layout 1);
// Y is [seq, directions, batch, hidden] (layout 0) or [batch, seq, directions, hidden];
// Y_h and Y_c are [directions, batch, hidden] (layout 0) or [batch, directions, hidden].
import type { Dim } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';

function recurrent(ctx: OpContext): void {
  const x = ctx.shape(0);
  const elem = ctx.elemType(0);
  const dirs = ctx.node.attrString('direction', 'forward') === 'bidirectional' ? 2 : 1;
  const wShape = ctx.shape(1);
  const gates = ctx.node.opType === 'LSTM' ? 4 : ctx.node.opType === 'GRU' ? 3 : 1;
  const hidden: Dim = ctx.node.attrInt('hidden_size') ?? (typeof wShape?.[1] === 'number' ? wShape[1] / gates : ctx.fresh());
  const layout = ctx.node.attrInt('layout', 0);
  if (!x) {
    for (let i = 0; i < ctx.node.outputs.length; i++) ctx.tensorOut(i, elem, null);
    return;
  }
  const [seq, batch] = layout === 0 ? [x[0]!, x[1]!] : [x[1]!, x[0]!];
  ctx.tensorOut(0, elem, layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden]);
  const state = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  ctx.tensorOut(1, elem, state);
  ctx.tensorOut(2, elem, state);
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('LSTM', recurrent);
  reg.set('GRU', recurrent);
  reg.set('RNN', recurrent);
}
