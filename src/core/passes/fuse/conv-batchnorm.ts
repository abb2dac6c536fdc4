// Conv (or ConvTranspose) followed by BatchNormalization, folded into the conv's weights and bias.
// BatchNormalization in inference computes, per channel c:
//   y = γ_c · (x − μ_c) / √(σ²_c + ε) + β_c  =  s_c · x + (β_c − s_c · μ_c),   s_c = γ_c / √(σ²_c + ε)
// With x = W ∗ in + b, scaling output channel c of W by s_c and replacing b by s_c · (b_c − μ_c) + β_c
// gives the same y (exactly, up to float rounding). Conv keeps output channels on W's axis 0;
// ConvTranspose's W is [C_in, C_out/group, k…]: output channel ⌊i0 / (C_in/group)⌋ · C_out/group + i1.
// The folded weights are always new initializers: a weight shared with another node keeps its
// values for that node (the check's note says so), an unshared one becomes dead and is removed.
import { DataType, dataTypeName } from '../../ir/data-type';
import type { Node } from '../../ir/graph';
import { addInitializer, constantValues, isShared, otherReaders, removeNode, takeOver } from '../graph-edit';
import { dropped, ORT_AT_LOAD, weightBytes } from '../gain';
import type { CheckResult, RewriteRule, Site } from '../types';

interface ConvBnSite extends Site {
  conv: Node;
  bn: Node;
}

/** Output channels of a conv weight and the output channel of each (axis 0, axis 1) index pair. */
function channelMap(conv: Node, dims: readonly number[]): { channels: number; of: (i0: number, i1: number) => number } {
  if (conv.opType !== 'ConvTranspose') return { channels: dims[0]!, of: (i0) => i0 };
  // ConvTranspose: W is [C_in, C_out / group, k…]; input channel i0 belongs to group ⌊i0 / (C_in / group)⌋.
  const group = conv.attrInt('group', 1);
  const perGroupIn = dims[0]! / group;
  const perGroupOut = dims[1]!;
  return { channels: perGroupOut * group, of: (i0, i1) => Math.floor(i0 / perGroupIn) * perGroupOut + i1 };
}

function check(site: ConvBnSite): CheckResult {
  const { conv, bn } = site;
  const out = conv.outputs[0]!;
  if (out.uses.length !== 1 || out.isGraphOutput()) {
    const readers = otherReaders(out, []);
    return { ok: false, reason: `${conv.opType} output '${out.name}' feeds ${readers.length} consumers (${readers.join(', ')}); BatchNormalization cannot be folded` };
  }
  if (bn.attrInt('training_mode', 0) === 1 || bn.outputs.filter(Boolean).length > 1) {
    return { ok: false, reason: `BatchNormalization '${bn.displayName}' runs in training mode (it updates its statistics)` };
  }
  if (bn.attrInt('spatial', 1) === 0) return { ok: false, reason: `BatchNormalization '${bn.displayName}' has spatial = 0 (statistics per position, not per channel)` };
  const wv = conv.inputs[1];
  const w = wv?.constant;
  if (!w) return { ok: false, reason: `${conv} has non-constant weights '${wv?.name}' (computed at run time); BatchNormalization cannot be folded` };
  if (w.dataType !== DataType.FLOAT && w.dataType !== DataType.DOUBLE) return { ok: false, reason: `${conv} weights '${wv.name}' are ${dataTypeName(w.dataType)}, not float or double` };
  if (w.dims.length < 3) return { ok: false, reason: `${conv} weights '${wv.name}' have rank ${w.dims.length}; expected [C_out, C_in, k…]` };
  if (conv.inputs[2] && !conv.inputs[2].constant) return { ok: false, reason: `${conv} has a non-constant bias '${conv.inputs[2].name}'` };
  const group = conv.attrInt('group', 1);
  if (conv.opType === 'ConvTranspose' && w.dims[0]! % group !== 0) return { ok: false, reason: `${conv} has ${w.dims[0]} input channels, not a multiple of group ${group}` };
  const { channels } = channelMap(conv, w.dims);
  for (let i = 1; i <= 4; i++) {
    const p = bn.inputs[i];
    if (!p?.constant) return { ok: false, reason: `BatchNormalization '${bn.displayName}' input ${i} ('${p?.name}') is not constant` };
    if (p.constant.elementCount !== channels) return { ok: false, reason: `BatchNormalization '${bn.displayName}' input '${p.name}' has ${p.constant.elementCount} values; ${conv} has ${channels} output channels` };
  }
  const shared = [wv, conv.inputs[2]].filter((v) => v && isShared(v, conv)).map((v) => `'${v!.name}'`);
  if (shared.length) return { ok: true, note: `${shared.join(' and ')} ${shared.length > 1 ? 'are' : 'is'} also read by other nodes: the folded values are a new copy and theirs stays as it was` };
  return { ok: true };
}

