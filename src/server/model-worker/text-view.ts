// A model's text view, served where the model was decoded: the text is printed from the model with
// the printer's map from text ranges to nodes and values, and the document's hovers, diagnostics,
// symbols, hints, lenses and code actions are answered from that map and the model's analysis — the
// same features (features/) the main thread runs for a hand-written document, on the same state, so a
// model is read once and its printed text never parsed again. A request names the text it is about by
// its sha1: a file changed since is answered STALE (the main thread then parses the document itself).
import { editorTerms } from '../shared/dims';
import { RelayedError } from '../shared/errors';
import { STALE, type ModelOps, type TextViewArgs, type TextViewOp } from '../shared/model-protocol';
import { codeActions } from '../features/code-actions';
import { diagnostics } from '../features/diagnostics';
import type { DocumentState } from '../features/document-state';
import { hover } from '../features/hover';
import { codeLenses, inlayHints } from '../features/inlay-hints';
import { definition, references, symbols } from '../features/navigation';
import { documentEntry, loadedFile, printed, sitesOf } from './model-cache';
import { weightStats } from './weight-stats';

/** The text view's document state: the decoded model, the printer's map, the analysis with `dims`. */
function stateOf(a: TextViewArgs): DocumentState {
  const f = loadedFile(a.path);
  const p = printed(f);
  if (p.sha !== a.sha) throw new RelayedError({ name: STALE, message: `${a.path} changed since its text view was printed` });
  const e = documentEntry(a.path, a.dims);
  return {
    version: 0,
    parse: { model: f.model, diagnostics: [], map: p.map },
    analysis: e.analysis,
    analysisError: e.analysisError && { name: e.analysisError.name, message: editorTerms(e.analysisError.message) },
    sites: () => (e.analysis ? sitesOf(e as typeof e & { analysis: NonNullable<typeof e.analysis> }) : []),
  };
}

/** The text of `path` and its sha1. */
export function textView(path: string): ModelOps['textView']['result'] {
  const { text, sha } = printed(loadedFile(path));
  return { text, sha };
}

type Args<K extends TextViewOp> = ModelOps[K]['args'];

/** Answers one text view operation. */
export function textViewOp<K extends TextViewOp>(op: K, args: Args<K>): ModelOps[K]['result'] {
  const s = stateOf(args);
  const run: { [O in TextViewOp]: (a: Args<O>) => ModelOps[O]['result'] } = {
    diagnostics: () => diagnostics(s),
    hover: (a) => hover(s, a.position, { ...(a.measured ? { measured: a.measured } : {}), stats: (t) => weightStats(t, 0), ...(a.valuesCommand ? { valuesLink: { command: a.valuesCommand, uri: a.uri } } : {}) }),
    definition: (a) => definition(s, a.uri, a.position),
    references: (a) => references(s, a.uri, a.position),
    symbols: () => symbols(s),
    inlayHints: (a) => inlayHints(s, a.range),
    codeLenses: (a) => codeLenses(s, a.uri),
    codeActions: (a) => codeActions(s, a.uri, a.range),
  };
  return (run[op] as (a: Args<K>) => ModelOps[K]['result'])(args);
}
