// Node details for the graph view's side panel, the same facts as the hover as data; shared by open
// documents (main thread) and model files (model worker, which passes its cached rule sites).
import type { Analysis } from '../../core/analysis/analyze';
import { formatAttribute } from '../../core/ir/attribute';
import type { Node, Value } from '../../core/ir/graph';
import { formatQuantization } from '../../core/ir/quantization';
import type { Model } from '../../core/ir/model';
import { formatType } from '../../core/ir/shape';
import { figuresOf, recordOf } from '../../core/cost/figures';
import { rankFixes, type RankedFix, type SiteCheck } from '../../core/passes';
import type { FixEntry } from '../../protocol/fixes';
import type { NodeDetailsResult } from '../../protocol/requests';
import type { DocumentState } from './document-state';

/**
 * Every rule matching at the node named `name`, once per rule, ranked by the benefit expected there
 * (rankFixes, src/core/passes/rank.ts): the few that pay off most first with their estimate, then the
 * rest, then refusals with their reason. A rule applies if any of its sites at the node passes.
 */
export function fixesIn(sites: readonly SiteCheck[], model: Model, a: Analysis, name: string): FixEntry[] {
  const r = rankFixes(sites, a.cost.nodes, { node: name, totals: a.cost.totals, ctx: { model, shapes: a.shapes } });
  const entry = (f: RankedFix, top: boolean): FixEntry => ({
    ruleId: f.ruleId,
    title: f.title,
    ok: f.ok,
    ...(f.reason !== undefined ? { reason: f.reason } : {}),
    top,
    headline: f.ok ? f.headline : '',
    text: f.ok ? f.text : '',
  });
  return [...r.top.map((f) => entry(f, true)), ...r.more.map((f) => entry(f, false))];
}

/** The node named `name`: main graph first, then If/Loop/Scan bodies, then function bodies. */
export function findNode(model: Model, name: string): Node | undefined {
  return (
    model.graph.nodes.find((x) => x.displayName === name) ??
    [...model.graph.allNodes()].find((x) => x.displayName === name) ??
    model.functions.flatMap((f) => [...f.body.allNodes()]).find((x) => x.displayName === name)
  );
}

/** A tensor's name and type; a quantized one (TFLite int8/int16) also its scale and zero point. */
function tensorFacts(v: Value, a: Analysis): { name: string; type: string } {
  const q = v.quantization ? ` (${formatQuantization(v.quantization)})` : '';
  return { name: v.name, type: formatType(a.shapes.typeOf(v)) + q };
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
    inputs: n.inputs.flatMap((v) => (v ? [tensorFacts(v, a)] : [])),
    outputs: n.outputs.flatMap((v) => (v ? [tensorFacts(v, a)] : [])),
    ...figuresOf(recordOf(c)),
    fixes: fixesIn(sites, model, a, name),
  };
}

/** Every rule matching at the node named `name` of an open document (listFixes, node details). */
export function fixesAt(state: DocumentState, name: string): NodeDetailsResult['fixes'] {
  const a = state.analysis;
  const model = state.parse.model;
  if (!a || !model) return [];
  return fixesIn(state.sites(), model, a, name);
}

export function nodeDetails(state: DocumentState, name: string): NodeDetailsResult | null {
  const a = state.analysis;
  const model = state.parse.model;
  if (!a || !model) return null;
  if (!findNode(model, name)) return null;
  return describeNode(model, a, name, state.sites());
}
