// Activation wires the graph editor, the text view provider, commands and the status bar, and starts
// the language server (and so its model worker) at once: every activation event (a model or text view
// opened, a command run, a workspace with a layerlens.budget.json) needs it, and a graph editor being
// opened gets a server already starting while VS Code resolves the editor (docs/benchmarks.md,
// "open path in VS Code").
import * as vscode from 'vscode';
import { ModelSummaryRequest, modelUriOf } from '../protocol/requests';
import { onModelChanged, routeApplyFix, server, SHOW_VALUES_COMMAND, stopServer } from './client';
import { OPTIMIZATIONS } from '../protocol/optimizations';
import { openCompare } from './compare';
import { exportFrom, EXPORT_CHOICES } from './export';
import { optimizeModel, quantizeWithinBudget, runFixFlow, undoLastFix } from './fixes';
import { GraphEditorProvider } from './graph-editor';
import { measureSensitivity } from './sensitivity';
import { graphPanelsOf } from './panels';
import { profileOf } from './models';
import { fileName, targetModel } from './model-uri';
import { profileModel } from './profile';
import { ModelStatusBar } from './status-bar';
import { pickTarget, TargetStatusBar } from './target';
import { nodeAtPosition, openAsText, showTensorValues, symbolsOf, TextViewProvider } from './text-view';
import { webviewHtml } from './webview-html';
import { mark } from './open-trace';
import type { ExportFormat } from '../protocol/webview';

async function needModel(arg: unknown): Promise<vscode.Uri | undefined> {
  const uri = targetModel(arg);
  if (!uri) void vscode.window.showWarningMessage('LayerLens: open or select an .onnx or .tflite model first.');
  return uri;
}

async function showGraph(uri: vscode.Uri): Promise<void> {
  if (graphPanelsOf(uri).length === 0) await vscode.commands.executeCommand('vscode.openWith', uri, GraphEditorProvider.viewType);
}

export function activate(context: vscode.ExtensionContext): void {
  mark('activate');
  const status = new ModelStatusBar();
  const textViews = new TextViewProvider(context);
  const html = (w: vscode.Webview, title: string) => webviewHtml(w, context, 'graph', title);
  const provider = new GraphEditorProvider(context, status, html);

  const command = (id: string, f: (arg: unknown, ...rest: unknown[]) => unknown) => vscode.commands.registerCommand(id, f);
  routeApplyFix((a) => {
    const title = OPTIMIZATIONS.find((o) => o.ruleId === a.ruleId)?.label ?? a.ruleId;
    return runFixFlow(context, vscode.Uri.parse(a.modelUri), a.ruleId, title, a.anchor, a.options);
  });
  // Started now, not on the first request (budgets, issue 17: a workspace with a budget file gets its
  // violations without opening a model).
  void server(context).catch(() => undefined); // a failure is reported again by the first request
  context.subscriptions.push(
    status,
    new TargetStatusBar(),
    command('layerlens.pickTarget', () => pickTarget()),
    vscode.window.registerCustomEditorProvider(GraphEditorProvider.viewType, provider, { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: true }),
    vscode.workspace.registerTextDocumentContentProvider('layerlens', textViews),
    onModelChanged((u) => textViews.refresh(u)),
    command('layerlens.profileModel', async (arg) => {
      const uri = await needModel(arg);
      if (!uri) return null;
      await showGraph(uri);
      const post = (state: 'running' | 'done' | 'cancelled' | 'failed', message?: string) => graphPanelsOf(uri).forEach((p) => p.post({ type: 'profileState', state, ...(message ? { message } : {}) }));
      return profileModel(context, uri, post);
    }),
    command('layerlens.openAsText', async (arg) => {
      const uri = await needModel(arg);
      if (uri) await openAsText(uri);
    }),
    vscode.commands.registerCommand(SHOW_VALUES_COMMAND, (uri: unknown, name: unknown) => showTensorValues(context, uri, name)),
    command('layerlens.openAsGraph', async (arg) => {
      const uri = await needModel(arg);
      if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, GraphEditorProvider.viewType);
    }),
    command('layerlens.optimizeModel', async (arg) => {
      const uri = await needModel(arg);
      return uri ? optimizeModel(context, uri) : null;
    }),
    command('layerlens.quantizeWithinBudget', async (arg) => {
      const uri = await needModel(arg);
      return uri ? quantizeWithinBudget(context, uri) : null;
    }),
    command('layerlens.measureSensitivity', async (arg, kind?: unknown) => {
      const uri = await needModel(arg);
      return uri ? measureSensitivity(context, uri, typeof kind === 'string' ? (kind as Parameters<typeof measureSensitivity>[2]) : undefined) : null;
    }),
    command('layerlens.compareWith', async (arg) => {
      const uri = await needModel(arg);
      if (!uri) return;
      const other = await pickOtherModel(uri);
      if (other) await openCompare(context, uri, other);
    }),
    // Also scriptable (keybindings, tasks, tests): layerlens.exportGraph(modelUri, { format, target }).
    vscode.commands.registerCommand('layerlens.exportGraph', async (arg: unknown, options?: { format?: ExportFormat; target?: vscode.Uri }) => {
      const uri = await needModel(arg);
      if (!uri) return null;
      await showGraph(uri);
      const panel = await until(() => graphPanelsOf(uri).find((p) => p.loaded));
      const format = options?.format ?? (await vscode.window.showQuickPick(EXPORT_CHOICES, { title: `Export ${fileName(uri)}` }))?.format;
      if (!panel) throw new Error(`LayerLens: the graph view of ${fileName(uri)} did not load`);
      if (!format) return null;
      return exportFrom(panel, format, options?.target);
    }),
    command('layerlens.undoFix', () => undoLastFix()),
    command('layerlens.fixesAtCursor', () => fixesAtCursor()),
    vscode.window.onDidChangeTextEditorSelection((e) => followCursor(e.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((e) => void textViewStatus(context, status, e)),
  );
}

/** Polls for up to 30 s (a graph view that was just opened loads its model). */
async function until<T>(probe: () => T | undefined): Promise<T | undefined> {
  for (let i = 0; i < 150; i++) {
    const v = probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

/** The other models (.onnx, .tflite) beside the model (where fixes write theirs), then Browse…. */
async function pickOtherModel(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const dir = vscode.Uri.joinPath(uri, '..');
  const entries = await vscode.workspace.fs.readDirectory(dir).then(undefined, () => [] as [string, vscode.FileType][]);
  const files = entries
    .filter(([name, type]) => type === vscode.FileType.File && /\.(onnx|tflite)$/i.test(name) && !name.startsWith('.'))
    .map(([name]) => vscode.Uri.joinPath(dir, name))
    .filter((f) => f.toString() !== uri.toString());
  const browse = { label: '$(folder-opened) Browse…', uri: undefined as vscode.Uri | undefined };
  const items = [...files.map((f) => ({ label: fileName(f), description: vscode.workspace.asRelativePath(f), uri: f as vscode.Uri | undefined })), browse];
  const pick = await vscode.window.showQuickPick(items, { title: `Compare ${fileName(uri)} with…` });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Models: ['onnx', 'tflite'], 'ONNX models': ['onnx'], 'TFLite models': ['tflite'] } });
  return chosen?.[0];
}

