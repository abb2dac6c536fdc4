// Decomposed LayerNorm and GELU patterns replaced by the ONNX ops (LayerNormalization needs opset
// 17, Gelu opset 20), which runtimes implement in one kernel:
//   LayerNorm: m = mean(x), d = x − m, v = mean(d²), y = d / √(v + ε) · γ + β       (over the last axis)
//   GELU:      y = x · (1 + erf(x / √2)) · 0.5
import { toAttribute } from '../../ir/builder';
import { DataType } from '../../ir/data-type';
import type { Node, Value } from '../../ir/graph';
import { Node as IRNode } from '../../ir/graph';
import type { RuleContext } from '../types';
import { removeNode } from '../graph-edit';
import type { CheckResult, RewriteRule, Site } from '../types';

/** The only node reading `v` with the given op type, if that is the case. */
function next(v: Value | null | undefined, op: string): Node | null {
  if (!v || v.uses.length !== 1 || v.isGraphOutput()) return null;
  const n = v.uses[0]!.node;
  return n.opType === op && n.domain === '' ? n : null;
}

function scalar(v: Value | null | undefined): number | null {
  const t = v?.constant;
  return t && t.elementCount === 1 ? t.toNumbers()[0]! : null;
}

function other(n: Node, v: Value): Value | null {
  return n.inputs[0] === v ? (n.inputs[1] ?? null) : (n.inputs[0] ?? null);
}

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

function replace(nodes: Node[], make: (g: Node['graph']) => Node): void {
  const last = nodes[nodes.length - 1]!;
  const y = last.outputs[0]!;
  const g = last.graph;
  const n = make(g);
  g.nodes.splice(g.nodes.indexOf(nodes[0]!), 0, n);
  for (const old of [...nodes].reverse()) removeNode(old);
  n.outputs.push(y);
  y.producer = n;
  g.values.set(y.name, y);
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
    replace(site.nodes, (g) => {
      const n = new IRNode('', 'LayerNormalization', '', g);
      n.displayName = `${site.anchor.displayName}/LayerNormalization`;
      n.setInput(0, site.x);
      n.setInput(1, site.gamma);
      n.setInput(2, site.beta);
      n.attributes = [toAttribute('axis', -1), toAttribute('epsilon', site.eps, true)];
      return n;
    });
  },
};

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
    replace(site.nodes, (g) => {
      const n = new IRNode('', 'Gelu', '', g);
      n.displayName = `${site.anchor.displayName}/Gelu`;
      n.setInput(0, site.x);
      return n;
    });
  },
};
