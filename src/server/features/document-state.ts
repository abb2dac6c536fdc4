// What every language feature reads: a document's parse (its model and the map from text ranges to
// nodes and values) and its analysis. An open .onnxtxt document gets it on the main thread by parsing
// its text (main/documents.ts); a model's text view gets it in the model worker from the decoded model
// and the printer's map (model-worker/text-view.ts) — so the features below run on either thread.
import type { Analysis } from '../../core/analysis/analyze';
import type { Node } from '../../core/ir/graph';
import type { ParseResult } from '../../core/onnx/text/parser';
import type { Position, Range } from '../../core/onnx/text/ranges';
import { NODE_RULES, listSites, type SiteCheck } from '../../core/passes';
import type { ModelErrorData } from '../../protocol/rpc';

export interface DocumentState {
  version: number;
  parse: ParseResult;
  analysis: Analysis | null;
  /** Why the analysis failed (its typed error, in the editor's terms), when it did. */
  analysisError: ModelErrorData | null;
  /** Every rule's sites with their check results, listed once (none without an analysis). */
  sites(): readonly SiteCheck[];
}

/** `sites` for a state: listed on first use and kept (the model worker passes its cached ones instead). */
export function lazySites(parse: ParseResult, analysis: Analysis | null): () => readonly SiteCheck[] {
  let sites: readonly SiteCheck[] | undefined;
  return () => (sites ??= parse.model && analysis ? listSites(NODE_RULES, { model: parse.model, shapes: analysis.shapes }) : []);
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
