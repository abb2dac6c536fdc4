// The LayerLens language server (stdio or IPC): wiring only; each feature lives in its own file.
import { CodeActionKind, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ViewModel } from '../protocol/view-model';
import { buildViewModel } from './view/build-view-model';
import {
  ApplyFixCommand,
  CommitFixCommand,
  CompileCommand,
  DiscardFixCommand,
  ExportMetricsRequest,
  GraphViewRequest,
  ListFixesRequest,
  ModelChangedNotification,
  ModelSummaryRequest,
  NodeDetailsRequest,
  ProfileRequest,
  QuantizeWithinBudgetCommand,
  TextViewRequest,
  modelUriOf,
  type ApplyFixArgs,
  type ApplyFixResult,
  type QuantizeWithinBudgetArgs,
  type CommitFixArgs,
  type CommitFixResult,
  type CompileArgs,
  type DiscardFixArgs,
  type ExportMetricsParams,
  type ExportMetricsResult,
  type GraphViewParams,
  type GraphViewText,
  type ListFixesParams,
  type ListFixesResult,
  type ModelSummaryParams,
  type ModelSummaryResult,
  type NodeDetailsParams,
  type ProfileParams,
  type TextViewParams,
  type TextViewResult,
} from '../protocol/requests';
import { codeActions } from './code-actions';
import { modelError } from './errors';
import { runJob } from './jobs';
import { askModel, invalidateModel, isModelFileUri, warmModelWorker } from './model-files';
import { compile } from './compile';
import { fixesAt, nodeDetails } from './details';
import { diagnostics } from './diagnostics';
import { forget, setDims, stateOf } from './documents';
import { hover } from './hover';
import { profile } from './profile';
import { profileOf } from './profiles';
import { textView } from './text-view';
import { RawJson, serverConnection } from './transport';
import { codeLenses, inlayHints } from './inlay-hints';
import { definition, references, symbols } from './navigation';
import { fileURLToPath, pathToFileURL } from 'node:url';

const connection = serverConnection();
const documents = new TextDocuments(TextDocument);
const pending = new Map<string, NodeJS.Timeout>();

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    documentSymbolProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
    executeCommandProvider: { commands: [ApplyFixCommand, CommitFixCommand, DiscardFixCommand, CompileCommand, QuantizeWithinBudgetCommand] },
    inlayHintProvider: true,
    codeLensProvider: { resolveProvider: false },
  },
  serverInfo: { name: 'layerlens', version: '0.1.0' },
}));

// The extension starts the server when a model is opened: have the model worker ready for it.
connection.onInitialized(() => warmModelWorker());

/** The client's settings (synchronize.configurationSection 'layerlens'): dim sizes for open documents. */
connection.onDidChangeConfiguration((p) => {
  const s = (p.settings as { layerlens?: { dims?: Record<string, number> } } | null)?.layerlens;
  if (!setDims(s?.dims ?? {})) return;
  for (const doc of documents.all()) void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnostics(stateOf(doc)) });
});

