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
import type { ColorMetric, FromWebview, ToWebview } from '../src/protocol/webview';
import { GraphCanvas } from './canvas';
import { contextMenu } from './context-menu';
import { h } from './dom';
import { groupCard, hoverCard } from './facts';
import { latencyOf, METRIC_LABELS, type Latency } from './heat';
import { sceneImage } from './image-export';
import { neighbour, onGraphKey } from './keyboard';
import { LayoutEngine } from './layout';
import { startLayoutWorker } from './layout-client';
import { banners, errorPage, loadingPage } from './pages';
import { fixPanel, modelPanel, nodePanel, slowestPanel, type PanelActions } from './panel';
import { bindPointer } from './pointer';
import { setPredicted } from './predicted';
import { setSensitivity } from './sensitivity';
import { Matches } from './search';
import { LayerTable } from './table';
import { showMetric, toolbar } from './toolbar';
import { HostRequests } from './host-requests';
import { Tooltip } from './tooltip';
import { GraphTree } from './tree';
import { messageReader, type Decoded } from './view-data';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const post = (m: FromWebview) => vscode.postMessage(m);

interface Loaded {
  fileName: string;
  view: ViewModel;
  tree: GraphTree;
  engine: LayoutEngine;
  canvas: GraphCanvas;
}

class GraphApp {
  private readonly app = document.getElementById('app')!;
  private model: Loaded | null = null;
  private metric: ColorMetric = 'macs';
  /** Weight shapes inside op nodes (the toolbar's Weights toggle; kept in the webview's state). */
  private weights = (vscode.getState() as { weights?: boolean } | undefined)?.weights === true;
  private profile: ProfileResult | null = null;
  private lat: Latency = new Map();
  private readonly host = new HostRequests(post);
  private readonly runLayout = startLayoutWorker(document.body.dataset.layoutWorker ?? 'layout-worker.js');
  private readonly matches = new Matches();
  private fixState: Extract<ToWebview, { type: 'fixState' }> | null = null;
  private selectedDetails: NodeDetailsResult | null = null;
  /** The latest model message's rendering (an image request waits for it). */
  private modelShown: Promise<void> = Promise.resolve();
  // DOM, built once the model arrives.
  private tooltip: Tooltip | null = null;
  private panel!: HTMLElement;
  private table!: LayerTable;
  private tablePane!: HTMLElement;
  private profileState: ((state: 'running' | 'done' | 'cancelled' | 'failed') => void) | null = null;
  private status!: HTMLElement;
  private menu: HTMLElement | null = null;
  /** Milliseconds from the model message to the first painted scene (read by the benchmark). */
  firstPaintMs: number | null = null;

