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
