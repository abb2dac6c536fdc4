// Search by node name, op type or tensor (value) name, case-insensitive: exact op type matches come
// first, then names and tensors containing the query, in file order.
import type { GraphTree } from './tree';

export function searchNodes(tree: GraphTree, query: string, limit = 5000): string[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const byOp: string[] = [];
  const other: string[] = [];
  for (const it of tree.items.values()) {
    const n = it.node;
    if (it.kind !== 'node' || !n) continue;
    if (n.kind === 'op' && n.opType.toLowerCase() === q) byOp.push(it.key);
    else if (n.name.toLowerCase().includes(q) || n.inputs.some((t) => t.name.toLowerCase().includes(q)) || n.outputs.some((t) => t.name.toLowerCase().includes(q))) other.push(it.key);
    if (byOp.length + other.length >= limit) break;
  }
  return [...byOp, ...other];
}

/** The matches of the search field and the one Enter last moved to, with the status line of each step. */
export class Matches {
  keys: string[] = [];
  private index = -1;

  /** A new query: its matches, and the status line (empty for an empty query). */
  find(tree: GraphTree, query: string): string {
    this.keys = query.trim() ? searchNodes(tree, query) : [];
    this.index = -1;
    const n = this.keys.length;
    return query.trim() ? `${n} match${n === 1 ? '' : 'es'}${n ? ' · Enter: next' : ''}` : '';
  }

  /** The next (dir 1) or previous (−1) match, cycling; null when there is none. */
  step(dir: number): { key: string; status: string } | null {
    const n = this.keys.length;
    if (!n) return null;
    this.index = (this.index + dir + n) % n;
    return { key: this.keys[this.index]!, status: `match ${this.index + 1} of ${n}` };
  }

  clear(): void {
    this.keys = [];
    this.index = -1;
  }
}
