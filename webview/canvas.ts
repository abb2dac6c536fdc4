// The drawn graph of one model: its SVG in a pane with the legend and the minimap, the scene the
// layout worker computed for the containers that are open, the heat colours, the selection and the
// highlighted items, and the moves of the view (fit, first view, keep a toggled item in place,
// reveal an item inside closed containers).
import type { ViewModel } from '../src/protocol/view-model';
import type { ColorMetric } from '../src/protocol/webview';
import { h, s } from './dom';
import { metricText } from './format';
import { Heat, type Latency } from './heat';
import type { LayoutEngine, Scene } from './layout';
import { drawLegend } from './legend';
import { Minimap } from './minimap';
import { defs, renderScene } from './render';
import type { GraphTree } from './tree';
import { Viewport } from './viewport';

export interface CanvasModel {
  view: ViewModel;
  tree: GraphTree;
  engine: LayoutEngine;
}

export class GraphCanvas {
  readonly layer = s('g', { id: 'scene' });
  readonly svg: SVGSVGElement;
  readonly viewport: Viewport;
  readonly minimap: Minimap;
  readonly legend = h('div', { class: 'legend', 'aria-label': 'Heat map legend' });
  /** The pane: the SVG, the legend, the minimap and what the app adds (hover cards, menus). */
  readonly pane: HTMLElement;
  scene: Scene | null = null;
  heat: Heat | null = null;
  metric: ColorMetric = 'macs';
  lat: Latency = new Map();
  selected: string | null = null;
  highlighted = new Set<string>();
  /** The user moved the view since the model was shown (the first view then stops following the pane's size). */
  viewMoved = false;
  /** The queue of layouts (scenes never interleave); an image waits for it. */
  relayoutChain: Promise<void> = Promise.resolve();
  private boxEls = new Map<string, SVGGElement>();
  /** Sums of MACs, FLOPs and params over containers, for their hover cards (rebuilt with each drawing). */
  private readonly sums = new Map<'macs' | 'flops' | 'params', Heat>();

  constructor(
    fileName: string,
    private readonly model: CanvasModel,
    private readonly onError: (message: string) => void,
    private readonly onDrawn: (scene: Scene) => void,
  ) {
    this.svg = s('svg', { class: 'graph', tabindex: 0, role: 'img', 'aria-label': `Graph of ${fileName}. Arrow keys move or follow edges, Enter expands, plus and minus zoom, F fits.` }, defs(), this.layer);
    this.viewport = new Viewport(this.svg, this.layer);
    this.minimap = new Minimap(this.viewport);
    this.viewport.onChange = () => this.minimap.draw();
    this.pane = h('div', { class: 'graph-pane' }, this.svg, this.legend, this.minimap.canvas);
    new ResizeObserver(() => {
      // Until the user pans or zooms, the first view follows the pane's size (e.g. a text view opened beside).
      if (!this.viewMoved) this.initialView();
      this.minimap.draw();
    }).observe(this.pane);
  }

  /** Lays out and redraws; calls are queued so scenes never interleave. */
  relayout(): Promise<void> {
    this.relayoutChain = this.relayoutChain.then(async () => {
      try {
        this.scene = await this.model.engine.scene();
      } catch (e) {
        this.onError((e as Error).message);
        return;
      }
      this.redraw();
    });
    return this.relayoutChain;
  }

  redraw(): void {
    if (!this.scene) return;
    this.heat = this.metric === 'none' ? null : new Heat(this.model.tree, this.metric, this.lat);
    this.sums.clear();
    this.boxEls = renderScene(this.layer, this.scene, {
      tree: this.model.tree,
      heat: this.heat,
      metric: this.metric,
      selected: this.selected,
      highlighted: this.highlighted,
      isContainer: (k) => this.model.engine.isContainer(k),
    });
    this.minimap.setScene(this.scene);
    drawLegend(this.legend, this.heat, this.metric);
    this.onDrawn(this.scene);
  }

  /** A container's sum of a static figure (heat.ts sums it, as for the colours; `≥` when some node inside is unknown). */
  sumText(key: string, metric: 'macs' | 'flops' | 'params'): string {
    let heat = this.sums.get(metric);
    if (!heat) this.sums.set(metric, (heat = new Heat(this.model.tree, metric, this.lat)));
    const a = heat.value(key);
    return a ? metricText(metric, a.value, a.incomplete) : '?';
  }

  /** The whole graph when it fits readably; else the start of the graph (its inputs) at a readable zoom. */
  initialView(): void {
    if (!this.scene) return;
    const { width, height } = this.viewport.size();
    const k = Math.min((width - 48) / Math.max(this.scene.width, 1), (height - 48) / Math.max(this.scene.height, 1));
    if (k >= 0.55) return this.fitAll();
    const first = this.scene.boxes.find((b) => b.item.kind === 'node') ?? this.scene.boxes[0]!;
    this.viewport.k = 0.9;
    this.viewport.x = width / 2 - (first.x + first.width / 2) * 0.9;
    this.viewport.y = 24 - first.y * 0.9;
    this.viewport.applyNow();
  }

  fitAll(): void {
    if (this.scene) this.viewport.fit(0, 0, this.scene.width, this.scene.height);
  }

  /** Opens or closes a container, keeping it where it was on screen. */
  async toggle(key: string): Promise<void> {
    const e = this.model.engine;
    if (e.expanded.has(key)) e.expanded.delete(key);
    else e.expanded.add(key);
    const before = this.scene?.boxes.find((b) => b.key === key);
    await this.relayout();
    const after = this.scene?.boxes.find((b) => b.key === key);
    if (before && after) this.viewport.panBy((before.x - after.x) * this.viewport.k, (before.y - after.y) * this.viewport.k);
  }

  /** Opens the containers that hide `key`, then centres it. */
  async reveal(key: string): Promise<void> {
    const e = this.model.engine;
    let changed = false;
    for (const c of this.model.tree.pathTo(key)) {
      const it = this.model.tree.item(c);
      if (it.kind !== 'root' && it.kind !== 'body' && !e.expanded.has(c)) {
        e.expanded.add(c);
        changed = true;
      }
    }
    if (changed) await this.relayout();
    this.centreOn(key);
  }

  /** Centres `key`: a move the user asked for, which the first view no longer overrides (e.g. when the
   * pane comes back from the layer table, whose row click revealed the layer). */
  centreOn(key: string): void {
    const b = this.scene?.boxes.find((x) => x.key === key);
    if (!b) return;
    this.viewMoved = true;
    this.viewport.centerOn(b.x + b.width / 2, b.y + b.height / 2);
  }

  /** Marks `key` (or nothing) as selected, with the edges that touch it. */
  markSelected(key: string | null): void {
    if (this.selected) this.boxEls.get(this.selected)?.classList.remove('selected');
    this.selected = key;
    if (key) this.boxEls.get(key)?.classList.add('selected');
    if (!this.scene) return;
    const paths = this.layer.querySelectorAll('.edges path');
    this.scene.edges.forEach((e, i) => paths[i]?.classList.toggle('selected', key !== null && (e.fromKey === key || e.toKey === key)));
  }
}
