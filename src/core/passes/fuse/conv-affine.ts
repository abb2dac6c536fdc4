// Conv followed by Mul, Add, Sub or Div with a per-channel (or scalar) constant, folded into the conv:
//   (W ∗ x + b) · m_c  =  (m_c · W[c]) ∗ x + m_c · b_c        (Mul; Div by d_c is Mul by 1/d_c)
//   (W ∗ x + b) + a_c  =  W ∗ x + (b_c + a_c)                  (Add; Sub of a_c is Add of −a_c)
// exact up to float rounding (Div's 1/d_c adds one rounding). The constant must not vary along the
// spatial axes or the batch, and must not raise the output's rank by broadcasting. Sub and Div only
// when the conv is the left operand (c − conv is not affine in the same way).
import { DataType, dataTypeName } from '../../ir/data-type';
import type { Node, Value } from '../../ir/graph';
import { addInitializer, otherReaders, removeNode, takeOver } from '../graph-edit';
import { dropped, ORT_AT_LOAD, weightBytes } from '../gain';
import type { CheckResult, RewriteRule, Site } from '../types';

interface AffineSite extends Site {
  conv: Node;
  op: Node;
  constant: Value;
}

/** Per-channel values of a constant that broadcasts over [N, C, spatial…] as a channel vector or scalar. */
export function channelValues(c: Value, channels: number, rank: number): number[] | null {
  const t = c.constant!;
  const d = t.dims;
  if (d.length > rank) return null; // broadcasting would add axes in front of the conv output
  const v = Array.from(t.toNumbers());
  if (d.every((x) => x === 1)) return new Array<number>(channels).fill(v[0]!);
  // Aligned to the right of [N, C, spatial…]: the constant's axis for C is 1 − (rank − d.length).
  const channelAxis = 1 - (rank - d.length);
  if (channelAxis < 0 || d[channelAxis] !== channels) return null;
  if (d.some((x, i) => i !== channelAxis && x !== 1)) return null;
  return v;
}

/** The per-channel factor (Mul/Div) or shift (Add/Sub) the op applies. */
function effect(site: AffineSite, channels: number, rank: number): number[] | null {
  const v = channelValues(site.constant, channels, rank);
  if (!v) return null;
  if (site.op.opType === 'Div') return v.map((x) => 1 / x);
  if (site.op.opType === 'Sub') return v.map((x) => -x);
  return v;
}

function check(site: AffineSite): CheckResult {
  const { conv, op, constant } = site;
  const out = conv.outputs[0]!;
  if (out.uses.length !== 1 || out.isGraphOutput()) {
    const readers = otherReaders(out, []);
    return { ok: false, reason: `Conv output '${out.name}' feeds ${readers.length} consumers (${readers.join(', ')}); ${op.opType} '${op.displayName}' cannot be folded` };
  }
  const wv = conv.inputs[1];
  const w = wv?.constant;
  if (!w) return { ok: false, reason: `${conv} has non-constant weights '${wv?.name}'` };
  if (w.dataType !== DataType.FLOAT && w.dataType !== DataType.DOUBLE) return { ok: false, reason: `${conv} weights '${wv.name}' are ${dataTypeName(w.dataType)}, not float` };
  if (conv.inputs[2] && !conv.inputs[2].constant) return { ok: false, reason: `${conv} has a non-constant bias '${conv.inputs[2].name}'` };
  const t = constant.constant!;
  if (t.dataType !== w.dataType) return { ok: false, reason: `'${constant.name}' is ${dataTypeName(t.dataType)}, the weights ${dataTypeName(w.dataType)}` };
  const m = effect(site, w.dims[0]!, w.dims.length);
  if (!m) return { ok: false, reason: `'${constant.name}' of shape [${t.dims.join(',')}] is not a per-channel or scalar constant for ${conv}'s [N, ${w.dims[0]}, …] output` };
  if (!m.every(Number.isFinite)) return { ok: false, reason: `'${constant.name}' holds zeros or non-finite values; ${op} cannot be folded` };
  return { ok: true };
}

function rewrite(site: AffineSite): void {
  const { conv, op } = site;
  const g = conv.graph;
  const w = conv.inputs[1]!.constant!;
  const cout = w.dims[0]!;
  const m = effect(site, cout, w.dims.length)!;
  const b = conv.inputs[2] ? Array.from(conv.inputs[2].constant!.toNumbers()) : new Array<number>(cout).fill(0);
  const base = conv.displayName || conv.outputs[0]!.name;
  if (op.opType === 'Mul' || op.opType === 'Div') {
    const W = w.toNumbers();
    const per = W.length / cout;
    for (let c = 0; c < cout; c++) for (let i = 0; i < per; i++) W[c * per + i] = W[c * per + i]! * m[c]!;
    conv.setInput(1, addInitializer(g, `${base}.weight_scaled`, w.dataType, w.dims, W));
    conv.setInput(2, addInitializer(g, `${base}.bias_scaled`, w.dataType, [cout], b.map((x, c) => x * m[c]!)));
  } else {
    conv.setInput(2, addInitializer(g, `${base}.bias_shifted`, w.dataType, [cout], b.map((x, c) => x + m[c]!)));
  }
  const y = op.outputs[0]!;
  const convOut = conv.outputs[0]!;
  removeNode(op);
  takeOver(y, convOut);
}

export const convAffine: RewriteRule<AffineSite> = {
  id: 'fuse-conv-affine',
  title: 'Fold a per-channel Mul, Add, Sub or Div into the preceding Conv',
  family: 'fuse',
  tolerance: { maxRelError: 1e-4, minCosine: 0.99999 },
  match(ctx) {
    const sites: AffineSite[] = [];
    for (const op of ctx.model.graph.nodes) {
      if (!['Mul', 'Add', 'Sub', 'Div'].includes(op.opType) || op.domain !== '') continue;
      const sides = op.opType === 'Sub' || op.opType === 'Div' ? [0] : [0, 1];
      for (const k of sides) {
        const conv = op.inputs[k]?.producer;
        const c = op.inputs[1 - k];
        if (conv && conv.opType === 'Conv' && conv.domain === '' && c?.constant) {
          sites.push({ anchor: op, nodes: [conv, op], graph: op.graph, conv, op, constant: c });
          break;
        }
      }
    }
    return sites;
  },
  check,
  rewrite,
  estimate(site, e) {
    // The constant goes, unless it becomes the conv's new bias (an Add/Sub on a conv without one).
    const addsBias = (site.op.opType === 'Add' || site.op.opType === 'Sub') && !site.conv.inputs[2];
    const mulAdd = site.op.opType === 'Mul' || site.op.opType === 'Add';
    return dropped([site.op], e, addsBias ? 0 : weightBytes(site.op, e), mulAdd ? ORT_AT_LOAD.convMulAdd : undefined);
  },
};
