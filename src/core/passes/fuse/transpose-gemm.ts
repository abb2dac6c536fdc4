// A 2-D Transpose feeding Gemm's A or B becomes Gemm's transA/transB flag:
//   Gemm(Aᵀ, B) = Gemm(A, B, transA = 1)   (and likewise for B; a flag already set is flipped).
// Pure data movement: exact.
import type { Node } from '../../ir/graph';
import { toAttribute } from '../../ir/builder';
import { removeNode } from '../graph-edit';
import { dropped, ORT_AT_LOAD } from '../gain';
import type { CheckResult, RewriteRule, Site } from '../types';
import { permOf } from './transpose-pair';

interface GemmSite extends Site {
  transpose: Node;
  gemm: Node;
  slot: 0 | 1;
}

export const transposeIntoGemm: RewriteRule<GemmSite> = {
  id: 'fuse-transpose-gemm',
  title: "Fold a 2-D Transpose into Gemm's transA/transB",
  family: 'fuse',
  tolerance: { maxAbsError: 0 },
  match(ctx) {
    const sites: GemmSite[] = [];
    for (const gemm of ctx.model.graph.nodes) {
      if (gemm.opType !== 'Gemm' || gemm.domain !== '') continue;
      for (const slot of [0, 1] as const) {
        const t = gemm.inputs[slot]?.producer;
        if (t?.opType === 'Transpose' && t.domain === '') sites.push({ anchor: gemm, nodes: [t, gemm], graph: gemm.graph, transpose: t, gemm, slot });
      }
    }
    return sites;
  },
  check(site, ctx): CheckResult {
    const out = site.transpose.outputs[0]!;
    if (out.uses.length !== 1 || out.isGraphOutput()) return { ok: false, reason: `Transpose output '${out.name}' has other readers` };
    const perm = permOf(site.transpose, ctx);
    if (!perm || perm.length !== 2 || perm[0] !== 1) return { ok: false, reason: `Transpose '${site.transpose.displayName}' is not a 2-D swap` };
    return { ok: true };
  },
  rewrite(site) {
    const name = site.slot === 0 ? 'transA' : 'transB';
    const flag = site.gemm.attrInt(name, 0) === 1 ? 0 : 1;
    site.gemm.attributes = site.gemm.attributes.filter((a) => a.name !== name).concat(toAttribute(name, flag));
    site.gemm.setInput(site.slot, site.transpose.inputs[0]!);
    removeNode(site.transpose);
  },
  estimate: (site, e) => dropped([site.transpose], e, 0, ORT_AT_LOAD.transposeGemm),
};
