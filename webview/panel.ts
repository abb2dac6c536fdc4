// The side panel: the selected node's details (attributes, tensors, weights' statistics, metrics,
// rewrite rules with a Preview button each), the slowest layers after a profile, and the
// verification figures of a previewed fix with the choice of where to write it.
import type { ViewModel, ViewNode } from '../src/protocol/view-model';
import type { NodeDetailsResult, ProfileResult, WeightStats } from '../src/protocol/requests';
import type { Fix, ToWebview } from '../src/protocol/webview';
import { h } from './dom';
import { costLines, tensorList } from './facts';
import { bytes, micros, percent, si, siu, total } from './format';
import type { Latency } from './heat';
import { predictedResult, predictedUs, targetLabel } from './predicted';

export interface PanelActions {
  preview(ruleId: string, title: string, node: string): void;
  commit(write: 'new-file' | 'in-place'): void;
  discard(): void;
  reveal(node: string): void;
  select(name: string): void;
}

function section(title: string, ...body: (HTMLElement | null)[]): HTMLElement {
  return h('section', { class: 'panel-section' }, h('h3', {}, title), ...body);
}

function button(label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLElement {
  const b = h('vscode-button', { ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

const num = (x: number | null, digits = 4) => (x === null ? '—' : Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(digits));

function weightTable(ws: WeightStats[]): HTMLElement {
  return h(
    'table',
    { class: 'weights' },
    h('thead', {}, h('tr', {}, ...['tensor', 'dtype', 'shape', 'min', 'max', 'mean', 'std', 'zeros'].map((t) => h('th', {}, t)))),
    h(
      'tbody',
      {},
      ...ws.map((w) =>
        h(
          'tr',
          {},
          h('td', {}, h('code', {}, w.name)),
          h('td', {}, w.dtype),
          h('td', {}, `[${w.dims.join(',')}]`),
          ...(w.error || w.note ? [h('td', { colspan: 5, class: 'note' }, w.error ?? w.note ?? '')] : [h('td', {}, num(w.min)), h('td', {}, num(w.max)), h('td', {}, num(w.mean)), h('td', {}, num(w.std)), h('td', {}, percent(w.zeroFraction))]),
        ),
      ),
    ),
  );
}

/** Ranked fixes: the top ones with their estimate, the rest inside a collapsed "more" (docs/optimizations.md). */
function fixItems(fixes: Fix[], node: string, act: PanelActions): HTMLElement {
  if (fixes.length === 0) return h('p', { class: 'note' }, 'No rewrite rule matches here.');
  const item = (f: Fix): HTMLElement => {
    const li = h('li', { class: f.ok ? 'ok' : 'refused' }, f.ok ? '✓ ' : '✗ ', f.top ? h('strong', {}, f.title) : f.title);
    if (f.ok) {
      li.append(' ', button('Preview', () => act.preview(f.ruleId, f.title, node), { 'data-rule': f.ruleId, secondary: '' }));
      li.append(h('div', { class: 'estimate' }, f.top ? f.text : f.headline));
    } else li.append(h('div', { class: 'reason' }, f.reason ?? ''));
    return li;
  };
  const top = fixes.filter((f) => f.top);
  const more = fixes.filter((f) => !f.top);
  return h(
    'div',
    {},
    top.length ? h('ul', { class: 'fixes' }, ...top.map(item)) : h('p', { class: 'note' }, 'No fix here is expected to gain 0.5 % of the model or more.'),
    more.length ? h('details', { class: 'more-fixes' }, h('summary', {}, `more (${more.length})`), h('ul', { class: 'fixes' }, ...more.map(item))) : null,
  );
}

export function nodePanel(n: ViewNode, d: NodeDetailsResult | null, lat: Latency, act: PanelActions): HTMLElement {
  const head = h('div', { class: 'panel-title' }, h('strong', {}, n.opType), ' ', h('code', { class: 'node-name' }, n.name));
  const reveal = button('Reveal in Text View', () => act.reveal(n.name), { secondary: '' });
  const parts: HTMLElement[] = [head, h('div', { class: 'panel-actions' }, reveal), section('Tensors', tensorList(n)), section('Cost', ...costLines(n, lat))];
  if (!d) parts.push(h('p', { class: 'note' }, 'loading details…'));
  else {
    if (d.attributes.length) parts.push(section('Attributes', h('dl', { class: 'attrs' }, ...d.attributes.flatMap((a) => [h('dt', {}, a.name), h('dd', {}, h('code', {}, a.value))]))));
    if (d.weights?.length) parts.push(section('Weights', weightTable(d.weights)));
    parts.push(section('Rewrites', fixItems(d.fixes, n.name, act)));
  }
  return h('div', { class: 'panel-node' }, ...parts);
}

export function slowestPanel(p: ProfileResult, act: PanelActions, count = 12): HTMLElement {
  const rows = [...p.nodes].sort((a, b) => b.medianUs - a.medianUs).slice(0, count);
  return section(
    `Slowest layers (${p.mode}, median ${p.medianMs.toFixed(3)} ms, coverage ${percent(p.coverage)}${predictedResult() ? `; predicted ${predictedResult()!.predictedMs.toFixed(3)} ms ${targetLabel()}` : ''})`,
    h(
      'ol',
      { class: 'slowest' },
      ...rows.map((r) => {
        const a = h('a', { href: '#', 'data-node': r.name }, r.name);
        a.addEventListener('click', (e) => {
          e.preventDefault();
          act.select(r.name);
        });
        const predicted = predictedUs(r.name);
        return h('li', {}, a, ' ', h('span', { class: 'op' }, r.opType), ' ', h('span', { class: 'figure' }, `${micros(r.medianUs)} · ${percent(r.share)}${predicted === null ? '' : ` · predicted ${micros(predicted)}`}`));
      }),
    ),
  );
}

type FixState = Extract<ToWebview, { type: 'fixState' }>;

export function fixPanel(st: FixState, act: PanelActions): HTMLElement {
  const title = `Fix: ${st.preview?.title ?? st.ruleId}${st.node ? ` at ${st.node}` : ''}`;
  if (st.state === 'verifying') return section(title, h('p', {}, h('vscode-progress-ring', {}), ' verifying in ONNX Runtime…'));
  if (st.state === 'applied') return section(title, h('p', { class: 'ok' }, `written: ${st.written ?? ''}`));
  if (st.state === 'discarded') return section(title, h('p', { class: 'note' }, 'discarded; nothing was written'));
  const r = st.preview?.result;
  const figures: HTMLElement[] = [];
  if (r?.before && r.after) {
    const row = (k: string, a: string, b: string) => h('tr', {}, h('th', {}, k), h('td', {}, a), h('td', {}, '→'), h('td', {}, b));
    figures.push(
      h(
        'table',
        { class: 'verify' },
        h('tbody', {}, row('size', bytes(r.before.fileBytes), bytes(r.after.fileBytes)), row('MACs', siu(r.before.macs, 'MACs'), siu(r.after.macs, 'MACs')), row('params', si(r.before.params), si(r.after.params)), row('latency', `${r.before.medianMs.toFixed(3)} ms`, `${r.after.medianMs.toFixed(3)} ms`), ...(r.before.predictedMs !== undefined && r.after.predictedMs !== undefined && r.predictedOn ? [row(`predicted on ${r.predictedOn.name}${r.predictedOn.kind === 'estimate' ? ' (estimate)' : ''}`, `${r.before.predictedMs.toFixed(3)} ms`, `${r.after.predictedMs.toFixed(3)} ms`)] : [])),
      ),
    );
  }
  for (const o of r?.outputs ?? []) {
    figures.push(h('p', { class: 'error-figure' }, `output ${o.name}: max abs error ${o.maxAbsError === null ? '∞' : o.maxAbsError.toExponential(2)}, cosine ${o.cosine.toFixed(6)}${o.top1 !== null ? `, top-1 ${percent(o.top1)}` : ''}${o.problem ? ` (${o.problem})` : ''}`));
  }
  if (st.state === 'failed') return section(title, h('p', { class: 'error' }, st.message ?? 'verification failed'), ...figures, h('p', { class: 'note' }, 'Nothing was written.'));
  return section(
    title,
    h('p', { class: 'ok' }, `verified in ONNX Runtime (${r?.applied ?? 0} place${r?.applied === 1 ? '' : 's'})`),
    ...figures,
    h('div', { class: 'panel-actions' }, button('Write New File', () => act.commit('new-file'), { id: 'commit-new' }), button('Replace (keep .bak)', () => act.commit('in-place'), { id: 'commit-in-place', secondary: '' }), button('Discard', () => act.discard(), { id: 'discard', secondary: '' })),
  );
}

/** With nothing selected: the model's facts and totals (`≥` where a node's figure is unknown). */
export function modelPanel(v: ViewModel): HTMLElement[] {
  const lb = v.totalsIncomplete;
  const facts: [string, string][] = [
    ['nodes', String(v.info.nodeCount)],
    ['MACs', total(v.totals.macs, 'MACs', lb)],
    ['FLOPs', total(v.totals.flops, 'FLOPs', lb)],
    ['params', siu(v.totals.params, '')],
    ['producer', v.info.producer || '—'],
    ['IR version', String(v.info.irVersion)],
    ['opsets', Object.entries(v.info.opsets).map(([d, n]) => `${d} ${n}`).join(', ')],
  ];
  return [
    section('Model', h('dl', { class: 'facts' }, ...facts.flatMap(([k, x]) => [h('dt', {}, k), h('dd', {}, x)]))),
    h('p', { class: 'note' }, 'Click a node for its details; right-click for the rewrites that apply there.'),
  ];
}
