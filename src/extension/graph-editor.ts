// The graph editor: a read-only custom editor for *.onnx. The model is loaded, analysed and turned into
// a view model by the language server (in its worker thread), never in the extension host; the
// webview lays it out lazily and renders it. This file relays messages between the two.
import * as vscode from 'vscode';
import { ListFixesRequest } from '../protocol/fixes';
import { GraphViewRequest, NodeDetailsRequest, PredictRequest } from '../protocol/requests';
import type { FromWebview, ToWebview } from '../protocol/webview';
import { modelServer, onModelChanged } from './client';
import { discardFix, finishCommit, previewFix } from './fixes';
import { onProfile, profileOf } from './models';
import { fileName } from './model-uri';
import { cancelProfile, profileModel } from './profile';
import { bindDims, settings } from './settings';
import { currentTarget } from './target';
import type { ModelStatusBar, Totals } from './status-bar';
import { openAsText, revealNode, textViewUri } from './text-view';
import { exportFrom } from './export';
import { webviewRoots } from './webview-html';
import { exportMetrics } from './export-metrics';
import { activePanel, addPanel, removePanel, type OpenGraph } from './panels';
import { mark } from './open-trace';
import { sensitivityOf } from './sensitivity';

class ModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}


/** The server's error for a model it cannot load, split into the typed name and the message. */
function typedError(e: unknown): { name: string; message: string } {
  const data = (e as { data?: { name?: string; message?: string } }).data;
  if (data?.name && data.message) return { name: data.name, message: data.message };
  const m = (e as Error).message ?? String(e);
  const k = m.match(/^(\w+Error): ([\s\S]*)$/);
  return k ? { name: k[1]!, message: k[2]! } : { name: 'Error', message: m };
}

export class GraphPanel implements OpenGraph {
  /** The model's totals from the graph view's answer (the host never parses the view model itself). */
  private summary: Totals | null = null;

