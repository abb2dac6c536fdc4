// Conv (or ConvTranspose) followed by BatchNormalization, folded into the conv's weights and bias.
// BatchNormalization in inference computes, per channel c:
//   y = γ_c · (x − μ_c) / √(σ²_c + ε) + β_c  =  s_c · x + (β_c − s_c · μ_c),   s_c = γ_c / √(σ²_c + ε)
// With x = W ∗ in + b, scaling output channel c of W by s_c and replacing b by s_c · (b_c − μ_c) + β_c
// gives the same y (exactly, up to float rounding). Conv keeps output channels on W's axis 0;
// ConvTranspose (group 1) on axis 1.
import { DataType } from '../../ir/data-type';
import type { Node } from '../../ir/graph';
import { addInitializer, constantValues, removeNode, takeOver } from '../graph-edit';
import type { CheckResult, RewriteRule, Site } from '../types';

interface ConvBnSite extends Site {
  conv: Node;
  bn: Node;
}

function check(site: ConvBnSite): CheckResult {
  const { conv, bn } = site;
  const out = conv.outputs[0]!;
  if (out.uses.length !== 1 || out.isGraphOutput()) {
    return { ok: false, reason: `${conv.opType} output '${out.name}' feeds ${out.uses.length} consumers${out.isGraphOutput() ? ' and is a graph output' : ''}; BatchNormalization cannot be folded` };
  }
  if (bn.attrInt('training_mode', 0) === 1 || bn.outputs.filter(Boolean).length > 1) {
    return { ok: false, reason: `BatchNormalization '${bn.displayName}' runs in training mode (it updates its statistics)` };
  }
  const w = conv.inputs[1]?.constant;
  if (!w) return { ok: false, reason: `${conv} has non-constant weights '${conv.inputs[1]?.name}'` };
  if (w.dataType !== DataType.FLOAT && w.dataType !== DataType.DOUBLE) return { ok: false, reason: `${conv} weights are ${DataType[w.dataType]}, not float` };
  if (conv.inputs[2] && !conv.inputs[2].constant) return { ok: false, reason: `${conv} has a non-constant bias` };
  for (let i = 1; i <= 4; i++) {
    if (!bn.inputs[i]?.constant) return { ok: false, reason: `BatchNormalization '${bn.displayName}' input ${i} ('${bn.inputs[i]?.name}') is not constant` };
  }
  if (conv.opType === 'ConvTranspose' && conv.attrInt('group', 1) !== 1) return { ok: false, reason: `${conv} is grouped (group ${conv.attrInt('group', 1)}); only group 1 is folded` };
  return { ok: true };
}

function rewrite(site: ConvBnSite): void {
  const { conv, bn } = site;
  const g = conv.graph;
  const w = conv.inputs[1]!.constant!;
  const W = w.toNumbers();
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => constantValues(bn.inputs[i]!)!) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const eps = bn.attrFloat('epsilon', 1e-5);
  const axis = conv.opType === 'ConvTranspose' ? 1 : 0;
  const channels = w.dims[axis]!;
  const inner = w.dims.slice(axis + 1).reduce((a, d) => a * d, 1);
  const outer = w.dims.slice(0, axis).reduce((a, d) => a * d, 1);
  const s = Array.from({ length: channels }, (_, c) => gamma[c]! / Math.sqrt(variance[c]! + eps));
  const W2 = new Float64Array(W.length);
  for (let o = 0; o < outer; o++) for (let c = 0; c < channels; c++) for (let k = 0; k < inner; k++) {
    const i = (o * channels + c) * inner + k;
    W2[i] = W[i]! * s[c]!;
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
};

