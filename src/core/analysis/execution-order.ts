// The order in which ONNX Runtime runs a graph's nodes, so that memory over time (peak-memory.ts) is
// computed over the order a deployed model really has. ORT's default (SessionOptions.execution_order
// = DEFAULT, onnxruntime/core/graph/graph_viewer.cc) is not file order: it is the post-order of a
// depth-first walk *up* from the leaf nodes (nodes no other node reads), where
//  - the leaves start on a stack in node-index order, so the last leaf is walked first;
//  - at each node its producers are pushed in ascending index order, so the producer with the
//    highest index is walked first;
//  - a node is emitted when the walk leaves it (all its producers emitted).
// Node indices are file order without Constant nodes (ORT turns those into initializers), and the
// values a node's If/Loop/Scan bodies read from the graph are inputs of that node (implicit inputs).
// Checked against the order of ORT 1.30's profiler events (test/budgets/execution-order.test.ts).
import type { Graph, Node, Value } from '../ir/graph';

/** A Constant node of the default domain: ORT folds it into an initializer; it never runs. */
export function isConstantNode(n: Node): boolean {
  return n.opType === 'Constant' && (n.domain === '' || n.domain === 'ai.onnx');
}

/** The node of `g` that holds `n` (n itself, or the If/Loop/Scan node whose body contains it). */
export function ownerIn(n: Node, g: Graph): Node | null {
  let cur: Node | null = n;
  while (cur && cur.graph !== g) cur = cur.graph.owner;
  return cur;
}

/** Values of `g` read by the nodes inside `n`'s subgraphs (ORT's implicit inputs of n), each once. */
export function implicitInputs(n: Node, g: Graph): Set<Value> {
  const out = new Set<Value>();
  for (const sub of n.subgraphs()) {
    for (const m of sub.allNodes()) for (const v of m.inputs) if (v && v.graph === g) out.add(v);
  }
  return out;
}

/** The nodes of `g` that run, in ONNX Runtime's default execution order. */
export function ortExecutionOrder(g: Graph): Node[] {
  const nodes = g.nodes.filter((n) => !isConstantNode(n));
  const index = new Map(nodes.map((n, i) => [n, i]));
  const producers = new Map<Node, Node[]>();
  const hasConsumer = new Set<Node>();
  for (const n of nodes) {
    const ps = new Set<Node>();
    const add = (v: Value | null): void => {
      const p = v?.producer;
      if (p && p !== n && index.has(p)) ps.add(p);
    };
    n.inputs.forEach(add);
    implicitInputs(n, g).forEach(add);
    producers.set(n, [...ps].sort((a, b) => index.get(a)! - index.get(b)!));
    for (const p of ps) hasConsumer.add(p);
  }
  const stack: [Node, boolean][] = nodes.filter((n) => !hasConsumer.has(n)).map((n) => [n, false]);
  const visited = new Set<Node>();
  const order: Node[] = [];
  while (stack.length > 0) {
    const [n, leaving] = stack.pop()!;
    if (leaving) {
      order.push(n);
      continue;
    }
    if (visited.has(n)) continue;
    visited.add(n);
    stack.push([n, true]);
    for (const p of producers.get(n)!) if (!visited.has(p)) stack.push([p, false]);
  }
  return order;
}
