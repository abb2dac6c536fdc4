// The layer table: every op node with its figures, sortable by any column, virtualised (only the
// rows in view are in the DOM) so 20,000 layers scroll smoothly. Clicking a row selects the node.
import { NODE_FIGURES, formatFigure } from '../src/core/cost/figures';
import type { ViewNode } from '../src/protocol/view-model';
import { h } from './dom';
import { micros, percent } from './format';
import type { Latency } from './heat';
import { predictedUs } from './predicted';
import { sensitivityOf, sensitivityText } from './sensitivity';

export interface Row {
  key: string;
  node: ViewNode;
}

interface Column {
  id: string;
  title: string;
  value: (r: Row, lat: Latency) => number | string | null;
  text: (r: Row, lat: Latency) => string;
  numeric: boolean;
}

export const COLUMNS: Column[] = [
  { id: 'name', title: 'Name', value: (r) => r.node.name, text: (r) => r.node.name, numeric: false },
  { id: 'op', title: 'Op', value: (r) => r.node.opType, text: (r) => r.node.opType, numeric: false },
  // One column per figure of the analysis's record (src/core/cost/figures.ts).
  ...NODE_FIGURES.map((f): Column => ({ id: f.id, title: f.title, value: (r) => r.node[f.key], text: (r) => formatFigure(f, r.node[f.key]), numeric: true })),
  { id: 'latency', title: 'Latency', value: (r, l) => l.get(r.node.name)?.medianUs ?? null, text: (r, l) => micros(l.get(r.node.name)?.medianUs), numeric: true },
  { id: 'share', title: 'Share', value: (r, l) => l.get(r.node.name)?.share ?? null, text: (r, l) => percent(l.get(r.node.name)?.share), numeric: true },
  { id: 'predicted', title: 'Predicted', value: (r) => predictedUs(r.node.name), text: (r) => micros(predictedUs(r.node.name)), numeric: true },
  { id: 'sensitivity', title: 'Sensitivity (1 − cos)', value: (r) => sensitivityOf(r.node.name), text: (r) => sensitivityText(sensitivityOf(r.node.name)), numeric: true },
];

/** Sorted copy; unknown values (null) always last, whatever the direction. */
export function sortRows(rows: Row[], col: Column, lat: Latency, descending: boolean): Row[] {
  const keyed = rows.map((r) => ({ r, v: col.value(r, lat) }));
  keyed.sort((a, b) => {
    if (a.v === null && b.v === null) return 0;
    if (a.v === null) return 1;
    if (b.v === null) return -1;
    const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
    return descending ? -c : c;
  });
  return keyed.map((k) => k.r);
}

const ROW_H = 22;

export class LayerTable {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly head: HTMLElement;
  private rows: Row[] = [];
  private sorted: Row[] = [];
  private sortBy = COLUMNS[2]!;
  private descending = true;
  private lat: Latency = new Map();
  onSelect: (key: string) => void = () => undefined;

  constructor() {
    this.head = h('div', { class: 'table-head', role: 'row' });
    this.spacer = h('div', { class: 'table-spacer' });
    this.body = h('div', { class: 'table-rows', role: 'rowgroup' });
    const scroller = h('div', { class: 'table-scroll', tabindex: 0 }, this.spacer, this.body);
    scroller.addEventListener('scroll', () => this.paint());
    this.element = h('div', { class: 'layer-table', role: 'table', 'aria-label': 'Layers' }, this.head, scroller);
    this.body.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('[data-key]');
      if (row) this.onSelect(row.dataset.key!);
    });
    new ResizeObserver(() => this.paint()).observe(scroller);
  }

  setRows(rows: Row[], lat: Latency): void {
    this.rows = rows;
    this.lat = lat;
    this.resort();
  }

  sort(colId: string): void {
    const col = COLUMNS.find((c) => c.id === colId)!;
    this.descending = this.sortBy === col ? !this.descending : col.numeric;
    this.sortBy = col;
    this.resort();
  }

  /** Keys in the current order (for tests and keyboard navigation). */
  order(): string[] {
    return this.sorted.map((r) => r.key);
  }

  private resort(): void {
    this.sorted = sortRows(this.rows, this.sortBy, this.lat, this.descending);
    this.head.replaceChildren(
      ...COLUMNS.map((c) => {
        const b = h('button', { class: `th${c.numeric ? ' num' : ''}`, 'data-col': c.id, role: 'columnheader', 'aria-sort': c === this.sortBy ? (this.descending ? 'descending' : 'ascending') : 'none' }, c.title, c === this.sortBy ? (this.descending ? ' ▼' : ' ▲') : '');
        b.addEventListener('click', () => this.sort(c.id));
        return b;
      }),
    );
    this.spacer.style.height = `${this.sorted.length * ROW_H}px`;
    this.paint();
  }

  private paint(): void {
    const scroller = this.body.parentElement!;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_H) - 5);
    const count = Math.ceil((scroller.clientHeight || 600) / ROW_H) + 10;
    const rows = this.sorted.slice(first, first + count);
    this.body.style.transform = `translateY(${first * ROW_H}px)`;
    this.body.replaceChildren(...rows.map((r) => h('div', { class: 'tr', role: 'row', 'data-key': r.key }, ...COLUMNS.map((c) => h('span', { class: `td${c.numeric ? ' num' : ''}`, role: 'cell' }, c.text(r, this.lat))))));
  }
}
