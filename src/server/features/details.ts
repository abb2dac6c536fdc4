// Node details for the graph view's side panel, the same facts as the hover as data; shared by open
// documents (main thread) and model files (model worker, which passes its cached rule sites).
import type { Analysis } from '../../core/analysis/analyze';
import { formatAttribute } from '../../core/ir/attribute';
import type { Node } from '../../core/ir/graph';
import type { Model } from '../../core/ir/model';
import { formatType } from '../../core/ir/shape';
import type { SiteCheck } from '../../core/passes';
import type { NodeDetailsResult } from '../../protocol/requests';
import type { DocumentState } from './document-state';

/**
 * Every rule matching at the node named `name`, once per rule (a rule can match a node at several
 * sites, e.g. one per weight): it applies there if any of its sites passes its check; otherwise the
 * first refusal says why.
 */
export function fixesIn(sites: readonly SiteCheck[], name: string): NodeDetailsResult['fixes'] {
  const byRule = new Map<string, NodeDetailsResult['fixes'][number]>();
  for (const s of sites) {
    if (!s.site.nodes.some((n) => n.displayName === name)) continue;
    const seen = byRule.get(s.rule.id);
    if (seen?.ok) continue;
    if (s.check.ok) byRule.set(s.rule.id, { ruleId: s.rule.id, title: s.rule.title, ok: true });
    else if (!seen) byRule.set(s.rule.id, { ruleId: s.rule.id, title: s.rule.title, ok: false, reason: s.check.reason });
  }
  return [...byRule.values()];
}

/** The node named `name`: main graph first, then If/Loop/Scan bodies, then function bodies. */
export function findNode(model: Model, name: string): Node | undefined {
  return (
    model.graph.nodes.find((x) => x.displayName === name) ??
    [...model.graph.allNodes()].find((x) => x.displayName === name) ??
    model.functions.flatMap((f) => [...f.body.allNodes()]).find((x) => x.displayName === name)
  );
}

/** Details of one node of an analysed model (without weight statistics); null when no node has that name. */
export function describeNode(model: Model, a: Analysis, name: string, sites: readonly SiteCheck[]): NodeDetailsResult | null {
  const n = findNode(model, name);
  if (!n) return null;
  const c = a.cost.nodes.find((x) => x.node === n);
  return {
    name: n.displayName,
    opType: n.opType,
    domain: n.domain,
    attributes: n.attributes.map((x) => ({ name: x.name, value: formatAttribute(x) })),
    inputs: n.inputs.flatMap((v) => (v ? [{ name: v.name, type: formatType(a.shapes.typeOf(v)) }] : [])),
    outputs: n.outputs.flatMap((v) => (v ? [{ name: v.name, type: formatType(a.shapes.typeOf(v)) }] : [])),
    macs: c?.macs ?? null,
    flops: c?.flops ?? null,
    params: c?.params ?? 0,
    weightBytes: c?.weightBytes ?? 0,
    activationBytes: c?.activationBytes ?? null,
    intensity: c?.intensity ?? null,
    fixes: fixesIn(sites, name),
  };
}

/** Every rule matching at the node named `name` of an open document (listFixes, node details). */
export function fixesAt(state: DocumentState, name: string): NodeDetailsResult['fixes'] {
  const a = state.analysis;
  const model = state.parse.model;
  if (!a || !model) return [];
  return fixesIn(state.sites(), name);
}

export function nodeDetails(state: DocumentState, name: string): NodeDetailsResult | null {
  const a = state.analysis;
  const model = state.parse.model;
  if (!a || !model) return null;
  if (!findNode(model, name)) return null;
  return describeNode(model, a, name, state.sites());
}
