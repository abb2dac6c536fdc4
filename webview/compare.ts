// The compare view: two models side by side (typically before and after a fix): totals with their
// ratio, per-op-type counts and MACs, and the nodes found in only one of them.
import type { ViewModel } from '../src/protocol/view-model';
import type { CompareSide, CompareToWebview } from '../src/protocol/webview';
import { h } from './dom';
import { bytes, siu } from './format';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };

export interface OpRow {
  op: string;
  count: [number, number];
  macs: [number, number];
}

/** Per op type: node counts and MACs (× runs, as in the totals) on each side, from each analysis's byOp. */
export function byOpType(a: ViewModel | null, b: ViewModel | null): OpRow[] {
  const rows = new Map<string, OpRow>();
  [a, b].forEach((v, side) => {
    for (const o of v?.byOp ?? []) {
      const op = o.domain ? `${o.domain}.${o.opType}` : o.opType;
      const r = rows.get(op) ?? { op, count: [0, 0], macs: [0, 0] };
      r.count[side as 0 | 1] += o.count;
      r.macs[side as 0 | 1] += o.macs;
      rows.set(op, r);
    }
  });
  return [...rows.values()].sort((x, y) => Math.max(y.macs[0], y.macs[1]) - Math.max(x.macs[0], x.macs[1]) || x.op.localeCompare(y.op));
}

export function onlyIn(a: ViewModel | null, b: ViewModel | null): [string[], string[]] {
  const names = (v: ViewModel | null) => new Set((v?.nodes ?? []).filter((n) => n.kind === 'op').map((n) => n.name));
  const A = names(a);
  const B = names(b);
  return [[...A].filter((x) => !B.has(x)), [...B].filter((x) => !A.has(x))];
}

function ratio(a: number, b: number): HTMLElement {
  if (a === 0 && b === 0) return h('td', {}, '—');
  if (a === 0) return h('td', {}, 'new');
  const r = b / a;
  return h('td', { class: r < 0.999 ? 'better' : r > 1.001 ? 'worse' : '' }, `${r.toFixed(3)}×`);
}

function render(m: CompareToWebview): void {
  const { left: L, right: R } = m;
  const app = document.getElementById('app')!;
  const side = (s: CompareSide) => h('div', {}, h('h2', {}, s.fileName), h('p', { class: 'note' }, s.path), s.error ? h('p', { class: 'error' }, s.error) : null);
  const a = L.view === null ? null : (JSON.parse(L.view) as ViewModel);
  const b = R.view === null ? null : (JSON.parse(R.view) as ViewModel);
  const rows: [string, number | null, number | null, (x: number | null) => string][] = [
    ['nodes', a?.info.nodeCount ?? null, b?.info.nodeCount ?? null, (x) => String(x ?? '—')],
    ['MACs', a?.totals.macs ?? null, b?.totals.macs ?? null, (x) => siu(x, 'MACs')],
    ['FLOPs', a?.totals.flops ?? null, b?.totals.flops ?? null, (x) => siu(x, 'FLOPs')],
    ['params', a?.totals.params ?? null, b?.totals.params ?? null, (x) => siu(x, 'params')],
    ['weight bytes', a?.totals.weightBytes ?? null, b?.totals.weightBytes ?? null, bytes],
    ['activation bytes', a?.totals.activationBytes ?? null, b?.totals.activationBytes ?? null, bytes],
    ['latency (median, ms)', L.profile?.medianMs ?? null, R.profile?.medianMs ?? null, (x) => (x === null ? 'not profiled' : x.toFixed(3))],
  ];
  const totals = h(
    'table',
    { id: 'totals' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, L.fileName), h('th', {}, R.fileName), h('th', {}, 'right / left'))),
    h('tbody', {}, ...rows.map(([k, x, y, f]) => h('tr', {}, h('td', {}, k), h('td', {}, f(x)), h('td', {}, f(y)), x !== null && y !== null ? ratio(x, y) : h('td', {}, '—')))),
  );
  const ops = byOpType(a, b);
  const opTable = h(
    'table',
    { id: 'by-op' },
    h('thead', {}, h('tr', {}, h('th', {}, 'op type'), h('th', {}, 'count (left)'), h('th', {}, 'count (right)'), h('th', {}, 'MACs (left)'), h('th', {}, 'MACs (right)'))),
    h('tbody', {}, ...ops.map((r) => h('tr', {}, h('td', {}, r.op), h('td', {}, String(r.count[0])), h('td', {}, String(r.count[1])), h('td', {}, siu(r.macs[0], 'MACs')), h('td', {}, siu(r.macs[1], 'MACs'))))),
  );
  const [onlyL, onlyR] = onlyIn(a, b);
  const list = (names: string[]) => h('ul', {}, ...names.slice(0, 200).map((n) => h('li', {}, h('code', {}, n))), names.length > 200 ? h('li', { class: 'note' }, `… and ${names.length - 200} more`) : null);
  app.replaceChildren(
    h(
      'div',
      { class: 'compare' },
      h('div', { class: 'sides' }, side(L), side(R)),
      h('h3', {}, 'Totals'),
      totals,
      h('h3', {}, 'By op type'),
      opTable,
      h('div', { class: 'sides' }, h('div', {}, h('h3', {}, `Only in ${L.fileName} (${onlyL.length})`), list(onlyL)), h('div', {}, h('h3', {}, `Only in ${R.fileName} (${onlyR.length})`), list(onlyR))),
    ),
  );
  document.body.dataset.ready = 'true';
}

if (typeof acquireVsCodeApi === 'function') {
  const vscode = acquireVsCodeApi();
  window.addEventListener('message', (e: MessageEvent<CompareToWebview>) => e.data.type === 'compare' && render(e.data));
  vscode.postMessage({ type: 'ready' });
}
