// The LayerLens language server (stdio or IPC): wiring only; each feature lives in its own file.
import { CodeActionKind, createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { buildViewModel } from '../core/view/view-model';
import { ApplyFixCommand, CompileCommand, GraphViewRequest, ModelChangedNotification, NodeDetailsRequest, modelUriOf, type CompileArgs, type NodeDetailsParams, ListFixesRequest, ModelSummaryRequest, ProfileRequest, TextViewRequest, type ApplyFixArgs, type GraphViewParams, type ListFixesParams, type ListFixesResult, type ProfileParams, type ModelSummaryParams, type ModelSummaryResult, type TextViewParams, type TextViewResult } from '../protocol/requests';
import { codeActions } from './code-actions';
import { runJob } from './jobs';
import { compile } from './compile';
import { fixesAt, nodeDetails } from './details';
import { diagnostics } from './diagnostics';
import { forget, stateOf } from './documents';
import { hover } from './hover';
import { profile } from './profile';
import { profileOf } from './profiles';
import { textView } from './text-view';
import { codeLenses, inlayHints } from './inlay-hints';
import { definition, references, symbols } from './navigation';
import { fileURLToPath } from 'node:url';

const connection = createConnection(ProposedFeatures.all);
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
    executeCommandProvider: { commands: [ApplyFixCommand, CompileCommand] },
    inlayHintProvider: true,
    codeLensProvider: { resolveProvider: false },
  },
  serverInfo: { name: 'layerlens', version: '0.1.0' },
}));

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
connection.onExecuteCommand(async (p) => {
  if (p.command === ApplyFixCommand) return runJob('applyFix', (p.arguments ?? [])[0] as ApplyFixArgs);
  if (p.command === CompileCommand) return compile((p.arguments ?? [])[0] as CompileArgs);
  return null;
});

connection.onRequest(NodeDetailsRequest, (p: NodeDetailsParams) => withDoc(p.uri, (d) => nodeDetails(stateOf(d), p.node), null));

/** A watched .onnx changed: tell the client, which refreshes its text and graph views. */
connection.onDidChangeWatchedFiles((p) => {
  for (const c of p.changes) if (c.uri.endsWith('.onnx')) void connection.sendNotification(ModelChangedNotification, { uri: c.uri });
});

connection.onRequest(ProfileRequest, async (p: ProfileParams, token) => {
  const progress = await connection.window.attachWorkDoneProgress(p.workDoneToken);
  return profile(p, token, progress);
});

connection.onRequest(GraphViewRequest, (p: GraphViewParams) =>
  withDoc(
    p.uri,
    (d) => {
      const st = stateOf(d);
      return st.analysis && st.parse.model ? buildViewModel(st.parse.model, st.analysis) : null;
    },
    null,
  ),
);

connection.onRequest(ListFixesRequest, (p: ListFixesParams): ListFixesResult => withDoc(p.uri, (d) => ({ fixes: fixesAt(stateOf(d), p.node) }), { fixes: [] }));

connection.onRequest(TextViewRequest, async (p: TextViewParams): Promise<TextViewResult> => ({ text: await textView(fileURLToPath(p.uri)) }));

connection.onRequest(ModelSummaryRequest, (p: ModelSummaryParams): ModelSummaryResult | null =>
  withDoc(
    p.uri,
    (d) => {
      const a = stateOf(d).analysis;
      if (!a) return null;
      const r = a.report;
      return { nodes: r.model.nodeCount, macs: r.totals.macs, flops: r.totals.flops, params: r.totals.params, totalsIncomplete: r.totalsIncomplete };
    },
    null,
  ),
);

documents.listen(connection);
connection.listen();
