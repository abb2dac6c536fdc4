// A decomposed LayerNorm replaced by the ONNX op LayerNormalization (opset 17), which runtimes
// implement in one kernel. Over the last axis:
//   m = mean(x), d = x − m, v = mean(d²), y = d / √(v + ε) · γ + β
// matched as ReduceMean → Sub → Pow 2 → ReduceMean → Add ε → Sqrt → Div → Mul γ → Add β, every
// intermediate read only by the next node of the chain. Exact up to float rounding.
import { toAttribute } from '../../ir/builder';
import { DataType } from '../../ir/data-type';
import type { Node, Value } from '../../ir/graph';
import { Node as IRNode } from '../../ir/graph';
import { fused, ORT_AT_LOAD } from '../gain';
import type { CheckResult, RewriteRule, RuleContext, Site } from '../types';
import { next, other, replaceChain, scalar } from './chain';

function lastAxis(n: Node, ctx: RuleContext): boolean {
  const axes = n.attrInts('axes') ?? (n.inputs[1]?.constant ? Array.from(n.inputs[1].constant.toNumbers()) : null);
  const rank = n.inputs[0] ? ctx.shapes.shapeOf(n.inputs[0])?.length : undefined;
  return !!axes && axes.length === 1 && (axes[0] === -1 || (rank !== undefined && axes[0] === rank - 1));
}

interface LnSite extends Site {
  x: Value;
  nodes: Node[];
  eps: number;
  gamma: Value;
  beta: Value;
}

/** Follows mean → sub → pow → mean → add ε → sqrt → div → mul γ → add β from the first ReduceMean. */
function matchLayerNorm(mean: Node, ctx: RuleContext): LnSite | null {
  const x = mean.inputs[0];
  if (!x || !lastAxis(mean, ctx)) return null;
  const sub = x.uses.map((u) => u.node).find((n) => n.opType === 'Sub' && n.inputs[0] === x && n.inputs[1] === mean.outputs[0]);
  if (!sub) return null;
  const d = sub.outputs[0]!;
  if (d.uses.length !== 2) return null;
  const pow = d.uses.map((u) => u.node).find((n) => n.opType === 'Pow' && scalar(n.inputs[1]) === 2);
  const div = d.uses.map((u) => u.node).find((n) => n.opType === 'Div' && n.inputs[0] === d);
  if (!pow || !div) return null;
  const mean2 = next(pow.outputs[0], 'ReduceMean');
  if (!mean2 || !lastAxis(mean2, ctx)) return null;
  const addEps = next(mean2.outputs[0], 'Add');
  const eps = addEps ? scalar(other(addEps, mean2.outputs[0]!)) : null;
  const sqrt = addEps ? next(addEps.outputs[0], 'Sqrt') : null;
  if (eps === null || !sqrt || div.inputs[1] !== sqrt.outputs[0]) return null;
  const mul = next(div.outputs[0], 'Mul');
  const gamma = mul ? other(mul, div.outputs[0]!) : null;
  const add = mul ? next(mul.outputs[0], 'Add') : null;
  const beta = add ? other(add, mul!.outputs[0]!) : null;
  if (!mul || !add || !gamma?.constant || !beta?.constant) return null;
  return { anchor: mean, graph: mean.graph, x, nodes: [mean, sub, pow, mean2, addEps!, sqrt, div, mul, add], eps, gamma, beta };
}

export const fuseLayerNorm: RewriteRule<LnSite> = {
  id: 'fuse-layernorm',
  title: 'Replace a decomposed LayerNorm by LayerNormalization',
  family: 'fuse',
  tolerance: { maxRelError: 1e-3, minCosine: 0.99999 },
  match(ctx) {
    return ctx.model.graph.nodes
      .filter((n) => n.opType === 'ReduceMean' && n.domain === '')
      .map((n) => matchLayerNorm(n, ctx))
      .filter((s): s is LnSite => s !== null);
  },
  check(site, ctx): CheckResult {
    const opset = ctx.model.opset('') ?? 0;
    if (opset < 17) return { ok: false, reason: `opset ${opset} has no LayerNormalization; needs >= 17` };
    const [mean, , , mean2] = site.nodes;
    for (const m of [mean!, mean2!]) if (m.attrInt('keepdims', 1) !== 1) return { ok: false, reason: `${m} has keepdims = 0; the pattern needs the reduced axis kept` };
    const t = ctx.shapes.typeOf(site.x);
    if (t?.kind !== 'tensor' || (t.elemType !== DataType.FLOAT && t.elemType !== DataType.DOUBLE && t.elemType !== DataType.FLOAT16)) {
      return { ok: false, reason: `'${site.x.name}' is not a float tensor (LayerNormalization takes float, double or float16)` };
    }
    const last = t.shape?.[t.shape.length - 1];
    for (const [what, v] of [['γ', site.gamma], ['β', site.beta]] as const) {
      const d = v.constant!.dims;
      if (d.length !== 1) return { ok: false, reason: `${what} '${v.name}' has shape [${d.join(',')}]; LayerNormalization needs it 1-D over the normalized axis` };
      if (typeof last === 'number' && d[0] !== last) return { ok: false, reason: `${what} '${v.name}' has ${d[0]} values; the normalized axis has ${last}` };
    }
    return { ok: true };
  },
  rewrite(site) {
    replaceChain(site.nodes, (g) => {
      const n = new IRNode('', 'LayerNormalization', '', g);
      n.displayName = `${site.anchor.displayName}/LayerNormalization`;
      n.setInput(0, site.x);
      n.setInput(1, site.gamma);
      n.setInput(2, site.beta);
      n.attributes = [toAttribute('axis', -1), toAttribute('epsilon', site.eps, true)];
      return n;
    });
  },
  estimate: (site, e) => fused(site.nodes, e, ORT_AT_LOAD.layerNorm),
};
