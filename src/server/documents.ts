// The analysis of each open document (a hand-written .onnxtxt or a model's text view), computed on
// demand and cached by document version, so hovers and diagnostics share one parse and one analysis.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeModel, type Analysis } from '../core/analysis/analyze';
import type { LayerLensError } from '../core/errors';
import type { Node } from '../core/ir/graph';
import { parseModel, type ParseResult } from '../core/onnx/text/parser';
import type { Position, Range } from '../core/onnx/text/ranges';

export interface DocumentState {
  version: number;
  parse: ParseResult;
  analysis: Analysis | null;
  analysisError: string | null;
}

const cache = new Map<string, DocumentState>();
/** Sizes of symbolic dims (the client's `layerlens.dims` setting): open documents are analysed with them. */
let dims: Record<string, number> = {};

/** New dim sizes: every document is analysed again on its next use. Returns whether they changed. */
export function setDims(next: Record<string, number>): boolean {
  const clean: Record<string, number> = {};
  for (const [k, v] of Object.entries(next ?? {})) if (Number.isSafeInteger(v) && v > 0) clean[k] = v;
  if (JSON.stringify(clean) === JSON.stringify(dims)) return false;
  dims = clean;
  cache.clear();
  return true;
}

export function stateOf(doc: TextDocument): DocumentState {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit;
  const parse = parseModel(doc.getText());
  let analysis: Analysis | null = null;
  let analysisError: string | null = null;
  if (parse.model) {
    try {
      analysis = analyzeModel(parse.model, { bindings: { dims } });
    } catch (e) {
      analysisError = `${(e as LayerLensError).name ?? 'Error'}: ${(e as Error).message}`;
    }
  }
  const state = { version: doc.version, parse, analysis, analysisError };
  cache.set(doc.uri, state);
  return state;
}

export function forget(uri: string): void {
  cache.delete(uri);
}

function contains(r: Range, p: Position): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

/** The innermost node whose statement contains `p`. */
export function nodeAt(state: DocumentState, p: Position): { node: Node; range: Range } | undefined {
  return state.parse.map.nodes.filter((n) => contains(n.range, p)).pop();
}

export function valueAt(state: DocumentState, p: Position) {
  return [...state.parse.map.definitions, ...state.parse.map.uses].find((d) => contains(d.range, p));
}
