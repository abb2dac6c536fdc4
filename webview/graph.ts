// The graph view's webview: receives the view model from the extension, lays it out lazily (a
// worker lays out each expanded container), draws it as SVG with a heat map, and offers hover cards,
// a side panel, search, a layer table, profiling and verified fixes. Model strings are only ever
// text content.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ViewModel } from '../src/protocol/view-model';
import type { NodeDetailsResult, ProfileResult } from '../src/protocol/requests';
import { COLOR_METRICS, type ColorMetric, type Fix, type FromWebview, type ToWebview } from '../src/protocol/webview';
import { clear, h, icon, s } from './dom';
import { hoverCard } from './facts';
import { metricText, siu, total } from './format';
import { colourAt, Heat, latencyOf, METRIC_LABELS, type Latency } from './heat';
import { setPredicted } from './predicted';
import { sceneSvg, svgToPng } from './image-export';
import { LayoutEngine, type Scene } from './layout';
import { startLayoutWorker } from './layout-client';
import { Minimap } from './minimap';
import { fixPanel, nodePanel, slowestPanel, type PanelActions } from './panel';
import { defs, renderScene } from './render';
import { searchNodes } from './search';
import { LayerTable } from './table';
import { GraphTree } from './tree';
import { Viewport } from './viewport';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const post = (m: FromWebview) => vscode.postMessage(m);

interface Loaded {
  fileName: string;
  view: ViewModel;
  tree: GraphTree;
  engine: LayoutEngine;
}

class GraphApp {
  private readonly app = document.getElementById('app')!;
  private model: Loaded | null = null;
  private metric: ColorMetric = 'macs';
  private profile: ProfileResult | null = null;
  private lat: Latency = new Map();
  /** Sums of MACs, FLOPs and params over containers, for their hover cards (rebuilt with the model). */
  private readonly sums = new Map<'macs' | 'flops' | 'params', Heat>();
  private heat: Heat | null = null;
  private scene: Scene | null = null;
  private boxEls = new Map<string, SVGGElement>();
  private selected: string | null = null;
  private highlighted = new Set<string>();
  private readonly fixCache = new Map<string, Fix[]>();
  private readonly pending = new Map<number, (m: ToWebview) => void>();
  private nextRequest = 1;
  private readonly runLayout = startLayoutWorker(document.body.dataset.layoutWorker ?? 'layout-worker.js');
  private relayoutChain: Promise<void> = Promise.resolve();
  private matches: string[] = [];
  private matchIndex = -1;
  private fixState: Extract<ToWebview, { type: 'fixState' }> | null = null;
  private selectedDetails: NodeDetailsResult | null = null;
  /** The latest model message's rendering (an image request waits for it). */
  private modelShown: Promise<void> = Promise.resolve();
  /** The user moved the view since the model was shown. */
  private viewMoved = false;

  // DOM, built once the model arrives.
  private svg!: SVGSVGElement;
  private layer!: SVGGElement;
  private viewport!: Viewport;
  private minimap!: Minimap;
  private tooltip!: HTMLElement;
  private panel!: HTMLElement;
  private legend!: HTMLElement;
  private table!: LayerTable;
  private graphPane!: HTMLElement;
  private tablePane!: HTMLElement;
  private profileControls!: HTMLElement;
  private status!: HTMLElement;
  private menu: HTMLElement | null = null;

  /** Milliseconds from the model message to the first painted scene (read by the benchmark). */
  firstPaintMs: number | null = null;

