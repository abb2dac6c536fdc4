// The per-node figures every export carries, taken from the graph view's model (ViewModel) and an
// optional measured profile: one row per op node of every graph — the main graph, If/Loop/Scan bodies
// (depth first, right after the node that holds them) and model-local function bodies (last) — with
// the path of its graph in the convention of `layerlens analyze --json` ('' main graph,
// `If_0/then_branch`, nested `If_0/then_branch/Loop_3/body`, `fn:domain.Name`). The figure table
// (FIGURES) is the one place that names each figure and its unit, so that no export mixes MACs and
// FLOPs or drops a unit.
import type { ViewGraph, ViewModel, ViewNode } from '../view/view-model';

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
  graph: ViewGraph;
  /** The graph holding the node that holds this body (null for the main graph and functions). */
  parent: GraphRef | null;
  /** That node (a body's If/Loop/Scan node) and the attribute holding the body. */
  owner: ViewNode | null;
  attribute: string | null;
  /** Index into ViewModel.functions for a function body. */
  function: number | null;
}

export interface MetricRow {
  graph: GraphRef;
  /** Position among the graph's op nodes (0-based, file order). */
  index: number;
  node: ViewNode;
  macs: number | null;
  flops: number | null;
  params: number;
  weightBytes: number;
  activationBytes: number | null;
  intensity: number | null;
  runs: number;
  /** Median kernel time charged to the node, µs; null without a profile entry. */
  latencyUs: number | null;
  /** The node's share of all measured node time, in percent (0..100); null without a profile entry. */
  sharePercent: number | null;
}

export type FigureKey = 'macs' | 'flops' | 'params' | 'weightBytes' | 'activationBytes' | 'intensity' | 'latencyUs' | 'sharePercent';

export interface Figure {
  key: FigureKey;
  /** Short id used by the CLI's --metric. */
  id: string;
  /** CSV column, unit in brackets. */
  csv: string;
  /** JSON field name (the unit is part of the name). */
  json: string;
  /** Display name for viewers (Model Explorer's run name, Netron's metric name). */
  label: string;
  unit: string;
  measured: boolean;
}

export const FIGURES: readonly Figure[] = [
  { key: 'macs', id: 'macs', csv: 'macs [MACs]', json: 'macs', label: 'MACs (multiply-accumulates)', unit: 'multiply-accumulates, one run of the node', measured: false },
  { key: 'flops', id: 'flops', csv: 'flops [FLOPs]', json: 'flops', label: 'FLOPs (operations)', unit: 'arithmetic operations (2 per MAC + the rest), one run of the node', measured: false },
  { key: 'params', id: 'params', csv: 'params [elements]', json: 'paramElements', label: 'params (elements)', unit: 'elements of the constant weight tensors the node reads', measured: false },
  { key: 'weightBytes', id: 'weight-bytes', csv: 'weights [bytes]', json: 'weightBytes', label: 'weights (bytes)', unit: 'bytes of those weight tensors', measured: false },
  { key: 'activationBytes', id: 'activation-bytes', csv: 'activations [bytes]', json: 'activationBytes', label: 'activations (bytes)', unit: "bytes of the node's outputs, one run", measured: false },
  { key: 'intensity', id: 'intensity', csv: 'intensity [FLOPs/byte]', json: 'intensityFlopsPerByte', label: 'arithmetic intensity (FLOPs/byte)', unit: 'FLOPs per byte moved', measured: false },
  { key: 'latencyUs', id: 'latency', csv: 'latency median [us]', json: 'latencyMedianUs', label: 'latency, median (µs)', unit: 'microseconds of kernel time per model run (median)', measured: true },
  { key: 'sharePercent', id: 'share', csv: 'latency share [%]', json: 'latencySharePercent', label: 'latency share (% of measured node time)', unit: 'percent of the summed node latency', measured: true },
];

export function figure(id: string): Figure | undefined {
  return FIGURES.find((f) => f.id === id);
}

/** Every graph of the view model: main graph, bodies depth first (in node order), then function bodies. */
export function graphsOf(view: ViewModel): GraphRef[] {
  const out: GraphRef[] = [];
  const add = (graph: ViewGraph, path: string, kind: GraphRef['kind'], parent: GraphRef | null, owner: ViewNode | null, attribute: string | null, fn: number | null): void => {
    const ref: GraphRef = { index: out.length, path, kind, graph, parent, owner, attribute, function: fn };
    out.push(ref);
    for (const n of graph.nodes) {
      for (const s of n.subgraphs ?? []) add(s.graph, `${path ? `${path}/` : ''}${n.name}/${s.attribute}`, 'body', ref, n, s.attribute, null);
    }
  };
  add(view, '', 'main', null, null, null, null);
  view.functions.forEach((f, k) => add(f.graph, `fn:${f.domain ? `${f.domain}.` : ''}${f.name}`, 'function', null, null, null, k));
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
export function metricRows(view: ViewModel, latency: readonly LatencyEntry[] = []): MetricRow[] {
  const match = latencyMatcher(latency);
  const rows: MetricRow[] = [];
  for (const g of graphsOf(view)) {
    let index = 0;
    for (const n of g.graph.nodes) {
      if (n.kind !== 'op') continue;
      const m = match(g.path, n.name);
      rows.push({
        graph: g,
        index: index++,
        node: n,
        macs: n.macs,
        flops: n.flops,
        params: n.params,
        weightBytes: n.weightBytes,
        activationBytes: n.activationBytes,
        intensity: n.intensity,
        runs: n.runs,
        latencyUs: m ? m.medianUs : null,
        sharePercent: m ? 100 * m.share : null,
      });
    }
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