  constructor() {
    const read = messageReader((m) => void this.onMessage(m), (message) => post({ type: 'log', level: 'error', message }));
    window.addEventListener('message', (e: MessageEvent<ToWebview>) => read(e.data));
    window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: String(e.message) }));
    window.addEventListener('unhandledrejection', (e) => post({ type: 'log', level: 'error', message: String((e.reason as Error)?.message ?? e.reason) }));
    this.app.replaceChildren(loadingPage('', 'starting'));
    post({ type: 'ready' });
  }

  private async onMessage(m: Decoded<ToWebview>): Promise<void> {
    switch (m.type) {
      case 'loading':
        if (!this.model) this.app.replaceChildren(loadingPage(m.fileName, m.stage));
        return;
      case 'error':
        this.model = null;
        this.app.replaceChildren(errorPage(m.fileName, m.name, m.message, m.hint, () => post({ type: 'openAsText' })));
        return;
      case 'model':
        this.modelShown = this.showModel(m.fileName, m.view, m.colorMetric, m.profile);
        return this.modelShown;
      case 'details':
      case 'fixes':
        return this.host.answer(m);
      case 'profileState':
        this.profileState?.(m.state);
        if (m.state === 'failed') this.status.textContent = `profiling failed: ${m.message ?? ''}`;
        if (m.state === 'cancelled') this.status.textContent = 'profiling cancelled';
        return;
      case 'profile':
        return this.applyProfile(m.result, true);
      case 'predicted':
        setPredicted(m.result);
        return this.applyProfile(this.profile, false);
      case 'sensitivity':
        setSensitivity(m.result);
        this.applyProfile(this.profile, false);
        return m.select ? this.setMetric('sensitivity') : undefined;
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

  // ---- the page of a model -----------------------------------------------------------------------

  private buildPage(fileName: string, view: ViewModel, canvas: GraphCanvas, hiddenConstants: number): void {
    const bar = toolbar(fileName, this.metric, this.weights, {
      search: (q) => this.search(q),
      nextMatch: (dir) => void this.nextMatch(dir),
      leaveSearch: () => canvas.svg.focus(),
      setMetric: (m) => this.setMetric(m),
      profile: () => post({ type: 'profile' }),
      cancelProfile: () => post({ type: 'cancelProfile' }),
      fit: () => canvas.fitAll(),
      toggleTable: () => this.toggleTable(),
      openAsText: () => post({ type: 'openAsText' }),
      export: (format) => post({ type: 'export', format }),
      showWeights: (on) => {
        vscode.setState({ ...(vscode.getState() as object | undefined), weights: (this.weights = on) });
        void canvas.setWeights(on);
      },
    });
    this.status = bar.status;
    this.profileState = bar.profileState;
    this.tooltip = new Tooltip(canvas.pane);
    this.table = new LayerTable();
    this.table.onSelect = (key) => {
      this.toggleTable(false);
      void this.reveal(key, true);
    };
    this.tablePane = h('div', { class: 'table-pane', hidden: true }, this.table.element);
    this.panel = h('aside', { class: 'panel', 'aria-label': 'Details' });
    this.app.replaceChildren(h('div', { class: 'page' }, bar.element, banners(view.info.unboundDims, hiddenConstants, () => post({ type: 'bindDims', names: view.info.unboundDims })), h('main', { class: 'content' }, canvas.pane, this.tablePane), this.panel));
    this.bindGraphEvents(canvas);
  }

  private bindGraphEvents(canvas: GraphCanvas): void {
    bindPointer(canvas.svg, canvas.viewport, {
      click: (key, onToggle) => {
        this.closeMenu();
        const it = this.model!.tree.item(key);
        if (it.kind === 'group' || it.kind === 'section') void canvas.toggle(key);
        else if (it.kind === 'node' && onToggle && this.model!.engine.isContainer(key)) void canvas.toggle(key);
        else if (it.kind === 'node') this.select(key, true);
      },
      background: () => this.closeMenu(),
      dblclick: (key) => this.model?.engine.isContainer(key) && void canvas.toggle(key),
      hover: (key, x, y) => (key ? void this.showTooltip(key, x, y) : this.hideTooltip()),
      contextmenu: (key, x, y) => {
        if (this.model?.tree.item(key).node?.kind !== 'op') return false;
        this.openMenu(key, x, y);
        return true;
      },
      key: (e) => this.onKey(e),
      escape: () => this.closeMenu(),
      moved: () => (canvas.viewMoved = true),
    });
  }

  // ---- model, layout, rendering ------------------------------------------------------------------

  private async showModel(fileName: string, view: ViewModel, metric: ColorMetric, profile: ProfileResult | null): Promise<void> {
    const t0 = performance.now();
    const keepExpanded = this.model?.fileName === fileName ? [...this.model.engine.expanded] : null;
    this.metric = metric;
    // Nothing of the previous model's scene or search survives (their keys belong to its tree).
    this.matches.clear();
    this.fixState = null;
    this.hideTooltip();
    this.closeMenu();
    const tree = new GraphTree(view);
    const engine = new LayoutEngine(tree, this.runLayout, this.weights);
    const canvas = new GraphCanvas(
      fileName,
      { view, tree, engine },
      (message) => post({ type: 'log', level: 'error', message }),
      (scene) => (this.status.textContent = `${scene.boxes.length - 1} items shown · ${view.info.nodeCount} nodes`),
    );
    this.model = { fileName, view, tree, engine, canvas };
    this.host.clear();
    this.buildPage(fileName, view, canvas, tree.hiddenConstants);
    if (keepExpanded) keepExpanded.filter((k) => tree.items.has(k)).forEach((k) => engine.expanded.add(k));
    else engine.autoExpand();
    this.applyProfile(profile, false);
    await canvas.relayout();
    canvas.initialView();
    canvas.viewport.applyNow();
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    document.body.dataset.firstPaintMs = (this.firstPaintMs = performance.now() - t0).toFixed(1);
    document.body.dataset.ready = 'true';
    this.renderPanel();
    if (!keepExpanded) await canvas.completeFirstView(); // a small model opens whole after its first scene
    document.body.dataset.completeMs = (performance.now() - t0).toFixed(1);
  }

  /** Colours the graph by the current metric and figures. */
  private redraw(): void {
    const c = this.model?.canvas;
    if (!c) return;
    c.metric = this.metric;
    c.lat = this.lat;
    c.redraw();
  }

  private setMetric(m: ColorMetric): void {
    this.metric = m;
    showMetric(m);
    this.redraw();
  }

  /** Opens what hides `key`, then centres and optionally selects it. */
  private async reveal(key: string, select: boolean): Promise<void> {
    if (!this.model) return;
    await this.model.canvas.reveal(key);
    if (select) this.select(key, false);
  }

  private select(key: string | null, fromClick: boolean): void {
    this.model?.canvas.markSelected(key);
    this.selectedDetails = null;
    this.renderPanel();
    const node = key ? this.model?.tree.item(key).node : undefined;
    if (!node || node.kind !== 'op') return;
    void this.host.details(node.name).then((details) => {
      if (this.model?.canvas.selected !== key) return;
      this.selectedDetails = details;
      this.renderPanel();
    });
    if (fromClick) post({ type: 'reveal', node: node.name, onlyIfOpen: true });
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
    const selected = this.model.canvas.selected;
    const node = selected ? this.model.tree.item(selected).node : undefined;
    if (node && node.kind === 'op') parts.push(nodePanel(node, this.selectedDetails, this.lat, act));
    if (this.profile) parts.push(slowestPanel(this.profile, act));
    if (parts.length === 0) parts.push(...modelPanel(this.model.view));
    this.panel.replaceChildren(...parts);
  }

  // ---- hover, menu, keyboard ---------------------------------------------------------------------

  private async showTooltip(key: string, x: number, y: number): Promise<void> {
    const it = this.model?.tree.items.get(key);
    if (!it || !this.tooltip) return;
    const n = it.node;
    if (it.kind === 'node' && n?.kind === 'op') {
      const known = this.host.cachedFixes(n.name);
      this.tooltip.show(key, hoverCard(n, this.lat, known), x, y);
      // The card gets the rewrites that apply there when they arrive.
      if (!known) this.tooltip.update(key, hoverCard(n, this.lat, await this.host.fixes(n.name)));
      return;
    }
    const heat = this.model!.canvas.heat;
    this.tooltip.show(key, groupCard(it, this.model!.tree.opCount(key), (m) => this.model!.canvas.sumText(key, m), heat && this.metric !== 'macs' ? { label: METRIC_LABELS[this.metric], value: heat.value(key) } : null), x, y);
  }

  private hideTooltip = (): void => this.tooltip?.hide();

  private closeMenu(): void {
    this.menu?.remove();
    this.menu = null;
  }

  private openMenu(key: string, x: number, y: number): void {
    this.closeMenu();
    const { tree, canvas } = this.model!;
    const n = tree.item(key).node!;
    this.menu = contextMenu(canvas.pane, n.name, x, y, this.host.fixes(n.name), {
      preview: (f) => post({ type: 'previewFix', ruleId: f.ruleId, title: f.title, node: n.name }),
      details: () => this.select(key, false),
      revealInText: () => post({ type: 'reveal', node: n.name }),
      copyName: () => void navigator.clipboard?.writeText(n.name),
      close: (refocus) => {
        this.closeMenu();
        if (refocus) canvas.svg.focus();
      },
    });
  }

  private onKey(e: KeyboardEvent): void {
    const { tree, engine, canvas } = this.model!;
    onGraphKey(e, {
      selected: canvas.selected,
      go: (k) => {
        if (!k) return;
        if (tree.item(k).kind === 'node') return void this.reveal(k, true);
        this.select(null, false);
        canvas.markSelected(k);
        canvas.centreOn(k);
      },
      neighbour: (k, dir) => neighbour(tree, engine, canvas.scene, k, dir),
      panBy: (dx, dy) => canvas.viewport.panBy(dx, dy),
      zoomAt: (f) => canvas.viewport.zoomAt(f),
      fit: () => canvas.fitAll(),
      toggle: (k) => engine.isContainer(k) && void canvas.toggle(k),
      deselect: () => this.select(null, false),
    });
  }

  // ---- search, table, text view ------------------------------------------------------------------

  /** Highlights `keys` where they are shown (an item inside a closed container lights the container). */
  private highlight(keys: string[]): void {
    const { engine, canvas } = this.model!;
    canvas.highlighted = new Set(keys.map((k) => engine.visible(k)));
    this.redraw();
  }

  private search(q: string): void {
    if (!this.model) return;
    this.status.textContent = this.matches.find(this.model.tree, q);
    this.highlight(this.matches.keys);
  }

  private async nextMatch(dir: number): Promise<void> {
    const m = this.matches.step(dir);
    if (!m) return;
    await this.reveal(m.key, true);
    this.highlight(this.matches.keys);
    this.status.textContent = m.status;
  }

  private toggleTable(show?: boolean): void {
    const on = show ?? this.tablePane.hidden;
    this.tablePane.hidden = !on;
    this.model!.canvas.pane.hidden = on;
    document.getElementById('toggle-table')?.setAttribute('aria-pressed', String(on));
  }

  private async highlightFromText(name: string): Promise<void> {
    const key = this.model?.tree.findByPath(name)[0];
    if (!key) return;
    await this.reveal(key, false);
    this.model!.canvas.highlighted = new Set([key]);
    this.redraw();
  }

  // ---- profiling, export -------------------------------------------------------------------------

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

  /** Renders the scene as shown; always answers (with `error` when there is nothing to render). */
  private async renderImage(requestId: number, format: 'svg' | 'png'): Promise<void> {
    try {
      await this.modelShown;
      const c = this.model?.canvas;
      await c?.relayoutChain;
      if (!c?.scene) throw new Error('no graph is shown');
      post({ type: 'image', requestId, format, data: await sceneImage(c.svg, c.layer, c.scene, format) });
    } catch (e) {
      post({ type: 'image', requestId, format, data: '', error: (e as Error).message });
    }
  }
}

(window as unknown as { layerlens: GraphApp }).layerlens = new GraphApp();
