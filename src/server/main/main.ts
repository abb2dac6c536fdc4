// The LayerLens language server's main thread (stdio or IPC): wiring only. Features live in
// features/ (run here for hand-written documents, in the model worker for text views), models are
// read and analysed in the model worker process (model-client.ts), heavy jobs in the jobs worker
// process (jobs-client.ts). Every custom request answers failures as typed errors with data, and
// names only files the client may have the server read (access.ts).
import { CodeActionKind, DidChangeWorkspaceFoldersNotification, TextDocuments, TextDocumentSyncKind, type CancellationToken, type CodeLens, type RequestType, type WorkDoneProgressReporter } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ViewModel } from '../../protocol/view-model';
import { buildViewModel } from '../features/view-model';
import { ListFixesRequest } from '../../protocol/fixes';
import { ExportMetricsRequest, GraphViewRequest, ModelChangedNotification, ModelSummaryRequest, NodeDetailsRequest, OpenModelNotification, PredictRequest, ProfileRequest, TensorValuesRequest, TextViewRequest, modelUriOf, textViewUriFor, type GraphViewGzip, type GraphViewParams, type GraphViewText, type ModelSummaryResult } from '../../protocol/requests';
import { type DimBindings, type ModelErrorData } from '../../protocol/rpc';
import { codeActions } from '../features/code-actions';
import { fixesAt, nodeDetails } from '../features/details';
import { hover } from '../features/hover';
import { summaryOf } from '../features/summary';
import { codeLenses, inlayHints } from '../features/inlay-hints';
import { predictedLens, predictedLensTitle, predictionResult } from '../features/predict';
import { definition, references, symbols } from '../features/navigation';
import { UsageError } from '../../core/errors';
import { modelError, RelayedError } from '../shared/errors';
import { changeFolders, checkAccess, grant, pathOf } from './access';
import { COMMANDS, registerCommands } from './commands';
import { documentFeature, publishDiagnostics } from './document-features';
import { closed, currentDims, modelPathOf, notePrinted, opened, servedArgs, setDims, stateOf } from './documents';
import { askModel, invalidateModel, warmModelWorker } from './model-client';
import { profile, sensitivity } from './profile';
import { SensitivityRequest } from '../../protocol/compress';
import { profileOf } from './profiles';
import { checkCount, checkDims } from './request-checks';
import { setTarget, targetProfile } from './target';
import { onRawRequest, RawJson, serverConnection } from './transport';
import { gzipView } from '../shared/gzip-view';
import { budgetFilesChanged, onBudgetsChanged, scanBudgets } from './budgets'; // budgets (issue 17)

const connection = serverConnection();
const documents = new TextDocuments(TextDocument);
const pending = new Map<string, NodeJS.Timeout>();

/** The client's command that shows a constant's values (initializationOptions.showValuesCommand), if it has one. */
let valuesCommand: string | undefined;

connection.onInitialize((p) => {
  const command = (p.initializationOptions as { showValuesCommand?: unknown } | undefined)?.showValuesCommand;
  if (typeof command === 'string') valuesCommand = command;
  changeFolders([...(p.workspaceFolders ?? []).map((f) => f.uri), ...(p.rootUri ? [p.rootUri] : [])]);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      executeCommandProvider: { commands: COMMANDS },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'layerlens', version: '0.1.0' },
  };
});

// The extension starts the server when it activates, on a model being opened: the model worker is
// started now, so its start-up (a process loading its bundle) overlaps the initialize handshake and the
// client's start instead of following it (docs/benchmarks.md, "open path in VS Code").
warmModelWorker();
connection.onInitialized(() => {
  void scanBudgets(connection); // budgets (issue 17): check the workspace's layerlens.budget.json files
});
connection.onNotification(DidChangeWorkspaceFoldersNotification.type, (p) => {
  changeFolders(p.event.added.map((f) => f.uri), p.event.removed.map((f) => f.uri));
  void scanBudgets(connection); // budgets (issue 17): budget files of the folders added, dropped of those removed
});
connection.onNotification(OpenModelNotification.type, (p) => grant(p.uri));

const republishAll = (): void => documents.all().forEach((d) => void publishDiagnostics(connection, d));
onBudgetsChanged(republishAll); // budgets (issue 17): text views show their model's budget violations

/** The client's settings (synchronize.configurationSection 'layerlens'): dim sizes for open documents. */
connection.onDidChangeConfiguration((p) => {
  const s = (p.settings as { layerlens?: { dims?: Record<string, unknown>; target?: unknown } } | null)?.layerlens;
  setTarget(s?.target);
  if (setDims(s?.dims ?? {})) republishAll();
});

