// The open documents and where their features are answered. A model's text view whose text is the
// one the model worker printed (same sha1) is served by the worker, from the decoded model and the
// printer's range map (model-worker/text-view.ts): its text is never parsed. Any other document — a
// hand-written .onnxtxt, or a text view whose model changed since — is parsed and analysed here,
// on demand and cached by version, so hovers and diagnostics share one parse and one analysis.
// Both are analysed with the `layerlens.dims` setting, each model with the names it has.
import { createHash } from 'node:crypto';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeModel, type Analysis } from '../../core/analysis/analyze';
import { parseModel } from '../../core/onnx/text/parser';
import { modelUriOf } from '../../protocol/requests';
import { type DimBindings, type ModelErrorData } from '../../protocol/rpc';
import { lazySites, type DocumentState } from '../features/document-state';
import { applicable, editorTerms } from '../shared/dims';
import { errorData } from '../shared/errors';
import type { TextViewArgs } from '../shared/model-protocol';
import { pathOf } from './access';
import { pinModel } from './model-client';

const cache = new Map<string, DocumentState>();
/** Sizes of symbolic dims (the client's `layerlens.dims` setting): open documents are analysed with them. */
let dims: DimBindings = {};
/** Text views the worker printed: document URI -> model path and sha1 of the text. */
const printedViews = new Map<string, { path: string; sha: string }>();
/** Open documents the worker serves. */
const served = new Map<string, { path: string; sha: string }>();

/** New dim sizes (whole numbers > 0 are kept): every document is analysed again on its next use. Returns whether they changed. */
export function setDims(next: Record<string, unknown>): boolean {
  const clean: DimBindings = {};
  for (const [k, v] of Object.entries(next ?? {})) if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) clean[k] = v;
  if (JSON.stringify(clean) === JSON.stringify(dims)) return false;
  dims = clean;
  cache.clear();
  return true;
}

export function currentDims(): DimBindings {
  return dims;
}

/** The worker printed the text view of `modelUri` with this sha1. */
export function notePrinted(viewUri: string, path: string, sha: string): void {
  printedViews.set(viewUri, { path, sha });
}

/** A document was opened or changed: served by the worker when its text is the printed one. */
export function opened(doc: TextDocument): void {
  cache.delete(doc.uri);
  const printed = printedViews.get(doc.uri);
  if (printed && createHash('sha1').update(doc.getText()).digest('hex') === printed.sha) {
    served.set(doc.uri, printed);
    pinModel(printed.path, true);
  } else fallBack(doc.uri);
}

/** The document is no longer served by the worker (closed, or its model changed): parsed here from now on. */
export function fallBack(uri: string): void {
  const s = served.get(uri);
  if (!s) return;
  served.delete(uri);
  if (![...served.values()].some((x) => x.path === s.path)) pinModel(s.path, false);
}

export function closed(uri: string): void {
  cache.delete(uri);
  fallBack(uri);
}

/** What the worker needs to answer about a served document, or null for a document parsed here. */
export function servedArgs(uri: string): TextViewArgs | null {
  const s = served.get(uri);
  return s ? { path: s.path, sha: s.sha, dims, uri } : null;
}

/** The model file behind a text view document (null for other documents). */
export function modelPathOf(uri: string): string | null {
  const m = modelUriOf(uri);
  return m ? pathOf(m) : null;
}

/** The parse and analysis of a document parsed here. */
export function stateOf(doc: TextDocument): DocumentState {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit;
  const parse = parseModel(doc.getText());
  let analysis: Analysis | null = null;
  let analysisError: ModelErrorData | null = null;
  if (parse.model) {
    try {
      analysis = analyzeModel(parse.model, { bindings: { dims: applicable(parse.model, dims) } });
    } catch (e) {
      const d = errorData(e);
      analysisError = { name: d.name, message: editorTerms(d.message) };
    }
  }
  const state: DocumentState = { version: doc.version, parse, analysis, analysisError, sites: lazySites(parse, analysis) };
  cache.set(doc.uri, state);
  return state;
}
