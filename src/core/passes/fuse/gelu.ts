// A decomposed GELU (erf form) replaced by the ONNX op Gelu (opset 20), which runtimes implement in
// one kernel:  y = x · (1 + erf(x / √2)) · 0.5, matched as Div √2 → Erf → Add 1 → Mul x → Mul 0.5.
// Exact up to float rounding.
import { Node as IRNode } from '../../ir/graph';
import type { Node, Value } from '../../ir/graph';
import { fused, ORT_AT_LOAD } from '../gain';
import type { CheckResult, RewriteRule, Site } from '../types';
import { next, other, replaceChain, scalar } from './chain';

interface GeluSite extends Site {
  x: Value;
  nodes: Node[];
}

export const fuseGelu: RewriteRule<GeluSite> = {
  id: 'fuse-gelu',
  title: 'Replace a decomposed GELU (erf form) by Gelu',
  family: 'fuse',
  tolerance: { maxRelError: 1e-3, minCosine: 0.99999 },
  match(ctx) {
    const sites: GeluSite[] = [];
    for (const div of ctx.model.graph.nodes) {
      if (div.opType !== 'Div' || div.domain !== '' || Math.abs((scalar(div.inputs[1]) ?? 0) - Math.SQRT2) > 1e-3) continue;
      const x = div.inputs[0]!;
      const erf = next(div.outputs[0], 'Erf');
      const add = erf ? next(erf.outputs[0], 'Add') : null;
      if (!add || scalar(other(add, erf!.outputs[0]!)) !== 1) continue;
      const mul = next(add.outputs[0], 'Mul');
      if (!mul || other(mul, add.outputs[0]!) !== x) continue;
      const half = next(mul.outputs[0], 'Mul');
      if (!half || scalar(other(half, mul.outputs[0]!)) !== 0.5) continue;
      sites.push({ anchor: div, graph: div.graph, x, nodes: [div, erf!, add, mul, half] });
    }
    return sites;
  },
  check(_site, ctx): CheckResult {
    const opset = ctx.model.opset('') ?? 0;
    return opset >= 20 ? { ok: true } : { ok: false, reason: `opset ${opset} has no Gelu; needs >= 20` };
  },
  rewrite(site) {
    replaceChain(site.nodes, (g) => {
      const n = new IRNode('', 'Gelu', '', g);
      n.displayName = `${site.anchor.displayName}/Gelu`;
      n.setInput(0, site.x);
      return n;
    });
  },
  estimate: (site, e) => fused(site.nodes, e, ORT_AT_LOAD.gelu),
};
