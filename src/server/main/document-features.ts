// Where each open document's features are answered: a text view the model worker printed is asked of
// the worker (model-worker/text-view.ts); any other document — or a text view whose model changed
// since, which the worker answers STALE — from its parse here (documents.ts), through the same
// feature functions (features/). Diagnostics are published per document version.
import type { Connection, Diagnostic } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnostics } from '../features/diagnostics';
import type { DocumentState } from '../features/document-state';
import { errorData } from '../shared/errors';
import { STALE, type ModelOps, type TextViewArgs, type TextViewOp } from '../shared/model-protocol';
import { fallBack, servedArgs, stateOf } from './documents';
import { askModel } from './model-client';

const isStale = (e: unknown): boolean => errorData(e).name === STALE;

/**
 * Answers `op` about `doc`: from the worker when it serves the document, else `local` on its parse.
 * A worker that cannot answer (stopped, over a limit) gives `fallback` when there is one (the
 * document's diagnostics say why), else its typed error.
 */
export async function documentFeature<K extends TextViewOp, R extends ModelOps[K]['result']>(
  doc: TextDocument,
  op: K,
  extra: Omit<ModelOps[K]['args'], keyof TextViewArgs>,
  local: (state: DocumentState) => R,
  fallback?: { value: R },
): Promise<R> {
  const args = servedArgs(doc.uri);
  if (args) {
    try {
      return (await askModel(op, { ...args, ...extra } as ModelOps[K]['args'])) as R;
    } catch (e) {
      if (!isStale(e)) {
        if (fallback) return fallback.value;
        throw e;
      }
      fallBack(doc.uri);
    }
  }
  return local(stateOf(doc));
}

/** Publishes the diagnostics of `doc` (for the version it has now). */
export async function publishDiagnostics(connection: Connection, doc: TextDocument): Promise<void> {
  const version = doc.version;
  let list: Diagnostic[];
  try {
    list = await documentFeature(doc, 'diagnostics', {}, diagnostics);
  } catch (e) {
    const d = errorData(e);
    list = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: `${d.name}: ${d.message}`, severity: DiagnosticSeverity.Error, source: 'layerlens' }];
  }
  if (doc.version === version) await connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: list });
}
