// Hover on a node: its op, shapes, MACs, FLOPs, params, bytes, intensity, and the rewrites that pay
// off most there with their expected gain (the rest, and why others do not apply, behind "more"); on
// a constant the text does not write out (a Constant node, a weight), what it holds. Model strings
// are shown inside code spans, never as markup.
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { formatType } from '../../core/ir/shape';
import { rankFixes } from '../../core/passes';
import type { DocumentState } from './document-state';
import { nodeAt, valueAt } from './document-state';
import type { Position } from '../../core/onnx/text/ranges';
import type { Tensor } from '../../core/ir/tensor';
import type { ProfileResult, WeightStats } from '../../protocol/requests';
import { constantLines, type ValuesLink } from './constant-preview';
import { NODE_FIGURES, formatFigure } from '../../core/cost/figures';

const code = (s: string): string => '`' + s.replace(/`/g, "'") + '`';

export interface HoverOptions {
  /** The model's latest profile: measured latency per node. */
  measured?: ProfileResult;
  /** Statistics of a constant tensor, where the thread holds the model's data. */
  stats?: (t: Tensor) => WeightStats;
  /** A command link that shows a constant's whole value. */
  valuesLink?: ValuesLink;
}

export function hover(state: DocumentState, p: Position, opts: HoverOptions = {}): Hover | null {
  const { measured } = opts;
  const at = nodeAt(state, p);
  const a = state.analysis;
  const v = valueAt(state, p);
  if (!at || !a || (v && v.value.constant && v.value.producer !== at.node)) {
    if (!v) return null;
    const t = a?.shapes.typeOf(v.value) ?? v.value.type;
    const constant = v.value.constant ? constantLines(v.value.constant, v.value.name, opts.stats, opts.valuesLink) : [];
    return { contents: { kind: 'markdown', value: [`${code(v.value.name)}: ${code(formatType(t))}`, ...constant].join('\n\n') }, range: v.range };
  }
  const n = at.node;
  const c = a.cost.nodes.find((x) => x.node === n);
  const lines = [`**${code(n.domain ? `${n.domain}.${n.opType}` : n.opType)}** ${code(n.displayName)}`, ''];
  for (const v of n.inputs) if (v) lines.push(`- in ${code(v.name)}: ${code(formatType(a.shapes.typeOf(v)))}`);
  for (const v of n.outputs) if (v) lines.push(`- out ${code(v.name)}: ${code(formatType(a.shapes.typeOf(v)))}`);
  if (c) {
    // Every figure of the node's record (src/core/cost/figures.ts), each with its unit.
    lines.push('', NODE_FIGURES.map((f) => `${f.title} ${formatFigure(f, c[f.key])}`).join(' · '));
    if (!c.known) lines.push(`_${c.note ?? 'not costed'}_`);
    else if (c.macs === null) lines.push('_shapes not concrete: symbolic dims are unbound_');
  }
  if (n.constantTensor && n.outputs[0]) lines.push('', ...constantLines(n.constantTensor, n.outputs[0].name, opts.stats, opts.valuesLink));
  const m = measured?.nodes.find((x) => x.name === n.displayName);
  if (m) {
    lines.push(`measured (${measured!.mode}): ${m.medianUs.toFixed(1)} µs, ${(100 * m.share).toFixed(1)} % of the model, ${m.verdict}`);
  }
  // Fixes ranked by expected benefit at this node: the few that pay off with their estimate, the rest behind "more".
  const ctx = { model: state.parse.model!, shapes: a.shapes };
  const fixes = rankFixes(state.sites(), a.cost.nodes, { node: n.displayName, totals: a.cost.totals, ctx });
  if (fixes.top.length || fixes.more.length) {
    lines.push('');
    for (const f of fixes.top) lines.push(`✓ **${f.title}**: ${f.text}`);
    if (!fixes.top.length) lines.push('_No fix here is expected to gain 0.5 % of the model or more._');
    if (fixes.more.length) lines.push(`_more:_ ${fixes.more.map((f) => (f.ok ? `${f.title} (${f.headline})` : `✗ ${f.title}: ${f.reason}`)).join(' · ')}`);
  }
  const contents: MarkupContent = { kind: 'markdown', value: lines.join('\n') };
  return { contents, range: at.range };
}
