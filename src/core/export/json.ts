// JSON export: the per-node figures with a format name and a version, for scripts (docs/exports.md
// documents every field). Nested graphs are kept flat and exact: `graphs` lists every graph (main,
// If/Loop/Scan bodies, function bodies) with the graph and node that hold it, and every node names
// its graph by index, so a node name containing '/' can never be mistaken for a path.
import type { FigureTree } from '../analysis/figure-tree';
import { FIGURES, graphsOf, metricRows, type LatencyEntry } from './rows';

export const METRICS_JSON_FORMAT = 'layerlens.metrics' as const;
/** Bumped when a field changes meaning or goes; new fields may appear within a version. */
export const METRICS_JSON_VERSION = 1 as const;

export interface MetricsJsonGraph {
  index: number;
  /** As in `layerlens analyze --json`: '' main graph, `If_0/then_branch`, `fn:domain.Name`. */
  path: string;
  kind: 'main' | 'body' | 'function';
  /** For a body: the graph holding its node, that node's index in `nodes` of that graph, the attribute. */
  parent: number | null;
  ownerNode: number | null;
  attribute: string | null;
  function: { domain: string; name: string } | null;
}

export interface MetricsJsonNode {
  /** Index into `graphs`, and the same graph's path. */
  graph: number;
  graphPath: string;
  /** Position among the op nodes of its graph (file order). */
  index: number;
  name: string;
  opType: string;
  known: boolean;
  /** Times the one-run figures enter the model totals. */
  runs: number;
  macs: number | null;
  flops: number | null;
  paramElements: number;
  weightBytes: number;
  activationBytes: number | null;
  intensityFlopsPerByte: number | null;
  latencyMedianUs: number | null;
  latencySharePercent: number | null;
  note: string | null;
}

export interface MetricsJsonProfile {
  /** Op nodes that received a latency. */
  measuredNodes: number;
  mode?: string;
  runs?: number;
  medianMs?: number;
  /** Share of kernel time charged to the model's own nodes, 0..1. */
  coverage?: number;
}

export interface MetricsJson {
  format: typeof METRICS_JSON_FORMAT;
  version: typeof METRICS_JSON_VERSION;
  model: { graphName: string; producer: string; irVersion: number; opsets: Record<string, number>; nodeCount: number; path?: string };
  /** Unit of every figure field, by field name. */
  units: Record<string, string>;
  /** As `layerlens analyze`: Σ runs × figure for MACs, FLOPs, activation bytes; each stored weight once. */
  totals: { macs: number; flops: number; paramElements: number; weightBytes: number; activationBytes: number };
  totalsIncomplete: boolean;
  profile: MetricsJsonProfile | null;
  graphs: MetricsJsonGraph[];
  nodes: MetricsJsonNode[];
}

export interface JsonOptions {
  /** Where the model was read from, to record. */
  path?: string;
  /** How the latency was measured (mode, runs, model median, coverage). */
  profile?: Omit<MetricsJsonProfile, 'measuredNodes'>;
}

export function toMetricsJson(tree: FigureTree, latency?: readonly LatencyEntry[], opts: JsonOptions = {}): MetricsJson {
  const graphs = graphsOf(tree);
  const rows = metricRows(tree, latency ?? []);
  const measured = rows.filter((r) => r.latencyUs !== null).length;
  const t = tree.totals;
  return {
    format: METRICS_JSON_FORMAT,
    version: METRICS_JSON_VERSION,
    model: { graphName: tree.info.graphName, producer: tree.info.producer, irVersion: tree.info.irVersion, opsets: tree.info.opsets, nodeCount: tree.info.nodeCount, ...(opts.path !== undefined ? { path: opts.path } : {}) },
    units: Object.fromEntries([['runs', 'count'], ...FIGURES.map((f) => [f.json, f.unit])]),
    totals: { macs: t.macs, flops: t.flops, paramElements: t.params, weightBytes: t.weightBytes, activationBytes: t.activationBytes },
    totalsIncomplete: tree.totalsIncomplete,
    profile: latency?.length || opts.profile ? { measuredNodes: measured, ...opts.profile } : null,
    graphs: graphs.map((g) => ({
      index: g.index,
      path: g.path,
      kind: g.kind,
      parent: g.parent ? g.parent.index : null,
      ownerNode: g.ownerIndex,
      attribute: g.attribute,
      function: g.function === null ? null : { domain: tree.functions[g.function]!.domain, name: tree.functions[g.function]!.name },
    })),
    nodes: rows.map((r) => ({
      graph: r.graph.index,
      graphPath: r.graph.path,
      index: r.index,
      name: r.node.name,
      opType: r.node.opType,
      known: r.node.known,
      runs: r.node.runs,
      macs: r.node.macs,
      flops: r.node.flops,
      paramElements: r.node.params,
      weightBytes: r.node.weightBytes,
      activationBytes: r.node.activationBytes,
      intensityFlopsPerByte: r.node.intensity,
      latencyMedianUs: r.latencyUs,
      latencySharePercent: r.sharePercent,
      note: r.node.note ?? null,
    })),
  };
}
