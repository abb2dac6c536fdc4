// Node details for the graph view's side panel, the same facts as the hover as data.
import { formatAttribute } from '../core/ir/attribute';
import { formatType } from '../core/ir/shape';
import { RULES, listSites } from '../core/passes';
import type { NodeDetailsResult } from '../protocol/requests';
import type { DocumentState } from './documents';

/** Every rule matching at the node named `name`, with its check result (listFixes, node details). */
export function fixesAt(state: DocumentState, name: string): NodeDetailsResult['fixes'] {
  const a = state.analysis;
  const model = state.parse.model;
  if (!a || !model) return [];
  return listSites(RULES, { model, shapes: a.shapes })
    .filter((s) => s.site.nodes.some((n) => n.displayName === name))
    .map((s) => ({ ruleId: s.rule.id, title: s.rule.title, ok: s.check.ok, ...(s.check.ok ? {} : { reason: s.check.reason }) }));
}

export function nodeDetails(state: DocumentState, name: string): NodeDetailsResult | null {
  const a = state.analysis;
  const model = state.parse.model;
  if (!a || !model) return null;
  const n = [...model.graph.allNodes()].find((x) => x.displayName === name);
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
    fixes: fixesAt(state, name),
  };
}
