// Hand-built view models for the webview specs: small enough that every expectation can be derived
// by hand.
import { scopesOf, type ViewEdge, type ViewGraph, type ViewGroup, type ViewModel, type ViewNode } from '../../../src/protocol/view-model';

export function op(id: number, name: string, opType: string, macs: number | null = 0, extra: Partial<ViewNode> = {}): ViewNode {
  const scopes = scopesOf(name);
  return { id, kind: 'op', name, opType, group: scopes[scopes.length - 1] ?? null, inputs: [], outputs: [], macs, flops: macs === null ? null : 2 * macs, params: 0, weightBytes: 0, activationBytes: 0, intensity: null, known: true, runs: 1, ...extra };
}

/** Groups for every scope of the nodes, with node counts. */
export function groupsOf(nodes: ViewNode[]): ViewGroup[] {
  const gs = new Map<string, ViewGroup>();
  for (const n of nodes) {
    const scopes = scopesOf(n.name);
    scopes.forEach((s, k) => {
      const g = gs.get(s) ?? { id: s, name: s.slice(s.lastIndexOf('/') + 1), parent: k ? scopes[k - 1]! : null, nodeCount: 0 };
      g.nodeCount++;
      gs.set(s, g);
    });
  }
  return [...gs.values()];
}

export function graph(nodes: ViewNode[], edges: [number, number][]): ViewGraph {
  const e: ViewEdge[] = edges.map(([from, to]) => ({ from, to, value: `v${from}`, shape: '[1]' }));
  return { nodes, edges: e, groups: groupsOf(nodes) };
}

export function model(g: ViewGraph): ViewModel {
  return { ...g, functions: [], totals: { macs: 0, flops: 0, params: 0, weightBytes: 0, activationBytes: 0 }, totalsIncomplete: false, byOp: [], info: { producer: '', irVersion: 8, opsets: {}, graphName: 'g', nodeCount: g.nodes.length, unboundDims: [] } };
}

/** A chain of `n` unscoped nodes 0 → 1 → … */
export function chain(n: number): ViewModel {
  const nodes = Array.from({ length: n }, (_, i) => op(i, `Relu_${i}`, 'Relu', i + 1));
  return model(graph(nodes, nodes.slice(1).map((_, i) => [i, i + 1])));
}
