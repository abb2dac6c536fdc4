// Hover on a node: its op, shapes, MACs, FLOPs, params, bytes, intensity, and the rewrites that pay
// off most there with their expected gain (the rest, and why others do not apply, behind "more").
// Model strings are shown inside code spans, never as markup.
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { formatType } from '../core/ir/shape';
import { RULES, listSites, rankFixes } from '../core/passes';
import type { DocumentState } from './documents';
import { nodeAt, valueAt } from './documents';
import type { Position } from '../core/onnx/text/ranges';
import type { ProfileResult } from '../protocol/requests';
import { bytes, si } from '../core/units';

const code = (s: string): string => '`' + s.replace(/`/g, "'") + '`';


export function hover(state: DocumentState, p: Position, measured?: ProfileResult): Hover | null {
  const at = nodeAt(state, p);
  const a = state.analysis;
  if (!at || !a) {
    const v = valueAt(state, p);
    if (!v) return null;
    const t = a?.shapes.typeOf(v.value) ?? v.value.type;
    return { contents: { kind: 'markdown', value: `${code(v.value.name)}: ${code(formatType(t))}` }, range: v.range };
  }
  const n = at.node;
  const c = a.cost.nodes.find((x) => x.node === n);
  const lines = [`**${code(n.domain ? `${n.domain}.${n.opType}` : n.opType)}** ${code(n.displayName)}`, ''];
  for (const v of n.inputs) if (v) lines.push(`- in ${code(v.name)}: ${code(formatType(a.shapes.typeOf(v)))}`);
  for (const v of n.outputs) if (v) lines.push(`- out ${code(v.name)}: ${code(formatType(a.shapes.typeOf(v)))}`);
  if (c) {
    lines.push('', `MACs ${si(c.macs)} · FLOPs ${si(c.flops)} · params ${si(c.params)} · weights ${bytes(c.weightBytes)} · activations ${bytes(c.activationBytes)}` +
      (c.intensity !== null ? ` · intensity ${c.intensity.toFixed(2)} FLOP/B` : ''));
    if (!c.known) lines.push(`_${c.note ?? 'not costed'}_`);
    else if (c.macs === null) lines.push('_shapes not concrete: symbolic dims are unbound_');
  }
  const m = measured?.nodes.find((x) => x.name === n.displayName);
  if (m) {
    lines.push(`measured (${measured!.mode}): ${m.medianUs.toFixed(1)} µs, ${(100 * m.share).toFixed(1)} % of the model, ${m.verdict}`);
  }
  // Fixes ranked by expected benefit at this node: the few that pay off with their estimate, the rest behind "more".
  const ctx = { model: state.parse.model!, shapes: a.shapes };
  const fixes = rankFixes(listSites(RULES, ctx), a.cost.nodes, { node: n.displayName, totals: a.cost.totals, ctx });
  if (fixes.top.length || fixes.more.length) {
    lines.push('');
    for (const f of fixes.top) lines.push(`✓ **${f.title}**: ${f.text}`);
    if (!fixes.top.length) lines.push('_No fix here is expected to gain 0.5 % of the model or more._');
    if (fixes.more.length) lines.push(`_more:_ ${fixes.more.map((f) => (f.ok ? `${f.title} (${f.headline})` : `✗ ${f.title}: ${f.reason}`)).join(' · ')}`);
  }
  const contents: MarkupContent = { kind: 'markdown', value: lines.join('\n') };
  return { contents, range: at.range };
}
