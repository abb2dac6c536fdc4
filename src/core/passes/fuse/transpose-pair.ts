// Two Transposes in a row compose into one: y = T(T(x, p1), p2) = T(x, p) with p[i] = p1[p2[i]]; they
// vanish when p is the identity. Pure data movement: exact.
import type { Node } from '../../ir/graph';
import { Node as IRNode } from '../../ir/graph';
import { toAttribute } from '../../ir/builder';
import { removeNode, renameValue, replaceAllUses } from '../graph-edit';
import { dropped, ORT_AT_LOAD } from '../gain';
import type { CheckResult, RewriteRule, RuleContext, Site } from '../types';

/** A Transpose's perm: its attribute, or the reversal of the input's axes (the default) when the rank is known. */
export function permOf(n: Node, ctx: RuleContext): number[] | null {
  const p = n.attrInts('perm');
  if (p) return p;
  const r = n.inputs[0] ? ctx.shapes.shapeOf(n.inputs[0])?.length : undefined;
  return r === undefined ? null : Array.from({ length: r }, (_, i) => r - 1 - i);
}

interface PairSite extends Site {
  first: Node;
  second: Node;
}

export const mergeTransposes: RewriteRule<PairSite> = {
  id: 'fuse-transpose-pair',
  title: 'Merge consecutive Transposes',
  family: 'fuse',
  tolerance: { maxAbsError: 0 },
  match(ctx) {
    return ctx.model.graph.nodes
      .filter((n) => n.opType === 'Transpose' && n.domain === '' && n.inputs[0]?.producer?.opType === 'Transpose')
      .map((second) => ({ anchor: second, nodes: [second.inputs[0]!.producer!, second], graph: second.graph, first: second.inputs[0]!.producer!, second }));
  },
  check(site, ctx): CheckResult {
    const mid = site.first.outputs[0]!;
    if (mid.uses.length !== 1 || mid.isGraphOutput()) return { ok: false, reason: `Transpose output '${mid.name}' has other readers` };
    if (!permOf(site.first, ctx) || !permOf(site.second, ctx)) return { ok: false, reason: 'the rank of the transposed tensor is unknown' };
    return { ok: true };
  },
  rewrite(site, ctx) {
    const p1 = permOf(site.first, ctx)!;
    const p2 = permOf(site.second, ctx)!;
    const perm = p2.map((i) => p1[i]!);
    const g = site.second.graph;
    const x = site.first.inputs[0]!;
    const y = site.second.outputs[0]!;
    removeNode(site.first);
    if (perm.every((p, i) => p === i)) {
      removeNode(site.second);
      if (y.isGraphOutput() && x.producer && x.producer.graph === g && !x.isGraphOutput()) {
        g.outputs[g.outputs.indexOf(y)] = x;
        x.type = y.type;
        g.values.delete(y.name);
        renameValue(x, y.name);
      } else if (y.isGraphOutput()) {
        // Keep an Identity so the graph output keeps its name.
        const id = new IRNode('', 'Identity', '', g);
        id.setInput(0, x);
        id.outputs.push(y);
        y.producer = id;
        g.nodes.push(id);
        g.values.set(y.name, y);
      } else {
        replaceAllUses(y, x);
      }
      return;
    }
    site.second.setInput(0, x);
    site.second.attributes = site.second.attributes.filter((a) => a.name !== 'perm').concat(toAttribute('perm', perm));
  },
  estimate(site, e) {
    // The first goes; the second too when they cancel.
    const p1 = e.rule ? permOf(site.first, e.rule) : site.first.attrInts('perm');
    const p2 = e.rule ? permOf(site.second, e.rule) : site.second.attrInts('perm');
    const cancel = !!p1 && !!p2 && p2.every((i, k) => p1[i] === k);
    return dropped(cancel ? [site.first, site.second] : [site.first], e, 0, ORT_AT_LOAD.transposePair);
  },
};
