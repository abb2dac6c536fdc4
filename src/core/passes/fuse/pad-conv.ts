// Pad (constant mode, value 0, on spatial axes only) before a Conv or AveragePool/MaxPool, folded
// into the op's own pads: a zero border added by Pad is the same zero border the op's pads add.
// (For MaxPool only when the pad value is −∞-equivalent would be exact; MaxPool is excluded, and
// AveragePool only with count_include_pad = 1, where padded zeros count as they did.)
import { toAttribute } from '../../ir/builder';
import type { Node } from '../../ir/graph';
import { removeNode } from '../graph-edit';
import type { CheckResult, RewriteRule, RuleContext, Site } from '../types';

interface PadSite extends Site {
  pad: Node;
  op: Node;
}

function padsOf(pad: Node, ctx: RuleContext): number[] | null {
  if ((ctx.model.opset('') ?? 0) < 11) return pad.attrInts('pads') ?? null;
  const t = pad.inputs[1]?.constant;
  return t ? Array.from(t.toNumbers()) : null;
}

export const padIntoConv: RewriteRule<PadSite> = {
  id: 'fuse-pad-conv',
  title: 'Fold a zero Pad into the following Conv or AveragePool',
  family: 'fuse',
  tolerance: { maxAbsError: 0, maxRelError: 1e-5 },
  match(ctx) {
    const sites: PadSite[] = [];
    for (const op of ctx.model.graph.nodes) {
      if (!['Conv', 'AveragePool'].includes(op.opType) || op.domain !== '') continue;
      const pad = op.inputs[0]?.producer;
      if (pad?.opType === 'Pad' && pad.domain === '') sites.push({ anchor: pad, nodes: [pad, op], graph: op.graph, pad, op });
    }
    return sites;
  },
  check(site, ctx): CheckResult {
    const { pad, op } = site;
    const out = pad.outputs[0]!;
    if (out.uses.length !== 1 || out.isGraphOutput()) return { ok: false, reason: `Pad output '${out.name}' has other readers` };
    if (pad.attrString('mode', 'constant') !== 'constant') return { ok: false, reason: `Pad '${pad.displayName}' uses mode '${pad.attrString('mode')}', not constant zeros` };
    const value = (ctx.model.opset('') ?? 0) >= 11 ? (pad.inputs[2] ? pad.inputs[2].constant?.toNumbers()[0] : 0) : pad.attrFloat('value', 0);
    if (value !== 0) return { ok: false, reason: `Pad '${pad.displayName}' pads with ${value ?? 'a run-time value'}, not 0` };
    if (pad.inputs[3]) return { ok: false, reason: `Pad '${pad.displayName}' names its axes; only full pads lists are folded` };
    const pads = padsOf(pad, ctx);
    if (!pads) return { ok: false, reason: `Pad '${pad.displayName}' pads are not constant` };
    const r = pads.length / 2;
    if (pads[0] !== 0 || pads[1] !== 0 || pads[r] !== 0 || pads[r + 1] !== 0) return { ok: false, reason: `Pad '${pad.displayName}' pads the batch or channel axis` };
    if (op.attrString('auto_pad', 'NOTSET') !== 'NOTSET') return { ok: false, reason: `${op} uses auto_pad` };
    if (op.opType === 'AveragePool' && op.attrInt('count_include_pad', 0) !== 1) return { ok: false, reason: `${op} does not count padding (count_include_pad = 0): zeros from Pad would count` };
    return { ok: true };
  },
  rewrite(site, ctx) {
    const { pad, op } = site;
    const pads = padsOf(pad, ctx)!;
    const r = pads.length / 2;
    const spatial = r - 2;
    const own = op.attrInts('pads') ?? new Array(spatial * 2).fill(0);
    const merged = own.map((p, i) => p + (i < spatial ? pads[2 + i]! : pads[r + 2 + (i - spatial)]!));
    op.attributes = op.attributes.filter((a) => a.name !== 'pads').concat(toAttribute('pads', merged));
    op.setInput(0, pad.inputs[0]!);
    removeNode(pad);
  },
};
