// Pad (constant mode, value 0, on spatial axes only, no cropping) before a Conv, AveragePool or
// MaxPool, folded into the op's own pads (pads_op' = pads_op + pads_Pad, per spatial begin/end):
//   Conv: its pads add zeros, the same zero border Pad adds → exact.
//   AveragePool with count_include_pad = 1: padded zeros are averaged in, as Pad's zeros were → exact.
//   MaxPool: its pads act as −∞; max(window ∪ {0}) = max(window) when the window holds a real value
//   and every real value is ≥ 0 (input from Relu/Sigmoid/…), and total pad < kernel → exact.
import { toAttribute } from '../../ir/builder';
import type { Node } from '../../ir/graph';
import { otherReaders, removeNode } from '../graph-edit';
import { dropped, ORT_AT_LOAD, weightBytes } from '../gain';
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
  title: 'Fold a zero Pad into the following Conv, AveragePool or MaxPool',
  family: 'fuse',
  tolerance: { maxAbsError: 0, maxRelError: 1e-5 },
  match(ctx) {
    const sites: PadSite[] = [];
    for (const op of ctx.model.graph.nodes) {
      if (!['Conv', 'AveragePool', 'MaxPool'].includes(op.opType) || op.domain !== '') continue;
      const pad = op.inputs[0]?.producer;
      if (pad?.opType === 'Pad' && pad.domain === '') sites.push({ anchor: pad, nodes: [pad, op], graph: op.graph, pad, op });
    }
    return sites;
  },
  check(site, ctx): CheckResult {
    const { pad, op } = site;
    const out = pad.outputs[0]!;
    if (out.uses.length !== 1 || out.isGraphOutput()) {
      return { ok: false, reason: `Pad output '${out.name}' feeds ${otherReaders(out, []).join(', ')}; the Pad cannot be folded into ${op}` };
    }
    if (pad.attrString('mode', 'constant') !== 'constant') return { ok: false, reason: `Pad '${pad.displayName}' uses mode '${pad.attrString('mode')}', not constant zeros` };
    const value = (ctx.model.opset('') ?? 0) >= 11 ? (pad.inputs[2] ? pad.inputs[2].constant?.toNumbers()[0] : 0) : pad.attrFloat('value', 0);
    if (value !== 0) return { ok: false, reason: `Pad '${pad.displayName}' pads with ${value ?? 'a run-time value'}, not 0` };
    if (pad.inputs[3]) return { ok: false, reason: `Pad '${pad.displayName}' names its axes; only full pads lists are folded` };
    const pads = padsOf(pad, ctx);
    if (!pads) return { ok: false, reason: `Pad '${pad.displayName}' pads are not constant` };
    const r = pads.length / 2;
    if (pads[0] !== 0 || pads[1] !== 0 || pads[r] !== 0 || pads[r + 1] !== 0) return { ok: false, reason: `Pad '${pad.displayName}' pads the batch or channel axis` };
    if (pads.some((p) => p < 0)) return { ok: false, reason: `Pad '${pad.displayName}' has negative pads (it crops); ${op} pads cannot crop` };
    const own = op.attrInts('pads');
    if (own && own.length !== 2 * (r - 2)) return { ok: false, reason: `Pad '${pad.displayName}' pads ${r} axes, ${op} has ${own.length / 2} spatial axes` };
    if (op.attrString('auto_pad', 'NOTSET') !== 'NOTSET') return { ok: false, reason: `${op} uses auto_pad` };
    if (op.opType === 'MaxPool') return maxPoolCheck(pad, op, pads);
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
  estimate: (site, e) => dropped([site.pad], e, weightBytes(site.pad, e), ORT_AT_LOAD.padConv),
};

/** Ops whose outputs are never negative. */
const NON_NEGATIVE = new Set(['Relu', 'Sigmoid', 'Softmax', 'Abs', 'Exp', 'Softplus']);

/**
 * MaxPool pads with −∞, Pad with 0: the same maximum only when every window still holds a real
 * element (total pad < kernel, no dilation, no ceil_mode) and the real elements are ≥ 0 (the Pad's
 * input comes from Relu, Sigmoid, …), so a padded 0 never exceeds the window's real maximum.
 */
function maxPoolCheck(pad: Node, op: Node, pads: number[]): CheckResult {
  const x = pad.inputs[0]!;
  const p = x.producer;
  if (!p || !NON_NEGATIVE.has(p.opType)) {
    return { ok: false, reason: `${op} pads with −∞, Pad '${pad.displayName}' with 0: folding is exact only for inputs ≥ 0, and '${x.name}' is not known to be (it does not come from ${[...NON_NEGATIVE].join('/')})` };
  }
  const k = op.attrInts('kernel_shape') ?? [];
  const r = pads.length / 2;
  const own = op.attrInts('pads') ?? new Array<number>(2 * (r - 2)).fill(0);
  const total = own.map((q, i) => q + (i < r - 2 ? pads[2 + i]! : pads[r + 2 + (i - (r - 2))]!));
  if (total.some((q, i) => q >= (k[i % (r - 2)] ?? 0))) return { ok: false, reason: `${op}: pads would reach the kernel size [${k.join(',')}]; a window could hold padding only` };
  if ((op.attrInts('dilations') ?? []).some((d) => d !== 1) || op.attrInt('ceil_mode', 0) !== 0) return { ok: false, reason: `${op} uses dilations or ceil_mode` };
  return { ok: true };
}
