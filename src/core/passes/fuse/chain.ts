// Helpers for rules that match a chain of nodes, each intermediate value read only by the next node
// (LayerNorm, GELU): follow the chain, read scalar constants, and replace the chain by one node.
import type { Node, Value } from '../../ir/graph';
import { removeNode } from '../graph-edit';

/** The only node reading `v` with the given op type, if that is the case. */
export function next(v: Value | null | undefined, op: string): Node | null {
  if (!v || v.uses.length !== 1 || v.isGraphOutput()) return null;
  const n = v.uses[0]!.node;
  return n.opType === op && n.domain === '' ? n : null;
}

/** The value of a one-element constant, or null. */
export function scalar(v: Value | null | undefined): number | null {
  const t = v?.constant;
  return t && t.elementCount === 1 ? t.toNumbers()[0]! : null;
}

/** The input of binary node `n` that is not `v`. */
export function other(n: Node, v: Value): Value | null {
  return n.inputs[0] === v ? (n.inputs[1] ?? null) : (n.inputs[0] ?? null);
}

/** Replaces `nodes` (a chain, first to last) by the node `make` builds, which takes over the last output. */
export function replaceChain(nodes: Node[], make: (g: Node['graph']) => Node): void {
  const last = nodes[nodes.length - 1]!;
  const y = last.outputs[0]!;
  const g = last.graph;
  const n = make(g);
  g.nodes.splice(g.nodes.indexOf(nodes[0]!), 0, n);
  for (const old of [...nodes].reverse()) removeNode(old);
  n.outputs.push(y);
  y.producer = n;
  g.values.set(y.name, y);
}
