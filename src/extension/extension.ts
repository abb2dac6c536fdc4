// Activation only wires: the graph editor, the text view provider, commands, the status bar. The
// language server starts on first use (a model or text view opened, a command run).
import * as vscode from 'vscode';
import { ModelSummaryRequest, modelUriOf, type ModelSummaryResult } from '../protocol/requests';
import { onModelChanged, server, stopServer } from './client';
import { openCompare } from './compare';
import { exportFrom, EXPORT_CHOICES } from './export';
import { optimizeModel, undoLastFix } from './fixes';
import { GraphEditorProvider, graphPanelsOf } from './graph-editor';
import { profileOf } from './models';
import { fileName, targetModel } from './model-uri';
import { profileModel } from './profile';
import { ModelStatusBar } from './status-bar';
import { nodeAtPosition, openAsText, symbolsOf, TextViewProvider } from './text-view';
import { webviewHtml } from './webview-html';

async function needModel(arg: unknown): Promise<vscode.Uri | undefined> {
  const uri = targetModel(arg);
  if (!uri) void vscode.window.showWarningMessage('LayerLens: open or select an .onnx model first.');
  return uri;
}

async function showGraph(uri: vscode.Uri): Promise<void> {
  if (graphPanelsOf(uri).length === 0) await vscode.commands.executeCommand('vscode.openWith', uri, GraphEditorProvider.viewType);
}

export function activate(context: vscode.ExtensionContext): void {
  const status = new ModelStatusBar();
  const textViews = new TextViewProvider(context);
  const html = (w: vscode.Webview, title: string) => webviewHtml(w, context, 'graph', title);
  const provider = new GraphEditorProvider(context, status, html);

  const command = (id: string, f: (arg: unknown) => unknown) => vscode.commands.registerCommand(id, f);
  context.subscriptions.push(
    status,
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
    command('layerlens.openAsGraph', async (arg) => {
      const uri = await needModel(arg);
      if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, GraphEditorProvider.viewType);
    }),
    command('layerlens.optimizeModel', async (arg) => {
      const uri = await needModel(arg);
      return uri ? optimizeModel(context, uri) : null;
    }),
    command('layerlens.compareWith', async (arg) => {
      const uri = await needModel(arg);
      if (!uri) return;
      const other = await pickOtherModel(uri);
      if (other) await openCompare(context, uri, other);
    }),
    command('layerlens.exportGraph', async (arg) => {
      const uri = await needModel(arg);
      if (!uri) return;
      await showGraph(uri);
      const panel = graphPanelsOf(uri)[0];
      const pick = await vscode.window.showQuickPick(EXPORT_CHOICES, { title: `Export ${fileName(uri)}` });
      if (panel && pick) await exportFrom(context, panel, pick.format);
    }),
    command('layerlens.undoFix', () => undoLastFix()),
    vscode.window.onDidChangeTextEditorSelection((e) => followCursor(e.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((e) => void textViewStatus(context, status, e)),
  );
}

async function pickOtherModel(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const files = (await vscode.workspace.findFiles('**/*.onnx', '**/node_modules/**', 200)).filter((f) => f.toString() !== uri.toString());
  const browse = { label: '$(folder-opened) Browse…', uri: undefined as vscode.Uri | undefined };
  const items = [...files.map((f) => ({ label: fileName(f), description: vscode.workspace.asRelativePath(f), uri: f as vscode.Uri | undefined })), browse];
  const pick = await vscode.window.showQuickPick(items, { title: `Compare ${fileName(uri)} with…` });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX models': ['onnx'] } });
  return chosen?.[0];
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
  const r = await c.sendRequest<ModelSummaryResult | null>(ModelSummaryRequest, { uri: e.document.uri.toString() }).catch(() => null);
  if (!r || vscode.window.activeTextEditor !== e) return;
  const model = modelUriOf(e.document.uri.toString());
  status.show(fileName(e.document.uri), { nodes: r.nodes, macs: r.macs, flops: r.flops, params: r.params, totalsIncomplete: r.totalsIncomplete }, model ? profileOf(vscode.Uri.parse(model)) : null);
}

export function deactivate(): Promise<void> {
  return stopServer();
}
