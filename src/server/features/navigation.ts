// Go to definition (value -> where it is defined), find references (value -> every use), and
// document symbols (graph -> name scopes -> nodes).
import { SymbolKind, type DocumentSymbol, type Location } from 'vscode-languageserver';
import type { Position } from '../../core/onnx/text/ranges';
import { valueAt, type DocumentState } from './document-state';

export function definition(state: DocumentState, uri: string, p: Position): Location[] {
  const v = valueAt(state, p);
  if (!v) return [];
  return state.parse.map.definitions.filter((d) => d.value === v.value).map((d) => ({ uri, range: d.range }));
}

export function references(state: DocumentState, uri: string, p: Position): Location[] {
  const v = valueAt(state, p);
  if (!v) return [];
  return state.parse.map.uses.filter((u) => u.value === v.value).map((u) => ({ uri, range: u.range }));
}

/**
 * A symbol's name is never empty or blank (LSP requires a name; VS Code's client throws on an empty
 * one and the whole outline is lost): a blank scope or name is shown quoted, a node without a name at
 * all (none happen: unnamed nodes get ONNX Runtime's `<OpType>_<k>`) under its op type.
 */
const named = (s: string, fallback: string): string => (s.trim() ? s : s ? JSON.stringify(s) : fallback);

/** Nodes grouped by their name scope (`/encoder/layer.0/attn/MatMul` -> encoder > layer.0 > attn). */
export function symbols(state: DocumentState): DocumentSymbol[] {
  const root: DocumentSymbol[] = [];
  for (const { node, range } of state.parse.map.nodes) {
    if (node.graph.parent) continue;
    const parts = node.displayName.split('/').filter(Boolean).map((p) => named(p, node.opType));
    let level = root;
    for (const scope of parts.slice(0, -1)) {
      let s = level.find((x) => x.name === scope && x.kind === SymbolKind.Namespace);
      if (!s) {
        s = { name: scope, kind: SymbolKind.Namespace, range, selectionRange: range, children: [] };
        level.push(s);
      }
      s.range = { start: s.range.start, end: range.end };
      level = s.children!;
    }
    level.push({ name: parts[parts.length - 1] ?? named(node.displayName, node.opType), detail: node.opType, kind: SymbolKind.Function, range, selectionRange: range });
  }
  return root;
}
