// Positions in a text, as the language server will need them: zero-based line and character.
import type { Node, Value } from '../../ir/graph';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Where things are in a model's text: nodes, value definitions and value uses. */
export interface TextMap {
  nodes: { node: Node; range: Range }[];
  definitions: { value: Value; range: Range }[];
  uses: { value: Value; node: Node | null; range: Range }[];
}

export function emptyMap(): TextMap {
  return { nodes: [], definitions: [], uses: [] };
}
