// The facts shown for a node on hover and in the side panel: the same as the language server's
// hover (op, tensor types, MACs, FLOPs, params, bytes, intensity, measured latency, which rewrites
// apply there or why not), as DOM text.
import { NODE_FIGURES, formatFigure } from '../src/core/cost/figures';
import type { ViewNode } from '../src/protocol/view-model';
import type { Fix } from '../src/protocol/webview';
import { h } from './dom';
import { micros, percent } from './format';
import type { Aggregate, Latency } from './heat';
import type { Item } from './tree';
import { predictedLine } from './predicted';
import { sensitivityLine } from './sensitivity';

export function costLines(n: ViewNode, lat: Latency): HTMLElement[] {
  const rows: [string, string][] = NODE_FIGURES.map((f) => [f.title, formatFigure(f, n[f.key])]);
  const m = lat.get(n.name);
  if (m) rows.push(['measured', `${micros(m.medianUs)} · ${percent(m.share)} of the model · ${m.verdict}`]);
  const p = predictedLine(n.name);
  if (p) rows.push(p);
  const q = sensitivityLine(n.name);
  if (q) rows.push(q);
  if (n.runs !== 1) rows.push(['runs', n.runs === 0 ? 'not in the totals (uncounted branch or function body)' : `× ${n.runs} in the totals`]);
  const out: HTMLElement[] = [h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))];
  if (!n.known) out.push(h('p', { class: 'note' }, n.note ?? 'no cost function for this op: not costed'));
  else if (n.macs === null) out.push(h('p', { class: 'note' }, n.note ?? 'shapes not concrete: symbolic dims are unbound'));
  else if (n.note) out.push(h('p', { class: 'note' }, n.note));
  return out;
}

export function tensorList(n: ViewNode): HTMLElement {
  const li = (dir: string, t: { name: string; type: string; weight?: boolean }) => h('li', {}, h('span', { class: 'dir' }, dir), ' ', h('code', {}, t.name), ': ', h('code', {}, t.type), t.weight ? h('span', { class: 'tag' }, ' weight') : null);
  return h('ul', { class: 'tensors' }, ...n.inputs.map((t) => li('in', t)), ...n.outputs.map((t) => li('out', t)));
}

/**
 * The fixes at a node as the server ranks them: the few that pay off most, each with its estimate;
 * the rest on one "more" line (their headline, or ✗ and the reason for those that do not apply).
 */
export function fixList(fixes: Fix[]): HTMLElement {
  if (fixes.length === 0) return h('p', { class: 'note' }, 'No rewrite rule matches here.');
  const top = fixes.filter((f) => f.top);
  const more = fixes.filter((f) => !f.top);
  return h(
    'div',
    { class: 'fixes' },
    top.length
      ? h('ul', { class: 'fixes' }, ...top.map((f) => h('li', { class: 'ok' }, '✓ ', h('strong', {}, f.title), h('div', { class: 'estimate' }, f.text))))
      : h('p', { class: 'note' }, 'No fix here is expected to gain 0.5 % of the model or more.'),
    more.length ? h('p', { class: 'more' }, h('span', { class: 'note' }, 'more: '), more.map((f) => (f.ok ? `${f.title} (${f.headline})` : `✗ ${f.title}: ${f.reason ?? ''}`)).join(' · ')) : null,
  );
}

export function hoverCard(n: ViewNode, lat: Latency, fixes: Fix[] | null): HTMLElement {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: 'card-title' }, h('strong', {}, n.opType), ' ', h('code', {}, n.name)),
    tensorList(n),
    ...costLines(n, lat),
    fixes === null ? h('p', { class: 'note' }, 'checking rewrite rules…') : fixList(fixes),
  );
}

/** The hover card of a group, a section or a node that is not an operator: what it holds and its sums. */
export function groupCard(it: Item, opCount: number, sum: (m: 'macs' | 'flops' | 'params') => string, heat: { label: string; value: Aggregate | null } | null): HTMLElement {
  const title = it.kind === 'node' ? `${it.node!.kind} ${it.node!.name}: ${it.node!.opType}` : (it.group?.id ?? it.label);
  const lines: HTMLElement[] = [h('div', { class: 'card-title' }, h('code', {}, title))];
  if (it.kind !== 'node') lines.push(h('p', {}, `${opCount} nodes`), h('p', {}, (['macs', 'flops', 'params'] as const).map(sum).join(' · ')));
  if (heat?.value) lines.push(h('p', {}, `${heat.label}: ${heat.value.incomplete ? '≥' : ''}${heat.value.value.toPrecision(4)}`));
  return h('div', { class: 'card' }, ...lines);
}
