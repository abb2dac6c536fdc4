// Graph order: whether a graph's nodes come after the producers of what they read (as ONNX requires
// of files), and a topological order when they do not. A value a subgraph (If/Loop/Scan body) reads
// from an enclosing graph counts as an input of the node that holds the subgraph.
import type { Graph, Node } from './graph';

/** Producers in `g` of the values that `n`'s subgraphs read from `g` (implicit inputs of If/Loop/Scan). */
export function implicitProducers(n: Node, g: Graph): Node[] {
  const out: Node[] = [];
  for (const sub of n.subgraphs()) {
    for (const m of sub.allNodes()) {
      for (const v of m.inputs) if (v?.graph === g && v.producer) out.push(v.producer);
    }
  }
  return out;
}

/** Nodes of `g` whose outputs `n` reads, directly or through its subgraphs (`n` itself when it reads its own output). */
function dependencies(n: Node, g: Graph): Set<Node> {
  const deps = new Set<Node>();
  for (const v of n.inputs) if (v?.producer && v.producer.graph === g) deps.add(v.producer);
  for (const p of implicitProducers(n, g)) deps.add(p);
  return deps;
}

/** True when every node of `g` comes after the producers of its inputs, implicit ones included. */
export function isSorted(g: Graph): boolean {
  const seen = new Set<Node>();
  for (const n of g.nodes) {
    for (const d of dependencies(n, g)) if (!seen.has(d)) return false;
    seen.add(n);
  }
  return true;
}

/**
 * Nodes of `g` in an order where producers come before consumers (the file order when it already
 * is one, the same array); null if there is a cycle (a node reading its own output is one). Ties
 * keep file order.
 */
export function topologicalOrder(g: Graph): Node[] | null {
  if (isSorted(g)) return g.nodes;
  const pending = new Map<Node, number>();
  const dependents = new Map<Node, Node[]>();
  const ready: Node[] = [];
  for (const n of g.nodes) {
    const deps = dependencies(n, g);
    pending.set(n, deps.size);
    for (const d of deps) {
      const list = dependents.get(d) ?? [];
      list.push(n);
      dependents.set(d, list);
    }
    if (deps.size === 0) ready.push(n);
  }
  for (let i = 0; i < ready.length; i++) {
    for (const m of dependents.get(ready[i]!) ?? []) {
      const left = pending.get(m)! - 1;
      pending.set(m, left);
      if (left === 0) ready.push(m);
    }
  }
  return ready.length === g.nodes.length ? ready : null;
}
