// The figures a model is judged on, taken from the one analysis (analyze.ts: cost totals, node
// records, peak memory) and, when a latency budget applies, from a latency source. Names and units
// of each metric are declared here once (METRICS) for every output format.
import type { Analysis } from '../analysis/analyze';
import { bytes, si } from '../units';
import type { Figure, LatencyMeasurement, Metric, ModelFigures, NodeFigures } from './types';

export interface MetricSpec {
  /** Words for messages: "MACs", "peak activation memory". */
  title: string;
  format: (n: number) => string;
}

const ms = (n: number): string => `${n < 10 ? n.toFixed(3) : n.toFixed(1)} ms`;

export const METRICS: Record<Metric, MetricSpec> = {
  macs: { title: 'MACs', format: (n) => si(n, 'MACs') },
  flops: { title: 'FLOPs', format: (n) => si(n, 'FLOPs') },
  params: { title: 'parameters', format: (n) => si(n, 'params') },
  weightBytes: { title: 'weight bytes', format: bytes },
  fileBytes: { title: 'file size', format: bytes },
  peakActivationBytes: { title: 'peak activation memory', format: bytes },
  activationBytes: { title: 'output bytes', format: bytes },
  latencyMs: { title: 'latency', format: ms },
};

/** `graph/name`, the key nodes are matched by (latency measurements, text ranges). */
export function nodeKey(n: { graph: string; name: string }): string {
  return n.graph ? `${n.graph}/${n.name}` : n.name;
}

function total(v: number, incomplete: boolean, why: string): Figure {
  if (incomplete && v === 0) return { value: null, lowerBound: true, why };
  return incomplete ? { value: v, lowerBound: true, why } : { value: v, lowerBound: false };
}

/** Figures of an analysed model; `fileBytes` is the file's size; `latency` when one was measured. */
export function modelFigures(a: Analysis, fileBytes: number, latency?: LatencyMeasurement): ModelFigures {
  const t = a.cost.totals;
  const costWhy = a.report.warnings.find((w) => /not concrete|no cost function|could not be costed/.test(w)) ?? 'some nodes could not be costed';
  const mem = a.memory;
  const nodes: NodeFigures[] = a.report.nodes.map((n) => ({
    name: n.name,
    graph: n.graph,
    opType: n.opType,
    runs: n.runs,
    macs: n.macs,
    flops: n.flops,
    params: n.params,
    weightBytes: n.weightBytes,
    activationBytes: n.activationBytes,
    ...(latency ? { latencyMs: latency.nodes.get(nodeKey(n)) ?? null } : {}),
  }));
  return {
    macs: total(t.macs, a.cost.totalsIncomplete, costWhy),
    flops: total(t.flops, a.cost.totalsIncomplete, costWhy),
    params: { value: t.params, lowerBound: false },
    weightBytes: { value: t.weightBytes, lowerBound: false },
    fileBytes: { value: fileBytes, lowerBound: false },
    peakActivationBytes: {
      value: mem.peakBytes,
      lowerBound: mem.lowerBound,
      ...(mem.lowerBound ? { why: `${mem.unknown.count} tensor(s) of unknown size, e.g. ${mem.unknown.examples[0] ?? '?'}` } : {}),
    },
    ...(latency ? { latencyMs: { value: latency.totalMs, lowerBound: false } } : {}),
    nodes,
  };
}
