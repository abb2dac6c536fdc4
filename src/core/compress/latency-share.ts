// Each node's share of the model's latency, estimated from the cost model when it was not measured:
// a roofline with nominal CPU figures, t = max(FLOPs / P, bytes / B) + c per kernel, with
// P = 50 GFLOP/s, B = 10 GB/s and c = 2 µs (bytes = weights + outputs; a node of unknown figures
// counts c only). Only the shares are used, so the figures' scale matters less than their ratio
// (ridge point 5 FLOP/byte). Measured shares (layerlens sensitivity --profile) replace these.
import type { NodeCost } from '../cost/types';
import type { Node } from '../ir/graph';

const PEAK_FLOPS = 50e9;
const BANDWIDTH = 10e9;
const PER_KERNEL_S = 2e-6;

/** Estimated seconds of one run of a node (see the header); Constant nodes cost nothing. */
export function estimatedSeconds(c: Pick<NodeCost, 'opType' | 'flops' | 'weightBytes' | 'activationBytes'>): number {
  if (c.opType === 'Constant') return 0;
  const compute = c.flops === null ? 0 : c.flops / PEAK_FLOPS;
  const memory = c.activationBytes === null ? 0 : (c.weightBytes + c.activationBytes) / BANDWIDTH;
  return Math.max(compute, memory) + PER_KERNEL_S;
}

/** Estimated latency share of every counted node of the main graph (shares sum to 1). */
export function estimatedShares(nodes: readonly NodeCost[]): Map<Node, number> {
  const main = nodes.filter((c) => c.graphPath === '' && c.runs > 0);
  const t = main.map((c) => c.runs * estimatedSeconds(c));
  const total = t.reduce((a, x) => a + x, 0);
  return new Map(main.map((c, i) => [c.node, total > 0 ? t[i]! / total : 0]));
}