/**
 * The text view is read-only, and VS Code offers no quick fixes (Ctrl+., the light bulb) in read-only
 * editors: this lists the language server's code actions at the cursor in a quick pick instead, bound
 * to the same key there. The chosen one runs through the verified fix flow.
 */
async function fixesAtCursor(): Promise<unknown> {
  const e = vscode.window.activeTextEditor;
  if (!e || e.document.languageId !== 'onnxtxt') return null;
  const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', e.document.uri, e.selection)) ?? [];
  const items = actions.filter((a) => a.command).map((a) => ({ label: a.title, description: a.kind?.value === 'quickfix' ? 'at this node' : 'whole model', action: a }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('LayerLens: no rewrite applies here.');
    return null;
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'LayerLens: verified fixes', placeHolder: 'Each is verified in ONNX Runtime before anything is written' });
  return pick ? vscode.commands.executeCommand(pick.action.command!.command, ...(pick.action.command!.arguments ?? [])) : null;
}

let cursorTimer: NodeJS.Timeout | undefined;

/** The node under the cursor in a text view is highlighted in the graph views of that model. */
function followCursor(editor: vscode.TextEditor): void {
  const model = modelUriOf(editor.document.uri.toString());
  if (!model) return;
  clearTimeout(cursorTimer);
  cursorTimer = setTimeout(async () => {
    const node = nodeAtPosition(await symbolsOf(editor.document), editor.selection.active);
    if (node) graphPanelsOf(vscode.Uri.parse(model)).forEach((p) => p.post({ type: 'highlight', node }));
  }, 120);
}

async function textViewStatus(context: vscode.ExtensionContext, status: ModelStatusBar, e: vscode.TextEditor | undefined): Promise<void> {
  if (!e || e.document.languageId !== 'onnxtxt') return;
  const c = await server(context);
  const r = await c.sendRequest(ModelSummaryRequest.type, { uri: e.document.uri.toString() }).catch(() => null);
  if (!r || vscode.window.activeTextEditor !== e) return;
  const model = modelUriOf(e.document.uri.toString());
  status.show(fileName(e.document.uri), { nodes: r.nodes, macs: r.macs, flops: r.flops, params: r.params, totalsIncomplete: r.totalsIncomplete }, model ? profileOf(vscode.Uri.parse(model)) : null);
}

export function deactivate(): Promise<void> {
  return stopServer();
}