  constructor() {
    window.addEventListener('message', (e: MessageEvent<ToWebview>) => void this.onMessage(e.data));
    window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: String(e.message) }));
    window.addEventListener('unhandledrejection', (e) => post({ type: 'log', level: 'error', message: String((e.reason as Error)?.message ?? e.reason) }));
    this.showLoading('', 'starting');
    post({ type: 'ready' });
  }

  private request<T extends ToWebview>(m: FromWebview & { requestId: number }): Promise<T> {
    return new Promise((resolve) => {
      this.pending.set(m.requestId, resolve as (m: ToWebview) => void);
      post(m);
    });
  }

  private async onMessage(m: ToWebview): Promise<void> {
    switch (m.type) {
      case 'loading':
        if (!this.model) this.showLoading(m.fileName, m.stage);
        return;
      case 'error':
        return this.showError(m.fileName, m.name, m.message, m.hint);
      case 'model':
        this.modelShown = this.showModel(m.fileName, typeof m.view === 'string' ? (JSON.parse(m.view) as ViewModel) : m.view, m.colorMetric, m.profile);
        return this.modelShown;
      case 'details':
      case 'fixes':
        this.pending.get(m.requestId)?.(m);
        this.pending.delete(m.requestId);
        return;
      case 'profileState':
        return this.showProfileState(m.state, m.message);
      case 'profile':
        return this.applyProfile(m.result, true);
      case 'predicted':
        setPredicted(m.result);
        return this.applyProfile(this.profile, false);
      case 'fixState':
        this.fixState = m;
        return this.renderPanel();
      case 'highlight':
        return this.highlightFromText(m.node);
      case 'colorMetric':
        return this.setMetric(m.metric);
      case 'renderImage':
        return this.renderImage(m.requestId, m.format);
    }
  }

  private showLoading(fileName: string, stage: string): void {
    this.app.replaceChildren(h('div', { class: 'center-page', role: 'status' }, h('vscode-progress-ring', {}), h('p', {}, fileName ? `Loading ${fileName}: ${stage}…` : `${stage}…`)));
  }

  private showError(fileName: string, name: string, message: string, hint: string): void {
    this.model = null;
    const open = h('vscode-button', { id: 'open-as-text' }, 'Open as Text');
    open.addEventListener('click', () => post({ type: 'openAsText' }));
    this.app.replaceChildren(
      h('div', { class: 'center-page error-page', role: 'alert' }, h('h2', {}, icon('error'), ` ${fileName} could not be opened`), h('p', { class: 'error-name' }, name), h('pre', { class: 'error-message' }, message), h('p', { class: 'note' }, hint), open),
    );
  }

  // ---- building the page -------------------------------------------------------------------------

  private buildPage(fileName: string, view: ViewModel): void {
    const search = h('vscode-textfield', { id: 'search', placeholder: 'Search name, op type or tensor', 'aria-label': 'Search nodes' }) as HTMLElement & { value: string };
    search.addEventListener('input', () => this.search(search.value));
    search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        void this.nextMatch(e.shiftKey ? -1 : 1);
      }
      if (e.key === 'Escape') {
        search.value = '';
        this.search('');
        this.svg.focus();
      }
    });
    const metric = h('vscode-single-select', { id: 'metric', 'aria-label': 'Colour by' }, ...COLOR_METRICS.map((k) => h('vscode-option', { value: k, ...(k === this.metric ? { selected: true } : {}) }, METRIC_LABELS[k]))) as HTMLElement & { value: string };
    metric.addEventListener('change', () => {
      this.setMetric(metric.value as ColorMetric);
    });
    const tool = (id: string, label: string, codicon: string, onClick: () => void) => {
      const b = h('vscode-button', { id, title: label, 'aria-label': label, secondary: '' }, icon(codicon), ` ${label}`);
      b.addEventListener('click', onClick);
      return b;
    };
    this.profileControls = h('span', { class: 'profile-controls' }, tool('profile', 'Profile', 'pulse', () => post({ type: 'profile' })));
    this.status = h('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
    const toolbar = h(
      'header',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Graph tools' },
      h('span', { class: 'file' }, fileName),
      search,
      h('label', { class: 'metric-label' }, 'Colour by ', metric),
      this.profileControls,
      tool('fit', 'Fit', 'screen-full', () => this.fitAll()),
      tool('toggle-table', 'Table', 'table', () => this.toggleTable()),
      tool('text', 'Text', 'go-to-file', () => post({ type: 'openAsText' })),
      tool('export-svg', 'SVG', 'export', () => post({ type: 'export', format: 'svg' })),
      tool('export-csv', 'CSV', 'export', () => post({ type: 'export', format: 'csv' })),
      this.status,
    );
    this.layer = s('g', { id: 'scene' });
    this.svg = s('svg', { class: 'graph', tabindex: 0, role: 'img', 'aria-label': `Graph of ${fileName}. Arrow keys move or follow edges, Enter expands, plus and minus zoom, F fits.` }, defs(), this.layer);
    this.viewport = new Viewport(this.svg, this.layer);
    this.minimap = new Minimap(this.viewport);
    this.viewport.onChange = () => this.minimap.draw();
    this.tooltip = h('div', { class: 'tooltip', role: 'tooltip', hidden: true });
    this.legend = h('div', { class: 'legend', 'aria-label': 'Heat map legend' });
    this.graphPane = h('div', { class: 'graph-pane' }, this.svg, this.legend, this.minimap.canvas, this.tooltip);
    this.table = new LayerTable();
    this.table.onSelect = (key) => {
      this.toggleTable(false);
      void this.reveal(key, true);
    };
    this.tablePane = h('div', { class: 'table-pane', hidden: true }, this.table.element);
    this.panel = h('aside', { class: 'panel', 'aria-label': 'Details' });
    const notes: HTMLElement[] = [];
    if (view.info.unboundDims.length) {
      const bind = h('vscode-button', { id: 'bind-dims', secondary: '' }, 'Set Sizes…');
      bind.addEventListener('click', () => post({ type: 'bindDims', names: view.info.unboundDims }));
      notes.push(h('div', { class: 'banner', role: 'note' }, icon('warning'), ` Symbolic dims have no size (${view.info.unboundDims.join(', ')}): the costs that depend on them are unknown, not 0. `, bind));
    }
    if (this.model && this.model.tree.hiddenConstants) notes.push(h('div', { class: 'banner subtle' }, `${this.model.tree.hiddenConstants} Constant nodes are shown as weights of the nodes that read them.`));
    this.app.replaceChildren(h('div', { class: 'page' }, toolbar, h('div', { class: 'banners' }, ...notes), h('main', { class: 'content' }, this.graphPane, this.tablePane), this.panel));
    this.bindGraphEvents();
  }

  private bindGraphEvents(): void {
    const keyOf = (e: Event) => (e.target as Element).closest<SVGGElement>('[data-key]')?.dataset.key ?? null;
    let hoverTimer = 0;
    this.svg.addEventListener('click', (e) => {
      this.closeMenu();
      if (this.viewport.suppressClick) return;
      const key = keyOf(e);
      if (!key || !this.model) return;
      const it = this.model.tree.item(key);
      const onToggle = (e.target as Element).classList.contains('toggle') || (e.target as Element).classList.contains('header');
      if (it.kind === 'group' || it.kind === 'section') void this.toggle(key);
      else if (it.kind === 'node' && onToggle && this.model.engine.isContainer(key)) void this.toggle(key);
      else if (it.kind === 'node') this.select(key, true);
    });
    this.svg.addEventListener('dblclick', (e) => {
      const key = keyOf(e);
      if (key && this.model?.engine.isContainer(key)) void this.toggle(key);
    });
    this.svg.addEventListener('pointerover', (e) => {
      const key = keyOf(e);
      clearTimeout(hoverTimer);
      if (!key) return this.hideTooltip();
      hoverTimer = window.setTimeout(() => void this.showTooltip(key, e.clientX, e.clientY), 120);
    });
    this.svg.addEventListener('pointerleave', () => {
      clearTimeout(hoverTimer);
      this.hideTooltip();
    });
    this.svg.addEventListener('contextmenu', (e) => {
      const key = keyOf(e);
      if (!key || this.model?.tree.item(key).node?.kind !== 'op') return;
      e.preventDefault();
      void this.openMenu(key, e.clientX, e.clientY);
    });
    this.svg.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'f') {
        e.preventDefault();
        (document.getElementById('search') as HTMLElement | null)?.focus();
      }
      if (e.key === 'Escape') this.closeMenu();
    });
    new ResizeObserver(() => {
      // Until the user pans or zooms, the first view follows the pane's size (e.g. a text view opened beside).
      if (!this.viewMoved) this.initialView();
      this.minimap.draw();
    }).observe(this.graphPane);
    this.svg.addEventListener('wheel', () => (this.viewMoved = true), { passive: true });
    this.svg.addEventListener('pointerup', () => this.viewport.suppressClick && (this.viewMoved = true));
  }

  // ---- model, layout, rendering ------------------------------------------------------------------

  private async showModel(fileName: string, view: ViewModel, metric: ColorMetric, profile: ProfileResult | null): Promise<void> {
    const t0 = performance.now();
    const keepExpanded = this.model?.fileName === fileName ? [...this.model.engine.expanded] : null;
    this.metric = metric;
    // Nothing of the previous model's scene or search survives (their keys belong to its tree).
    this.scene = null;
    this.viewMoved = false;
    this.highlighted = new Set();
    this.matches = [];
    this.fixState = null;
    this.hideTooltip();
    this.closeMenu();
    const tree = new GraphTree(view);
    const engine = new LayoutEngine(tree, this.runLayout);
    this.model = { fileName, view, tree, engine };
    this.selected = null;
    this.fixCache.clear();
    this.buildPage(fileName, view);
    if (keepExpanded) keepExpanded.filter((k) => tree.items.has(k)).forEach((k) => engine.expanded.add(k));
    else engine.autoExpand();
    this.applyProfile(profile, false);
    this.table.setRows([...tree.opNodes()].filter((it) => it.graphKey === '').map((it) => ({ key: it.key, node: it.node! })), this.lat);
    await this.relayout();
    this.initialView();
    this.viewport.applyNow();
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    this.firstPaintMs = performance.now() - t0;
    document.body.dataset.firstPaintMs = this.firstPaintMs.toFixed(1);
    document.body.dataset.ready = 'true';
    this.renderPanel();
  }

  /** Lays out and redraws; calls are queued so scenes never interleave. */
  private relayout(): Promise<void> {
    this.relayoutChain = this.relayoutChain.then(async () => {
      if (!this.model) return;
      try {
        this.scene = await this.model.engine.scene();
      } catch (e) {
        post({ type: 'log', level: 'error', message: (e as Error).message });
        return;
      }
      this.redraw();
    });
    return this.relayoutChain;
  }

  private redraw(): void {
    if (!this.model || !this.scene) return;
    this.heat = this.metric === 'none' ? null : new Heat(this.model.tree, this.metric, this.lat);
    this.sums.clear();
    this.boxEls = renderScene(this.layer, this.scene, {
      tree: this.model.tree,
      heat: this.heat,
      metric: this.metric,
      selected: this.selected,
      highlighted: this.highlighted,
      isContainer: (k) => this.model!.engine.isContainer(k),
    });
    this.minimap.setScene(this.scene);
    this.drawLegend();
    this.status.textContent = `${this.scene.boxes.length - 1} items shown · ${this.model.view.info.nodeCount} nodes`;
  }

  private drawLegend(): void {
    clear(this.legend);
    if (!this.heat || this.heat.max <= 0) {
      this.legend.hidden = this.metric === 'none';
      if (this.metric !== 'none') this.legend.append(h('span', {}, `${METRIC_LABELS[this.metric]}: no values${this.metric === 'latency' || this.metric === 'share' ? ' (profile the model first)' : this.metric === 'predicted' ? ' (pick a target device in the status bar)' : ''}`));
      return;
    }
    this.legend.hidden = false;
    const bar = h('canvas', { class: 'legend-bar', width: 160, height: 10 }) as HTMLCanvasElement;
    const c = bar.getContext('2d');
    for (let x = 0; c && x < 160; x++) {
      c.fillStyle = colourAt(x / 159);
      c.fillRect(x, 0, 1, 10);
    }
    const unit = (v: number) => (this.metric === 'macs' ? siu(v, 'MACs') : this.metric === 'flops' ? siu(v, 'FLOPs') : this.metric === 'share' ? `${(100 * v).toFixed(2)} %` : this.metric === 'latency' || this.metric === 'predicted' ? `${v.toFixed(1)} µs` : this.metric === 'intensity' ? `${v.toFixed(2)} FLOP/B` : siu(v, this.metric === 'bytes' ? 'B' : ''));
    this.legend.append(h('span', { class: 'legend-title' }, METRIC_LABELS[this.metric], ' (log scale)'), h('span', { class: 'legend-min' }, unit(this.heat.min)), bar, h('span', { class: 'legend-max' }, unit(this.heat.max)), h('span', { class: 'legend-unknown' }, h('span', { class: 'swatch-unknown' }), ' unknown'));
  }

  private setMetric(m: ColorMetric): void {
    this.metric = m;
    const sel = document.getElementById('metric') as (HTMLElement & { value: string }) | null;
    if (sel && sel.value !== m) sel.value = m;
    this.redraw();
  }

  /** The whole graph when it fits readably; else the start of the graph (its inputs) at a readable zoom. */
  private initialView(): void {
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

  private fitAll(): void {
    if (this.scene) this.viewport.fit(0, 0, this.scene.width, this.scene.height);
  }

  private async toggle(key: string): Promise<void> {
    const e = this.model!.engine;
    if (e.expanded.has(key)) e.expanded.delete(key);
    else e.expanded.add(key);
    const before = this.scene?.boxes.find((b) => b.key === key);
    await this.relayout();
    // Keep the toggled item where it was on screen.
    const after = this.scene?.boxes.find((b) => b.key === key);
    if (before && after) this.viewport.panBy((before.x - after.x) * this.viewport.k, (before.y - after.y) * this.viewport.k);
  }

  /** Expands what hides `key`, then centres and optionally selects it. */
  private async reveal(key: string, select: boolean): Promise<void> {
    if (!this.model) return;
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
    const b = this.scene?.boxes.find((x) => x.key === key);
    if (b) this.viewport.centerOn(b.x + b.width / 2, b.y + b.height / 2);
    if (select) this.select(key, false);
  }

  private select(key: string | null, fromClick: boolean): void {
    if (this.selected) this.boxEls.get(this.selected)?.classList.remove('selected');
    this.selected = key;
    this.selectedDetails = null;
    if (key) this.boxEls.get(key)?.classList.add('selected');
    this.redrawEdgesSelection();
    this.renderPanel();
    const node = key ? this.model?.tree.item(key).node : undefined;
    if (!node || node.kind !== 'op') return;
    void this.request<Extract<ToWebview, { type: 'details' }>>({ type: 'nodeDetails', requestId: this.nextRequest++, node: node.name }).then((m) => {
      if (this.selected !== key) return;
      this.selectedDetails = m.details;
      this.renderPanel();
    });
    if (fromClick) post({ type: 'reveal', node: node.name, onlyIfOpen: true });
  }

  private redrawEdgesSelection(): void {
    if (!this.scene) return;
    const paths = this.layer.querySelectorAll('.edges path');
    this.scene.edges.forEach((e, i) => paths[i]?.classList.toggle('selected', e.fromKey === this.selected || e.toKey === this.selected));
  }

  private renderPanel(): void {
    if (!this.model || !this.panel) return;
    const act: PanelActions = {
      preview: (ruleId, title, node) => post({ type: 'previewFix', ruleId, title, node }),
      commit: (write) => post({ type: 'commitFix', write }),
      discard: () => post({ type: 'discardFix' }),
      reveal: (node) => post({ type: 'reveal', node }),
      select: (name) => {
        const k = this.model?.tree.findByPath(name)[0];
        if (k) void this.reveal(k, true);
      },
    };
    const parts: HTMLElement[] = [];
    if (this.fixState) parts.push(fixPanel(this.fixState, act));
    const node = this.selected ? this.model.tree.item(this.selected).node : undefined;
    if (node && node.kind === 'op') parts.push(nodePanel(node, this.selectedDetails, this.lat, act));
    if (this.profile) parts.push(slowestPanel(this.profile, act));
    if (parts.length === 0) {
      const v = this.model.view;
      const lb = v.totalsIncomplete;
      parts.push(
        h('section', { class: 'panel-section' }, h('h3', {}, 'Model'), h('dl', { class: 'facts' }, ...[['nodes', String(v.info.nodeCount)], ['MACs', total(v.totals.macs, 'MACs', lb)], ['FLOPs', total(v.totals.flops, 'FLOPs', lb)], ['params', siu(v.totals.params, '')], ['producer', v.info.producer || '—'], ['IR version', String(v.info.irVersion)], ['opsets', Object.entries(v.info.opsets).map(([d, n]) => `${d} ${n}`).join(', ')]].flatMap(([k, x]) => [h('dt', {}, k!), h('dd', {}, x!)]))),
        h('p', { class: 'note' }, 'Click a node for its details; right-click for the rewrites that apply there.'),
      );
    }
    this.panel.replaceChildren(...parts);
  }

  // ---- hover, menu, keyboard ---------------------------------------------------------------------

  private async fixesOf(name: string): Promise<Fix[]> {
    const hit = this.fixCache.get(name);
    if (hit) return hit;
    const m = await this.request<Extract<ToWebview, { type: 'fixes' }>>({ type: 'listFixes', requestId: this.nextRequest++, node: name });
    this.fixCache.set(name, m.fixes);
    return m.fixes;
  }

  private async showTooltip(key: string, x: number, y: number): Promise<void> {
    const it = this.model?.tree.items.get(key);
    if (!it) return;
    const place = (el: HTMLElement) => {
      const r = this.graphPane.getBoundingClientRect();
      this.tooltip.replaceChildren(el);
      this.tooltip.hidden = false;
      this.tooltip.style.left = `${Math.min(x - r.left + 14, r.width - 340)}px`;
      this.tooltip.style.top = `${Math.min(y - r.top + 14, r.height - this.tooltip.offsetHeight - 8)}px`;
    };
    this.tooltip.dataset.key = key;
    if (it.kind === 'node' && it.node?.kind === 'op') {
      const n = it.node;
      place(hoverCard(n, this.lat, this.fixCache.get(n.name) ?? null));
      if (!this.fixCache.has(n.name)) {
        const fixes = await this.fixesOf(n.name);
        // Still hovering the same node: the card gets the rewrites that apply there.
        if (!this.tooltip.hidden && this.tooltip.dataset.key === key) place(hoverCard(n, this.lat, fixes));
      }
      return;
    }
    const agg = this.heat?.value(key);
    const count = this.model!.tree.opCount(key);
    const title = it.kind === 'node' ? `${it.node!.kind} ${it.node!.name}: ${it.node!.opType}` : it.group?.id ?? it.label;
    const lines: (HTMLElement | string)[] = [h('div', { class: 'card-title' }, h('code', {}, title))];
    if (it.kind !== 'node') lines.push(h('p', {}, `${count} nodes`));
    if (it.kind !== 'node') lines.push(h('p', {}, (['macs', 'flops', 'params'] as const).map((m) => this.sumText(key, m)).join(' · ')));
    if (agg && this.heat && this.metric !== 'macs') lines.push(h('p', {}, `${METRIC_LABELS[this.metric]}: ${agg.incomplete ? '≥' : ''}${agg.value.toPrecision(4)}`));
    place(h('div', { class: 'card' }, ...lines));
  }

  /** A container's sum of a static figure (heat.ts sums it, as for the colours; `≥` when some node inside is unknown). */
  private sumText(key: string, metric: 'macs' | 'flops' | 'params'): string {
    let heat = this.sums.get(metric);
    if (!heat) this.sums.set(metric, (heat = new Heat(this.model!.tree, metric, this.lat)));
    const a = heat.value(key);
    return a ? metricText(metric, a.value, a.incomplete) : '?';
  }

  private hideTooltip(): void {
    if (!this.tooltip) return;
    this.tooltip.hidden = true;
    delete this.tooltip.dataset.key;
  }

  private closeMenu(): void {
    this.menu?.remove();
    this.menu = null;
  }

  private async openMenu(key: string, x: number, y: number): Promise<void> {
    this.closeMenu();
    const n = this.model!.tree.item(key).node!;
    const r = this.graphPane.getBoundingClientRect();
    const menu = h('div', { class: 'context-menu', role: 'menu', 'aria-label': `Actions for ${n.name}` }, h('div', { class: 'menu-note' }, 'checking rewrite rules…'));
    menu.style.left = `${x - r.left}px`;
    menu.style.top = `${y - r.top}px`;
    this.graphPane.append(menu);
    this.menu = menu;
    const item = (label: string, run: (() => void) | null, reason?: string) => {
      const b = h('button', { class: 'menu-item', role: 'menuitem', ...(run ? {} : { disabled: true, 'aria-disabled': 'true' }) }, label, reason ? h('span', { class: 'reason' }, reason) : null);
      if (run)
        b.addEventListener('click', () => {
          this.closeMenu();
          run();
        });
      return b;
    };
    const fixes = await this.fixesOf(n.name);
    if (this.menu !== menu) return;
    const items = [
      // Ranked by the server: the fixes that pay off most first, each with its expected gain.
      ...fixes.map((f) => (f.ok ? item(`Preview: ${f.title} — ${f.headline}`, () => post({ type: 'previewFix', ruleId: f.ruleId, title: f.title, node: n.name })) : item(f.title, null, f.reason))),
      ...(fixes.length ? [h('hr', {})] : []),
      item('Show Details', () => this.select(key, false)),
      item('Reveal in Text View', () => post({ type: 'reveal', node: n.name })),
      item('Copy Name', () => void navigator.clipboard?.writeText(n.name)),
    ];
    menu.replaceChildren(...items);
    (menu.querySelector('button:not([disabled])') as HTMLElement | null)?.focus();
    menu.addEventListener('keydown', (e) => {
      const buttons = [...menu.querySelectorAll<HTMLElement>('button:not([disabled])')];
      const i = buttons.indexOf(document.activeElement as HTMLElement);
      if (e.key === 'ArrowDown') buttons[(i + 1) % buttons.length]?.focus();
      if (e.key === 'ArrowUp') buttons[(i - 1 + buttons.length) % buttons.length]?.focus();
      if (e.key === 'Escape') {
        this.closeMenu();
        this.svg.focus();
      }
    });
  }

  private neighbour(key: string, dir: 'up' | 'down' | 'prev' | 'next'): string | null {
    const t = this.model!.tree;
    const e = this.model!.engine;
    if (dir === 'prev' || dir === 'next') {
      const p = t.item(key).parent;
      if (!p) return null;
      const sib = t.item(p).children;
      const i = sib.indexOf(key);
      return sib[i + (dir === 'next' ? 1 : -1)] ?? null;
    }
    const edges = this.scene?.edges ?? [];
    const vis = e.visible(key);
    const hit = edges.find((x) => (dir === 'up' ? x.toKey === vis : x.fromKey === vis));
    return hit ? (dir === 'up' ? hit.fromKey : hit.toKey) : null;
  }

  private onKey(e: KeyboardEvent): void {
    const step = 60;
    const sel = this.selected;
    const go = (k: string | null) => {
      if (!k) return;
      const it = this.model!.tree.item(k);
      if (it.kind === 'node') void this.reveal(k, true);
      else {
        this.select(null, false);
        this.selected = k;
        this.boxEls.get(k)?.classList.add('selected');
        const b = this.scene?.boxes.find((x) => x.key === k);
        if (b) this.viewport.centerOn(b.x + b.width / 2, b.y + b.height / 2);
      }
    };
    switch (e.key) {
      case 'ArrowUp':
        if (sel) go(this.neighbour(sel, 'up'));
        else this.viewport.panBy(0, step);
        break;
      case 'ArrowDown':
        if (sel) go(this.neighbour(sel, 'down'));
        else this.viewport.panBy(0, -step);
        break;
      case 'ArrowLeft':
        if (sel) go(this.neighbour(sel, 'prev'));
        else this.viewport.panBy(step, 0);
        break;
      case 'ArrowRight':
        if (sel) go(this.neighbour(sel, 'next'));
        else this.viewport.panBy(-step, 0);
        break;
      case 'Enter':
        if (sel && this.model!.engine.isContainer(sel)) void this.toggle(sel);
        break;
      case '+':
      case '=':
        this.viewport.zoomAt(1.25);
        break;
      case '-':
        this.viewport.zoomAt(0.8);
        break;
      case 'f':
      case '0':
        this.fitAll();
        break;
      case 'Escape':
        this.select(null, false);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  // ---- search, table, text view ------------------------------------------------------------------

  private search(q: string): void {
    if (!this.model) return;
    this.matches = q.trim() ? searchNodes(this.model.tree, q) : [];
    this.matchIndex = -1;
    this.highlighted = new Set(this.matches.map((k) => this.model!.engine.visible(k)));
    this.redraw();
    this.status.textContent = q.trim() ? `${this.matches.length} match${this.matches.length === 1 ? '' : 'es'}${this.matches.length ? ' · Enter: next' : ''}` : '';
  }

  private async nextMatch(dir: number): Promise<void> {
    if (!this.matches.length) return;
    this.matchIndex = (this.matchIndex + dir + this.matches.length) % this.matches.length;
    const key = this.matches[this.matchIndex]!;
    await this.reveal(key, true);
    this.highlighted = new Set(this.matches.map((k) => this.model!.engine.visible(k)));
    this.redraw();
    this.status.textContent = `match ${this.matchIndex + 1} of ${this.matches.length}`;
  }

  private toggleTable(show?: boolean): void {
    const on = show ?? this.tablePane.hidden;
    this.tablePane.hidden = !on;
    this.graphPane.hidden = on;
    document.getElementById('toggle-table')?.setAttribute('aria-pressed', String(on));
  }

  private async highlightFromText(name: string): Promise<void> {
    const key = this.model?.tree.findByPath(name)[0];
    if (!key) return;
    await this.reveal(key, false);
    this.highlighted = new Set([key]);
    this.redraw();
  }

  // ---- profiling ---------------------------------------------------------------------------------

  private showProfileState(state: 'running' | 'done' | 'cancelled' | 'failed', message?: string): void {
    if (!this.profileControls) return;
    if (state === 'running') {
      const cancel = h('vscode-button', { id: 'cancel-profile', secondary: '' }, 'Cancel');
      cancel.addEventListener('click', () => post({ type: 'cancelProfile' }));
      this.profileControls.replaceChildren(h('vscode-progress-ring', { class: 'small' }), h('span', { class: 'profiling' }, 'profiling…'), cancel);
      return;
    }
    const again = h('vscode-button', { id: 'profile', secondary: '' }, icon('pulse'), state === 'done' ? ' Profile again' : ' Profile');
    again.addEventListener('click', () => post({ type: 'profile' }));
    this.profileControls.replaceChildren(again);
    if (state === 'failed') this.status.textContent = `profiling failed: ${message ?? ''}`;
    if (state === 'cancelled') this.status.textContent = 'profiling cancelled';
  }

  private applyProfile(p: ProfileResult | null, switchMetric: boolean): void {
    this.profile = p;
    this.lat = latencyOf(p);
    if (!this.model) return;
    this.table?.setRows([...this.model.tree.opNodes()].filter((it) => it.graphKey === '').map((it) => ({ key: it.key, node: it.node! })), this.lat);
    if (p) document.body.dataset.profiled = 'true';
    if (switchMetric && p) this.setMetric('latency');
    else this.redraw();
    this.renderPanel();
  }

  // ---- export ------------------------------------------------------------------------------------

  /** Renders the scene as shown; always answers (with `error` when there is nothing to render). */
  private async renderImage(requestId: number, format: 'svg' | 'png'): Promise<void> {
    try {
      await this.modelShown;
      await this.relayoutChain;
      if (!this.scene) throw new Error('no graph is shown');
      const bg = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || '#ffffff';
      const text = sceneSvg(this.svg, this.layer, this.scene.width, this.scene.height, bg);
      const data = format === 'svg' ? text : await svgToPng(text, this.scene.width + 32, this.scene.height + 32);
      post({ type: 'image', requestId, format, data });
    } catch (e) {
      post({ type: 'image', requestId, format, data: '', error: (e as Error).message });
    }
  }
}

(window as unknown as { layerlens: GraphApp }).layerlens = new GraphApp();