/** Re-analysis is debounced: typing does not re-run it on every keystroke. */
documents.onDidChangeContent((e) => {
  clearTimeout(pending.get(e.document.uri));
  pending.set(
    e.document.uri,
    setTimeout(() => {
      pending.delete(e.document.uri);
      const doc = documents.get(e.document.uri);
      if (doc) void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnostics(stateOf(doc)) });
    }, 150),
  );
});
documents.onDidClose((e) => {
  forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

const withDoc = <T>(uri: string, f: (doc: TextDocument) => T, fallback: T): T => {
  const doc = documents.get(uri);
  return doc ? f(doc) : fallback;
};

connection.onHover((p) => withDoc(p.textDocument.uri, (d) => hover(stateOf(d), p.position, profileOf(modelUriOf(d.uri))), null));
connection.onDefinition((p) => withDoc(p.textDocument.uri, (d) => definition(stateOf(d), d.uri, p.position), []));
connection.onReferences((p) => withDoc(p.textDocument.uri, (d) => references(stateOf(d), d.uri, p.position), []));
connection.onDocumentSymbol((p) => withDoc(p.textDocument.uri, (d) => symbols(stateOf(d)), []));

connection.languages.inlayHint.on((p) => withDoc(p.textDocument.uri, (d) => inlayHints(stateOf(d), p.range), []));
connection.onCodeLens((p) => withDoc(p.textDocument.uri, (d) => codeLenses(stateOf(d), d.uri), []));
connection.onCodeAction((p) => withDoc(p.textDocument.uri, (d) => codeActions(stateOf(d), d.uri, p.range), []));

/** The server wrote a model file: forget what the model worker holds about it; tell the client when it replaced a model in place. */
function wrote(path: string, inPlace: boolean): void {
  invalidateModel(path);
  if (inPlace) void connection.sendNotification(ModelChangedNotification, { uri: pathToFileURL(path).href });
}

connection.onExecuteCommand(async (p) => {
  const arg = (p.arguments ?? [])[0];
  try {
    switch (p.command) {
      case ApplyFixCommand: {
        const r = await runJob<ApplyFixResult>('applyFix', arg as ApplyFixArgs);
        if (r.written) wrote(r.written, (arg as ApplyFixArgs).write === 'in-place');
        return r;
      }
      case CommitFixCommand: {
        const r = await runJob<CommitFixResult>('commitFix', arg as CommitFixArgs);
        wrote(r.written, (arg as CommitFixArgs).write === 'in-place');
        return r;
      }
      case DiscardFixCommand:
        return await runJob('discardFix', arg as DiscardFixArgs);
      case QuantizeWithinBudgetCommand:
        return await runJob('quantizeWithinBudget', arg as QuantizeWithinBudgetArgs);
      case CompileCommand: {
        const r = compile(arg as CompileArgs);
        invalidateModel(r.written);
        return r;
      }
    }
  } catch (e) {
    throw modelError(e);
  }
  return null;
});

// A `file:` .onnx URI is answered by the model worker (model-files.ts); other URIs by open documents.
connection.onRequest(NodeDetailsRequest, (p: NodeDetailsParams, token) =>
  isModelFileUri(p.uri) ? askModel('nodeDetails', p.uri, p.dims, { node: p.node }, token) : withDoc(p.uri, (d) => nodeDetails(stateOf(d), p.node), null),
);

/** A watched .onnx changed: drop what the model worker holds of it and tell the client, which refreshes its views. */
connection.onDidChangeWatchedFiles((p) => {
  for (const c of p.changes) {
    if (!c.uri.endsWith('.onnx')) continue;
    if (c.uri.startsWith('file:')) invalidateModel(c.uri);
    void connection.sendNotification(ModelChangedNotification, { uri: c.uri });
  }
});

connection.onRequest(ProfileRequest, async (p: ProfileParams, token) => {
  const progress = await connection.window.attachWorkDoneProgress(p.workDoneToken);
  return profile(p, token, progress);
});

connection.onRequest<ViewModel | RawJson | GraphViewText | null, unknown>(GraphViewRequest, (p: GraphViewParams, token): Promise<RawJson | GraphViewText> | ViewModel | null =>
  isModelFileUri(p.uri) ? askModel('graphView', p.uri, p.dims, {}, token).then((r) => (p.as === 'text' ? r : new RawJson(r.json))) : withDoc(
    p.uri,
    (d) => {
      const st = stateOf(d);
      return st.analysis && st.parse.model ? buildViewModel(st.parse.model, st.analysis) : null;
    },
    null,
  ),
);

connection.onRequest(ListFixesRequest, (p: ListFixesParams, token): ListFixesResult | Promise<ListFixesResult> =>
  isModelFileUri(p.uri) ? askModel('listFixes', p.uri, p.dims, { node: p.node }, token) : withDoc(p.uri, (d) => ({ fixes: fixesAt(stateOf(d), p.node) }), { fixes: [] }),
);

connection.onRequest(TextViewRequest, async (p: TextViewParams): Promise<TextViewResult> => ({ text: await textView(fileURLToPath(p.uri)) }));

connection.onRequest(ModelSummaryRequest, (p: ModelSummaryParams, token): ModelSummaryResult | null | Promise<ModelSummaryResult> =>
  isModelFileUri(p.uri) ? askModel('modelSummary', p.uri, p.dims, {}, token) : withDoc(
    p.uri,
    (d) => {
      const a = stateOf(d).analysis;
      if (!a) return null;
      const t = a.cost.totals;
      return { nodes: a.report.model.nodeCount, macs: t.macs, flops: t.flops, params: t.params, weightBytes: t.weightBytes, totalsIncomplete: a.cost.totalsIncomplete };
    },
    null,
  ),
);

connection.onRequest(ExportMetricsRequest, (p: ExportMetricsParams, token): Promise<ExportMetricsResult> => {
  if (!isModelFileUri(p.uri)) throw modelError({ name: 'UsageError', message: `exports are made for model files (file: URIs of .onnx files), not ${p.uri}` });
  const { uri, dims, ...rest } = p;
  return askModel('exportMetrics', uri, dims, rest, token);
});

documents.listen(connection);
connection.listen();