  /** The model is loaded (its view can be rendered or exported). */
  get loaded(): boolean {
    return this.summary !== null;
  }
  private ready = false;
  /** Models loaded into this view (the first load shows what was measured earlier in the session). */
  private loads = 0;
  private queue: ToWebview[] = [];
  private candidate: { ruleId: string; path: string } | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly status: ModelStatusBar,
  ) {
    addPanel(this);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m)),
      panel.onDidChangeViewState(() => this.focusChanged()),
      panel.onDidDispose(() => this.dispose()),
      onProfile((e) => {
        if (e.uri !== uri.toString()) return;
        this.post({ type: 'profile', result: e.profile });
        this.showStatus();
      }),
      onModelChanged((u) => u === uri.toString() && void this.load()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('layerlens.dims', uri)) void this.load();
        if (e.affectsConfiguration('layerlens.graph.colorMetric', uri)) this.post({ type: 'colorMetric', metric: settings(uri).colorMetric });
        if (e.affectsConfiguration('layerlens.target', uri)) void this.predict();
      }),
    );
    this.focusChanged();
    void this.load();
  }

  /** Latency predicted on the target device (none set: the view shows measured latency only). */
  private async predict(): Promise<void> {
    const target = currentTarget(this.uri);
    if (!target) return this.post({ type: 'predicted', result: null });
    try {
      const c = await modelServer(this.context, this.uri);
      const result = await c.sendRequest(PredictRequest.type, { uri: this.uri.toString(), dims: settings(this.uri).dims, target });
      this.post({ type: 'predicted', result });
    } catch (e) {
      this.post({ type: 'predicted', result: null });
      void vscode.window.showWarningMessage(`LayerLens: no prediction for the target: ${typedError(e).message}`);
    }
  }

  /** Messages wait until the webview has said it is ready. */
  post(m: ToWebview): void {
    if (this.ready) this.send(m);
    else this.queue.push(m);
  }

  private send(m: ToWebview): void {
    if (m.type === 'model') mark('posted', { uri: this.uri.toString() });
    void this.panel.webview.postMessage(m);
  }

  private focusChanged(): void {
    if (this.panel.active) this.showStatus();
    else if (!activePanel()) this.status.hide();
  }

  private showStatus(): void {
    if (this.summary && this.panel.active) this.status.show(fileName(this.uri), this.summary, profileOf(this.uri));
  }

  async load(): Promise<void> {
    const name = fileName(this.uri);
    this.post({ type: 'loading', fileName: name, stage: 'reading and analysing the model' });
    try {
      const c = await modelServer(this.context, this.uri);
      mark('server', { uri: this.uri.toString() });
      // Gzip-compressed JSON: the extension host hands the (possibly many-megabyte) view model to the
      // webview without parsing or re-serialising it, as a byte array, which VS Code relays as a binary
      // buffer; the webview decompresses and parses it (docs/benchmarks.md, "open path in VS Code").
      const params = { uri: this.uri.toString(), dims: settings(this.uri).dims, as: 'gzip' as const };
      const r = await c.sendRequest(GraphViewRequest.gzipType, params);
      if (!r) throw new Error('the language server returned no graph for this file');
      // Copied out of Node's shared pool into a buffer of its own: VS Code sends a view's whole buffer.
      const view = new Uint8Array(Buffer.from(r.gzip, 'base64'));
      mark('received', { uri: this.uri.toString(), bytes: r.bytes, gzipBytes: view.byteLength, nodes: r.summary.nodes, ...r.timing });
      this.post({ type: 'model', fileName: name, view, colorMetric: settings(this.uri).colorMetric, profile: profileOf(this.uri), dims: params.dims ?? {} });
      this.summary = r.summary;
      this.showStatus();
      void this.predict();
      // A view opened on a model measured earlier in this session offers its sensitivity (metric and
      // column); not after a reload, when the file may have changed since the measurement.
      const sensitivity = this.loads++ === 0 ? sensitivityOf(this.uri) : null;
      if (sensitivity) this.post({ type: 'sensitivity', result: sensitivity, select: false });
    } catch (e) {
      const err = typedError(e);
      this.summary = null;
      // The error page replaces the model: the status bar must not keep showing its (or another model's) totals.
      if (this.panel.active) this.status.hide();
      this.post({ type: 'error', fileName: name, ...err, hint: 'The file may be truncated, not an ONNX model, or refer to external data outside its folder. "Open as Text" shows what can be read.' });
    }
  }

  private async onMessage(m: FromWebview): Promise<void> {
    const c = await modelServer(this.context, this.uri);
    const uri = this.uri.toString();
    switch (m.type) {
      case 'ready':
        this.ready = true;
        mark('ready', { uri });
        for (const q of this.queue.splice(0)) this.send(q);
        return;
      case 'nodeDetails': {
        const details = await c.sendRequest(NodeDetailsRequest.type, { uri, node: m.node, dims: settings(this.uri).dims }).catch(() => null);
        return this.post({ type: 'details', requestId: m.requestId, details });
      }
      case 'listFixes': {
        const r = await c.sendRequest(ListFixesRequest.type, { uri, node: m.node, dims: settings(this.uri).dims }).catch(() => ({ fixes: [] }));
        return this.post({ type: 'fixes', requestId: m.requestId, node: m.node, fixes: r.fixes });
      }
      case 'profile':
        await profileModel(this.context, this.uri, (state, message) => this.post({ type: 'profileState', state, ...(message ? { message } : {}) }));
        return;
      case 'cancelProfile':
        return cancelProfile(this.uri);
      case 'previewFix':
        return this.preview(m.ruleId, m.title, m.node);
      case 'commitFix':
        return this.commit(m.write);
      case 'discardFix':
        if (this.candidate) await discardFix(this.context, this.uri, this.candidate.path);
        this.post({ type: 'fixState', state: 'discarded', ruleId: this.candidate?.ruleId ?? '' });
        this.candidate = null;
        return;
      case 'reveal':
        if (m.onlyIfOpen && !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === textViewUri(this.uri).toString())) return;
        await revealNode(this.uri, m.node, m.onlyIfOpen ? { preserveFocus: true } : {});
        return;
      case 'openAsText':
        await openAsText(this.uri).catch(() => undefined); // the failure is shown to the user
        return;
      case 'export':
        await exportFrom(this, m.format);
        return;
      case 'bindDims':
        await bindDims(this.uri, m.names);
        return;
      case 'image':
        return this.imageWaiters.get(m.requestId)?.(m);
      case 'log':
        if (m.level === 'error') console.error(`[layerlens webview] ${m.message}`);
        return;
    }
  }

  private readonly imageWaiters = new Map<number, (m: Extract<FromWebview, { type: 'image' }>) => void>();
  private nextImage = 1;

  /** The model's metrics in an export format, made by the language server from its analysis. */
  async metricsText(format: 'csv' | 'json' | 'model-explorer' | 'netron'): Promise<string> {
    return exportMetrics(await modelServer(this.context, this.uri), this.uri.toString(), settings(this.uri).dims, format, profileOf(this.uri));
  }

  /** Asks the webview to render the graph as it is shown (SVG text, or PNG as base64). */
  renderImage(format: 'svg' | 'png'): Promise<string> {
    const requestId = this.nextImage++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.imageWaiters.delete(requestId);
        reject(new Error('the graph view did not render the image within 30 s'));
      }, 30_000);
      this.imageWaiters.set(requestId, (m) => {
        clearTimeout(timer);
        this.imageWaiters.delete(requestId);
        if (m.error) reject(new Error(`the graph view could not render the image: ${m.error}`));
        else resolve(m.data);
      });
      this.post({ type: 'renderImage', requestId, format });
    });
  }

  private async preview(ruleId: string, title: string, node?: string): Promise<void> {
    if (this.candidate) await discardFix(this.context, this.uri, this.candidate.path).catch(() => undefined);
    this.candidate = null;
    this.post({ type: 'fixState', state: 'verifying', ruleId, ...(node ? { node } : {}) });
    try {
      const result = await previewFix(this.context, this.uri, ruleId, node);
      if (result.passed && result.candidate) this.candidate = { ruleId, path: result.candidate };
      this.post({ type: 'fixState', state: result.passed ? 'preview' : 'failed', ruleId, ...(node ? { node } : {}), preview: { ruleId, title, ...(node ? { node } : {}), result }, ...(result.passed ? {} : { message: result.failures.join('; ') || 'the rule did not apply' }) });
    } catch (e) {
      this.post({ type: 'fixState', state: 'failed', ruleId, ...(node ? { node } : {}), message: (e as Error).message });
    }
  }

  private async commit(write: 'new-file' | 'in-place'): Promise<void> {
    const cand = this.candidate;
    if (!cand) return;
    this.candidate = null;
    try {
      const written = await finishCommit(this.context, this.uri, cand.ruleId, cand.path, write);
      this.post({ type: 'fixState', state: 'applied', ruleId: cand.ruleId, written });
    } catch (e) {
      this.post({ type: 'fixState', state: 'failed', ruleId: cand.ruleId, message: (e as Error).message });
    }
  }

  dispose(): void {
    if (this.candidate) void discardFix(this.context, this.uri, this.candidate.path).catch(() => undefined);
    removePanel(this);
    if (!activePanel()) this.status.hide();
    this.disposables.forEach((d) => d.dispose());
  }
}

export class GraphEditorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument> {
  static readonly viewType = 'layerlens.graph';

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly status: ModelStatusBar,
    private readonly html: (webview: vscode.Webview, title: string) => string,
  ) {}

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    return new ModelDocument(uri);
  }

  resolveCustomEditor(doc: ModelDocument, panel: vscode.WebviewPanel): void {
    mark('resolve', { uri: doc.uri.toString() });
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.context) };
    panel.webview.html = this.html(panel.webview, `LayerLens: ${fileName(doc.uri)}`);
    new GraphPanel(this.context, doc.uri, panel, this.status);
  }
}
