// Draws a laid-out scene as SVG: open containers as framed regions with a header, closed ones as
// boxes with their sums, op nodes coloured by the heat map, graph inputs/outputs as pills, edges
// with arrowheads and their tensor shapes. Every model string is set as text content.
import type { ColorMetric } from '../src/protocol/webview';
import { s } from './dom';
import { metricText } from './format';
import { colourAt, inkOn, type Heat } from './heat';
import { HEADER, HEADER_CHAR, WEIGHT_LINE, weightLines, type Box, type Scene } from './layout';
import type { GraphTree } from './tree';

export interface RenderState {
  tree: GraphTree;
  heat: Heat | null;
  metric: ColorMetric;
  selected: string | null;
  highlighted: ReadonlySet<string>;
  isContainer: (key: string) => boolean;
  /** Op nodes show their weight inputs with shapes. */
  weights: boolean;
}

/** A header's title: the name is shortened so its figures (`· 4 nodes · 59.01 MMACs`) stay whole. */
function headerText(name: string, figures: string, width: number): string {
  const room = width - figures.length * HEADER_CHAR;
  if (room < 4 * HEADER_CHAR) return fit(name + figures, width, HEADER_CHAR);
  return fit(name, room, HEADER_CHAR) + figures;
}

const fit = (text: string, width: number, char = 6.6): string => {
  const max = Math.max(3, Math.floor(width / char));
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
};