function rewrite(site: ConvBnSite): void {
  const { conv, bn } = site;
  const g = conv.graph;
  const w = conv.inputs[1]!.constant!;
  const W = w.toNumbers();
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => constantValues(bn.inputs[i]!)!) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const eps = bn.attrFloat('epsilon', 1e-5);
  const { channels, of } = channelMap(conv, w.dims);
  const s = Array.from({ length: channels }, (_, c) => gamma[c]! / Math.sqrt(variance[c]! + eps));
  const [d0, d1] = [w.dims[0]!, w.dims[1]!];
  const inner = W.length / (d0 * d1);
  const W2 = new Float64Array(W.length);
  for (let i0 = 0; i0 < d0; i0++) for (let i1 = 0; i1 < d1; i1++) {
    const sc = s[of(i0, i1)]!;
    const base = (i0 * d1 + i1) * inner;
    for (let k = 0; k < inner; k++) W2[base + k] = W[base + k]! * sc;
  }
  const b = conv.inputs[2] ? constantValues(conv.inputs[2])! : new Float64Array(channels);
  const b2 = Array.from({ length: channels }, (_, c) => s[c]! * (b[c]! - mean[c]!) + beta[c]!);
  const base = conv.displayName || conv.outputs[0]!.name;
  conv.setInput(1, addInitializer(g, `${base}.weight_bnfolded`, w.dataType, w.dims, W2));
  conv.setInput(2, addInitializer(g, `${base}.bias_bnfolded`, w.dataType, [channels], b2));
  // The conv now produces what the BatchNormalization did.
  const bnOut = bn.outputs[0]!;
  const convOut = conv.outputs[0]!;
  removeNode(bn);
  takeOver(bnOut, convOut);
}

export const convBatchNorm: RewriteRule<ConvBnSite> = {
  id: 'fuse-conv-batchnorm',
  title: 'Fold BatchNormalization into the preceding Conv',
  family: 'fuse',
  tolerance: { maxRelError: 1e-4, minCosine: 0.99999 },
  match(ctx) {
    const sites: ConvBnSite[] = [];
    for (const bn of ctx.model.graph.nodes) {
      if (bn.opType !== 'BatchNormalization' || bn.domain !== '') continue;
      const conv = bn.inputs[0]?.producer;
      if (!conv || (conv.opType !== 'Conv' && conv.opType !== 'ConvTranspose') || conv.domain !== '') continue;
      sites.push({ anchor: bn, nodes: [conv, bn], graph: bn.graph, conv, bn });
    }
    return sites;
  },
  check,
  rewrite,
  estimate(site, e) {
    // BN's four vectors go; the folded bias is new when the conv had none (one of the four's size).
    const bn = weightBytes(site.bn, e);
    return dropped([site.bn], e, site.conv.inputs[2] ? bn : (bn * 3) / 4, ORT_AT_LOAD.convBatchNorm);
  },
};