documents.onDidOpen((e) => {
  grant(e.document.uri);
  const model = modelUriOf(e.document.uri);
  if (model) grant(model);
});
/** Re-analysis is debounced: typing does not re-run it on every keystroke. */
documents.onDidChangeContent((e) => {
  opened(e.document);
  clearTimeout(pending.get(e.document.uri));
  pending.set(
    e.document.uri,
    setTimeout(() => {
      pending.delete(e.document.uri);
      const doc = documents.get(e.document.uri);
      if (doc) void publishDiagnostics(connection, doc);
    }, 150),
  );
});
documents.onDidClose((e) => {
  closed(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

const doc = (uri: string): TextDocument | undefined => documents.get(uri);
const measured = (uri: string) => profileOf(modelUriOf(uri));

connection.onHover(async (p) => {
  const d = doc(p.textDocument.uri);
  const m = measured(p.textDocument.uri);
  if (!d) return null;
  const link = valuesCommand ? { valuesLink: { command: valuesCommand, uri: d.uri } } : {};
  return documentFeature(d, 'hover', { position: p.position, ...(m ? { measured: m } : {}), ...(valuesCommand ? { valuesCommand } : {}) }, (s) => hover(s, p.position, { ...(m ? { measured: m } : {}), ...link }), { value: null });
});
connection.onDefinition(async (p) => {
  const d = doc(p.textDocument.uri);
  return d ? documentFeature(d, 'definition', { position: p.position }, (s) => definition(s, d.uri, p.position), { value: [] }) : [];
});
connection.onReferences(async (p) => {
  const d = doc(p.textDocument.uri);
  return d ? documentFeature(d, 'references', { position: p.position }, (s) => references(s, d.uri, p.position), { value: [] }) : [];
});
connection.onDocumentSymbol(async (p) => {
  const d = doc(p.textDocument.uri);
  return d ? documentFeature(d, 'symbols', {}, symbols, { value: [] }) : [];
});
connection.languages.inlayHint.on(async (p) => {
  const d = doc(p.textDocument.uri);
  return d ? documentFeature(d, 'inlayHints', { range: p.range }, (s) => inlayHints(s, p.range), { value: [] }) : [];
});
connection.onCodeLens(async (p) => {
  const d = doc(p.textDocument.uri);
  if (!d) return [];
  const lenses = await documentFeature(d, 'codeLenses', {}, (s) => codeLenses(s, d.uri), { value: [] });
  return [...lenses, ...(await targetLens(d))];
});

/** The predicted-latency lens of a document when a target is set (none when it cannot be predicted: the hover and diagnostics say why). */
async function targetLens(d: TextDocument): Promise<CodeLens[]> {
  try {
    const profile = targetProfile();
    if (!profile) return [];
    const served = servedArgs(d.uri);
    if (!served) return predictedLens(stateOf(d), profile, currentDims());
    const r = await askModel('predict', { path: served.path, dims: served.dims, profile });
    return [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, command: { title: predictedLensTitle(r), command: '' } }];
  } catch {
    return [];
  }
}
connection.onCodeAction(async (p) => {
  const d = doc(p.textDocument.uri);
  return d ? documentFeature(d, 'codeActions', { range: p.range }, (s) => codeActions(s, d.uri, p.range), { value: [] }) : [];
});

registerCommands(connection);

/** A watched model (.onnx, .tflite) changed: drop what the model worker holds of it and tell the client, which refreshes its views. */
connection.onDidChangeWatchedFiles((p) => {
  budgetFilesChanged(p.changes); // budgets (issue 17): a budget file or a model changed
  for (const c of p.changes) {
    if (!/\.(onnx|tflite)$/i.test(c.uri)) continue;
    if (c.uri.startsWith('file:')) invalidateModel(pathOf(c.uri));
    void connection.sendNotification(ModelChangedNotification.type, { uri: c.uri });
  }
});

/** Answers failures of a custom request's handler as typed errors (ModelErrorData). */
function typed<P, R>(f: (p: P, token: CancellationToken) => R | RawJson | Promise<R | RawJson>): (p: P, token: CancellationToken) => Promise<R | RawJson> {
  return async (p, token) => {
    try {
      return await f(p, token);
    } catch (e) {
      throw modelError(e);
    }
  };
}

/** Registers the handler of a custom request; every failure is answered with a typed error. */
function handle<P, R>(type: RequestType<P, R, ModelErrorData>, f: (p: P, token: CancellationToken) => R | Promise<R>): void {
  connection.onRequest(type, typed(f) as (p: P, token: CancellationToken) => Promise<R>);
}

/** Work-done progress of a request whose params carry a workDoneToken (a no-op reporter otherwise). */
const progressOf = (p: { workDoneToken?: string | number }): WorkDoneProgressReporter => connection.window.attachWorkDoneProgress(p.workDoneToken);

/**
 * Where a request about `uri` is answered: the model worker, for a `file:` .onnx model (its path, the
 * request's dims) or a text view it serves (its model, the setting's dims); or a document parsed here.
 */
function target(uri: string, dims: unknown): { path: string; dims: DimBindings } | { doc: TextDocument } | null {
  if (uri.startsWith('file:') && /\.(onnx|tflite)$/i.test(uri)) return { path: checkAccess(uri), dims: checkDims(dims) };
  const d = doc(uri);
  if (!d) return null;
  const s = servedArgs(uri);
  return s ? { path: s.path, dims: s.dims } : { doc: d };
}

handle(NodeDetailsRequest.type, (p, token) => {
  const t = target(p.uri, p.dims);
  if (!t) return null;
  return 'path' in t ? askModel('nodeDetails', { ...t, node: p.node }, { token }) : nodeDetails(stateOf(t.doc), p.node);
});

handle(ListFixesRequest.type, (p, token) => {
  const t = target(p.uri, p.dims);
  if (!t) return { fixes: [] };
  return 'path' in t ? askModel('listFixes', { ...t, node: p.node }, { token }) : { fixes: fixesAt(stateOf(t.doc), p.node) };
});

handle(ProfileRequest.type, (p, token) => profile(p, token, progressOf(p)));
handle(SensitivityRequest.type, (p, token) => sensitivity(p, token, progressOf(p)));

onRawRequest(connection, GraphViewRequest.type, typed<GraphViewParams, ViewModel | GraphViewText | GraphViewGzip | null>(async (p, token) => {
  const t = target(p.uri, p.dims);
  if (!t) return null;
  if ('path' in t) {
    if (p.as === 'text' || p.as === 'gzip') return askModel('graphView', { ...t, as: p.as }, { token });
    const r = await askModel('graphView', { ...t, as: 'text' }, { token });
    return new RawJson((r as GraphViewText).json);
  }
  // A text-format model (a document of this server): small, built here.
  const st = stateOf(t.doc);
  if (!st.analysis || !st.parse.model) return null;
  const vm = buildViewModel(st.parse.model, st.analysis);
  if (p.as !== 'text' && p.as !== 'gzip') return vm;
  const json = JSON.stringify(vm);
  return p.as === 'text' ? { json, summary: summaryOf(st.analysis) } : { ...gzipView(json), summary: summaryOf(st.analysis) };
}));

handle(TextViewRequest.type, async (p, token) => {
  const path = checkAccess(p.uri);
  const progress = progressOf(p);
  progress.begin('Opening the model as text', undefined, 'reading the model');
  try {
    const r = await askModel('textView', { path }, { token, onPhase: (ph) => ph === 'loaded' && progress.report('printing its text') });
    notePrinted(textViewUriFor(p.uri), path, r.sha);
    return { text: r.text };
  } finally {
    progress.done();
  }
});

handle(TensorValuesRequest.type, async (p, token) => {
  const path = p.uri.startsWith('file:') ? checkAccess(p.uri) : modelPathOf(p.uri);
  if (!path || (!p.uri.startsWith('file:') && !doc(p.uri))) return null;
  const limit = checkCount(p.limit, 'limit', 1, 100_000_000) ?? 1_000_000;
  const r = await askModel('tensorValues', { path, name: String(p.name), limit }, { token });
  return r;
});

handle(ModelSummaryRequest.type, (p, token): ModelSummaryResult | null | Promise<ModelSummaryResult> => {
  const t = target(p.uri, p.dims);
  if (!t) return null;
  if ('path' in t) return askModel('modelSummary', t, { token });
  const st = stateOf(t.doc);
  if (st.analysisError) throw new RelayedError(st.analysisError);
  return st.analysis ? summaryOf(st.analysis) : null;
});

handle(PredictRequest.type, async (p, token) => {
  const profile = targetProfile(p.target);
  if (!profile) return null;
  const t = target(p.uri, p.dims);
  if (!t) return null;
  if ('path' in t) return askModel('predict', { ...t, profile }, { token });
  const st = stateOf(t.doc);
  return st.analysis && st.parse.model ? predictionResult(st.parse.model, st.analysis, profile, currentDims()) : null;
});

handle(ExportMetricsRequest.type, (p, token) => {
  const t = target(p.uri, p.dims);
  if (!t || !('path' in t)) throw new UsageError(`exports are made for model files (file: URIs of .onnx or .tflite files), not ${p.uri}`);
  const { format, metric, latency, profile } = p;
  return askModel('exportMetrics', { ...t, format, ...(metric ? { metric } : {}), ...(latency ? { latency } : {}), ...(profile ? { profile } : {}) }, { token });
});

documents.listen(connection);
connection.listen();
