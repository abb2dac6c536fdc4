// Conv followed by Mul or Add with a per-channel (or scalar) constant, folded into the conv:
//   (W ∗ x + b) · m_c  =  (m_c · W[c]) ∗ x + m_c · b_c        (Mul)
//   (W ∗ x + b) + a_c  =  W ∗ x + (b_c + a_c)                  (Add)
// exact up to float rounding. The constant must not vary along the spatial axes or the batch.
import { DataType } from '../../ir/data-type';
import type { Node, Value } from '../../ir/graph';
import { addInitializer, removeNode, takeOver } from '../graph-edit';
import type { CheckResult, RewriteRule, Site } from '../types';

interface AffineSite extends Site {
  conv: Node;
  op: Node;
  constant: Value;
}

/** Per-channel values of a constant that broadcasts over [N, C, spatial…] as a channel vector or scalar. */
function channelValues(c: Value, channels: number, rank: number): number[] | null {
  const t = c.constant!;
  const d = t.dims;
  const v = Array.from(t.toNumbers());
  if (d.every((x) => x === 1)) return new Array(channels).fill(v[0]);
  // aligned to the right of [N, C, spatial…]: channel axis is rank − d.length … must be index 1 of the output
  const channelAxis = 1 - (rank - d.length);
  if (channelAxis < 0 || d[channelAxis] !== channels) return null;
  if (d.some((x, i) => i !== channelAxis && x !== 1)) return null;
  return v;
}

function check(site: AffineSite): CheckResult {
  const { conv, op, constant } = site;
  const out = conv.outputs[0]!;
  if (out.uses.length !== 1 || out.isGraphOutput()) return { ok: false, reason: `Conv output '${out.name}' has other readers; ${op.opType} cannot be folded` };
  const w = conv.inputs[1]?.constant;
  if (!w || w.dataType !== DataType.FLOAT) return { ok: false, reason: `${conv} has no constant float weights` };
  if (conv.inputs[2] && !conv.inputs[2].constant) return { ok: false, reason: `${conv} has a non-constant bias` };
  if (!channelValues(constant, w.dims[0]!, w.dims.length)) {
    return { ok: false, reason: `'${constant.name}' of shape [${constant.constant!.dims.join(',')}] is not a per-channel or scalar constant` };
  }
  return { ok: true };
}

function rewrite(site: AffineSite): void {
  const { conv, op, constant } = site;
  const g = conv.graph;
  const w = conv.inputs[1]!.constant!;
  const cout = w.dims[0]!;
  const m = channelValues(constant, cout, w.dims.length)!;
  const b = conv.inputs[2] ? Array.from(conv.inputs[2].constant!.toNumbers()) : new Array<number>(cout).fill(0);
  const base = conv.displayName || conv.outputs[0]!.name;
  if (op.opType === 'Mul') {
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
  title: 'Fold a per-channel Mul or Add into the preceding Conv',
  family: 'fuse',
  tolerance: { maxRelError: 1e-4, minCosine: 0.99999 },
  match(ctx) {
    const sites: AffineSite[] = [];
    for (const op of ctx.model.graph.nodes) {
      if ((op.opType !== 'Mul' && op.opType !== 'Add') || op.domain !== '') continue;
      for (const k of [0, 1]) {
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
};