function pathOf(points: { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const p0 = points[0]!;
  let d = `M${p0.x.toFixed(1)},${p0.y.toFixed(1)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const q = points[i + 1]!;
    d += ` Q${p.x.toFixed(1)},${p.y.toFixed(1)} ${((p.x + q.x) / 2).toFixed(1)},${((p.y + q.y) / 2).toFixed(1)}`;
  }
  const last = points[points.length - 1]!;
  d += ` L${last.x.toFixed(1)},${last.y.toFixed(1)}`;
  return d;
}

/** Heat colours go through the CSSOM (the theme's CSS would win over a presentation attribute). */
function paint<T extends SVGElement>(el: T, fill: string | undefined): T {
  if (fill) el.style.fill = fill;
  return el;
}

function paintText(fill: string | undefined, attrs: Record<string, string | number>, ...children: string[]): SVGTextElement {
  return paint(s('text', attrs, ...children), fill);
}

export function defs(): SVGDefsElement {
  return s(
    'defs',
    {},
    s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' })),
    s('pattern', { id: 'unknown', width: '6', height: '6', patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, s('rect', { width: '6', height: '6', class: 'unknown-bg' }), s('line', { x1: '0', y1: '0', x2: '0', y2: '6', class: 'unknown-line' })),
  );
}

function heatOf(st: RenderState, key: string): { fill?: string; ink?: string; text: string; unknown: boolean } {
  const a = st.heat?.value(key);
  if (!st.heat || !a) return { text: '', unknown: false };
  const isNode = st.tree.item(key).kind === 'node';
  if (isNode && a.incomplete) return { text: '?', unknown: true };
  const t = st.heat.position(a.value);
  return { fill: colourAt(t), ink: inkOn(t), text: metricText(st.metric, a.value, a.incomplete), unknown: false };
}

/** The full, untruncated description of a box (drawn text is cut to fit). */
function describe(st: RenderState, b: Box): string {
  const it = b.item;
  if (it.kind === 'node' && it.node) return `${it.node.opType} ${it.node.name}`;
  const ht = heatOf(st, b.key);
  return `${it.label} · ${st.tree.opCount(b.key)} nodes${ht.text ? ` · ${ht.text}` : ''}`;
}

function box(st: RenderState, b: Box): SVGGElement {
  const it = b.item;
  const cls = ['box', `kind-${it.kind}`];
  if (b.open) cls.push('open');
  if (st.selected === b.key) cls.push('selected');
  if (st.highlighted.has(b.key)) cls.push('highlight');
  const g = s('g', { class: cls.join(' '), 'data-key': b.key, transform: `translate(${b.x.toFixed(1)},${b.y.toFixed(1)})`, 'aria-label': describe(st, b) });
  const w = b.width;
  const h = b.height;
  if (b.open) {
    g.append(s('rect', { class: 'frame', width: w, height: h, rx: 6 }));
    return g;
  }
  if (it.kind === 'node' && it.node) {
    const n = it.node;
    const ht = heatOf(st, b.key);
    if (n.kind !== 'op') {
      g.append(s('rect', { class: `io io-${n.kind}`, width: w, height: h, rx: h / 2 }), s('text', { class: 'io-label', x: w / 2, y: h / 2 + 4, 'text-anchor': 'middle' }, fit(n.name, w - 16)));
      return g;
    }
    const short = n.name.slice(n.name.lastIndexOf('/') + 1);
    const expandable = st.isContainer(b.key);
    g.append(
      paint(s('rect', { class: `node${ht.unknown ? ' unknown' : ''}`, width: w, height: h, rx: 4 }), ht.fill),
      paintText(ht.ink, { class: 'op', x: 8, y: 16 }, fit(n.opType, w - (expandable ? 30 : 16), 7.4)),
      paintText(ht.ink, { class: 'name', x: 8, y: 33 }, fit(short || n.name, w - 16)),
    );
    if (expandable) g.append(paintText(ht.ink, { class: 'toggle', x: w - 16, y: 16 }, '+'));
    if (st.weights) weightLines(it).forEach((l, i) => g.append(paintText(ht.ink, { class: 'weight', x: 8, y: 50 + i * WEIGHT_LINE }, fit(l, w - 16, 6.2))));
    if (ht.text && ht.text !== '?') g.append(s('title', {}, ht.text));
    return g;
  }
  const ht = heatOf(st, b.key);
  const count = st.tree.opCount(b.key);
  g.append(
    paint(s('rect', { class: 'group', width: w, height: h, rx: 6 }), ht.fill),
    s('rect', { class: 'group-stack', x: 4, y: h - 3, width: w - 8, height: 3, rx: 1 }),
    paintText(ht.ink, { class: 'toggle', x: 10, y: 20 }, '+'),
    paintText(ht.ink, { class: 'title', x: 24, y: 20 }, fit(it.label, w - 34, 7)),
    paintText(ht.ink, { class: 'sub', x: 10, y: 40 }, fit(`${count} nodes${ht.text ? ` · ${ht.text}` : ''}`, w - 20)),
  );
  return g;
}

/**
 * The header of an open container, drawn above the edges on an opaque ground: edges pass under it
 * and enter the container below it. It names the container in data-header (a click on it toggles it).
 */
function header(st: RenderState, b: Box): SVGGElement {
  const it = b.item;
  const w = b.width;
  const count = st.tree.opCount(b.key);
  const ht = it.kind === 'node' ? null : heatOf(st, b.key);
  const title = it.kind === 'node' ? `${it.node!.opType} ${it.node!.name}` : it.label;
  return s(
    'g',
    { class: 'box-header', 'data-header': b.key, transform: `translate(${b.x.toFixed(1)},${b.y.toFixed(1)})` },
    s('rect', { class: 'header-ground', width: w, height: HEADER, rx: 6 }),
    paint(s('rect', { class: 'header', width: w, height: HEADER, rx: 6 }), ht?.fill),
    s('text', { class: 'toggle', x: 8, y: 17 }, it.kind === 'body' ? '' : '−'),
    paintText(ht?.ink, { class: 'title', x: it.kind === 'body' ? 8 : 22, y: 17 }, headerText(title, `${it.kind === 'node' ? '' : ` · ${count} nodes`}${ht?.text ? ` · ${ht.text}` : ''}`, w - 30)),
  );
}

/** Replaces the content of `layer` with the scene; returns the element of each box by key. */
export function renderScene(layer: SVGGElement, scene: Scene, st: RenderState): Map<string, SVGGElement> {
  const frag = document.createDocumentFragment();
  const byKey = new Map<string, SVGGElement>();
  // Containers first (behind), then edges, then the containers' headers, closed boxes and nodes on top.
  for (const b of scene.boxes) {
    if (!b.open || b.item.kind === 'root') continue;
    const g = box(st, b);
    byKey.set(b.key, g);
    frag.append(g);
  }
  const edges = s('g', { class: 'edges' });
  for (const e of scene.edges) {
    const sel = st.selected === e.fromKey || st.selected === e.toKey;
    edges.append(s('path', { class: `edge${sel ? ' selected' : ''}`, d: pathOf(e.points), 'marker-end': 'url(#arrow)' }));
  }
  for (const l of scene.labels) edges.append(s('text', { class: 'edge-label', x: l.x.toFixed(1), y: (l.y + 4).toFixed(1), 'text-anchor': 'middle' }, l.text));
  frag.append(edges);
  for (const b of scene.boxes) if (b.open && b.item.kind !== 'root') frag.append(header(st, b));
  for (const b of scene.boxes) {
    if (b.open) continue;
    const g = box(st, b);
    byKey.set(b.key, g);
    frag.append(g);
  }
  layer.replaceChildren(frag);
  return byKey;
}
