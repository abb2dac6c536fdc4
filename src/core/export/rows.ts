// The per-node figures every export carries, read from the analysis (its figure tree,
// src/core/analysis/figure-tree.ts) and an optional measured profile: one row per op node of every
// graph — the main graph, If/Loop/Scan bodies (depth first, right after the node that holds them) and
// model-local function bodies (last) — with the path of its graph in the convention of
// `layerlens analyze --json` ('' main graph, `If_0/then_branch`, nested `If_0/then_branch/Loop_3/body`,
// `fn:domain.Name`). FIGURES — the analysis's NODE_FIGURES plus the two measured ones — names each
// figure and its unit, so that no export mixes MACs and FLOPs or drops a unit.
import type { FigureGraph, FigureNode, FigureTree } from '../analysis/figure-tree';
import { NODE_FIGURES, type FigureKey as NodeFigureKey, type FigureSpec } from '../cost/figures';

/** A measured node, as in ProfileResult.nodes (src/protocol/requests.ts); `share` is a fraction 0..1. */
export interface LatencyEntry {
  name: string;
  medianUs: number;
  share: number;
  /** The node's graph path ('' main graph); without it the entry is matched by name alone. */
  graph?: string;
}

/** Where a graph of the view model sits in the model. */
export interface GraphRef {
  /** Index in the list `graphsOf` returns (0 = main graph). */
  index: number;
  /** Path as in `layerlens analyze --json` ('' main graph). */
  path: string;
  kind: 'main' | 'body' | 'function';
  graph: FigureGraph;
  /** The graph holding the node that holds this body (null for the main graph and functions). */
  parent: GraphRef | null;
  /** That node (a body's If/Loop/Scan node) and the attribute holding the body. */
  owner: FigureNode | null;
  /** That node's index among its graph's nodes (null for the main graph and functions). */
  ownerIndex: number | null;
  attribute: string | null;
  /** Index into ViewModel.functions for a function body. */
  function: number | null;
}

export interface MetricRow {
  graph: GraphRef;
  /** Position among the graph's op nodes (0-based, file order). */
  index: number;
  /** The node with its figure record (one run). */
  node: FigureNode;
  /** Median kernel time charged to the node, µs; null without a profile entry. */
  latencyUs: number | null;
  /** The node's share of all measured node time, in percent (0..100); null without a profile entry. */
  sharePercent: number | null;
}

export type FigureKey = NodeFigureKey | 'latencyUs' | 'sharePercent';
export type Figure = FigureSpec<FigureKey>;

export const FIGURES: readonly Figure[] = [
  ...NODE_FIGURES,
  { key: 'latencyUs', id: 'latency', title: 'latency', csv: 'latency median [us]', json: 'latencyMedianUs', label: 'latency, median (µs)', unit: 'microseconds of kernel time per model run (median)', measured: true, format: { kind: 'ratio', unit: 'µs' } },
  { key: 'sharePercent', id: 'share', title: 'share', csv: 'latency share [%]', json: 'latencySharePercent', label: 'latency share (% of measured node time)', unit: 'percent of the summed node latency', measured: true, format: { kind: 'ratio', unit: '%' } },
];

/** A row's value of a figure (null = unknown or not measured). */
export function valueOf(r: MetricRow, key: FigureKey): number | null {
  return key === 'latencyUs' ? r.latencyUs : key === 'sharePercent' ? r.sharePercent : r.node[key];
}

export function figure(id: string): Figure | undefined {
  return FIGURES.find((f) => f.id === id);
}

/** Every graph of the tree: main graph, bodies depth first (in node order), then function bodies. */
export function graphsOf(tree: FigureTree): GraphRef[] {
  const out: GraphRef[] = [];
  const add = (graph: FigureGraph, path: string, kind: GraphRef['kind'], parent: GraphRef | null, owner: FigureNode | null, ownerIndex: number | null, attribute: string | null, fn: number | null): void => {
    const ref: GraphRef = { index: out.length, path, kind, graph, parent, owner, ownerIndex, attribute, function: fn };
    out.push(ref);
    graph.nodes.forEach((n, k) => {
      for (const s of n.subgraphs) add(s.graph, `${path ? `${path}/` : ''}${n.name}/${s.attribute}`, 'body', ref, n, k, s.attribute, null);
    });
  };
  add(tree.main, '', 'main', null, null, null, null, null);
  tree.functions.forEach((f, k) => add(f.graph, `fn:${f.domain ? `${f.domain}.` : ''}${f.name}`, 'function', null, null, null, null, k));
  return out;
}

/**
 * Matches latency entries to nodes: an entry with `graph` to the node of that graph path and name; an
 * entry without it to the nodes of that name, the k-th such entry to the k-th such node in row order
 * when a name occurs more than once (give `graph` to be exact).
 */
function latencyMatcher(latency: readonly LatencyEntry[]): (path: string, name: string) => LatencyEntry | undefined {
  const exact = new Map<string, LatencyEntry>();
  const byName = new Map<string, LatencyEntry[]>();
  for (const e of latency) {
    if (e.graph !== undefined) exact.set(`${e.graph}\u0000${e.name}`, e);
    else byName.set(e.name, [...(byName.get(e.name) ?? []), e]);
  }
  return (path, name) => {
    const e = exact.get(`${path}\u0000${name}`);
    if (e) return e;
    return byName.get(name)?.shift();
  };
}

/** One row per op node of every graph, in graphsOf order and file order within a graph. */
export function metricRows(tree: FigureTree, latency: readonly LatencyEntry[] = []): MetricRow[] {
  const match = latencyMatcher(latency);
  const rows: MetricRow[] = [];
  for (const g of graphsOf(tree)) {
    g.graph.nodes.forEach((n, index) => {
      const m = match(g.path, n.name);
      rows.push({ graph: g, index, node: n, latencyUs: m ? m.medianUs : null, sharePercent: m ? 100 * m.share : null });
    });
  }
  return rows;
}

/** JSON text that is also safe inside HTML and JavaScript (`<`, U+2028, U+2029 escaped); parses to the same value. */
export function safeJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
