// A model's totals for the status bar (ModelSummaryResult), from its analysis: the figures the
// analysis decided once (src/core/cost), read here, never summed again.
import type { Analysis } from '../../core/analysis/analyze';
import type { ModelSummaryResult } from '../../protocol/requests';

export function summaryOf(a: Analysis): ModelSummaryResult {
  const t = a.cost.totals;
  return { nodes: a.report.model.nodeCount, macs: t.macs, flops: t.flops, params: t.params, weightBytes: t.weightBytes, totalsIncomplete: a.cost.totalsIncomplete };
}
