// Judges a model's figures against one budget entry. Rules (docs/budgets.md):
//  - max: the figure must not exceed the limit. An exact figure passes or fails; a lower bound above
//    the limit fails (the true figure is larger still); a lower bound within the limit, or an unknown
//    figure, cannot be verified: 'unknown' (an error or a warning, as the file's onUnknown says);
//  - increase: (figure - baseline) / baseline in percent must not exceed the limit; both figures
//    must be exact (a baseline of 0 makes any growth infinite);
//  - node max: every node's own figure (one run) must not exceed the limit; node share: a counted
//    node's runs × figure over the model total (for latency: over the sum of the nodes' measured
//    times) must not exceed the limit. A node rule gives one check per offending node, one for the
//    nodes it cannot verify, or a single pass.
import { METRICS, nodeKey } from './figures';
import type { BudgetTarget, Check, Figure, ModelFigures, ModelMetric, NodeFigures, NodeMetric } from './types';

export interface EvaluateOptions {
  /** The baseline's figures, for increase limits; without them those limits are not evaluated. */
  baseline?: ModelFigures;
  /** Leave latency limits out (not measured: the editor, or --skip-latency). */
  skipLatency?: boolean;
}

const pct = (p: number): string => (Number.isFinite(p) ? `${p.toFixed(1)} %` : '∞ %');

function shown(metric: ModelMetric | NodeMetric, f: Figure): string {
  return f.value === null ? 'unknown' : `${f.lowerBound ? 'at least ' : ''}${METRICS[metric].format(f.value)}`;
}

function maxCheck(t: BudgetTarget, metric: ModelMetric, f: Figure, limit: number): Check {
  const spec = METRICS[metric];
  const base = { ruleId: `model-${metric}`, scope: 'model' as const, metric, kind: 'max' as const, limit, actual: f.value, lowerBound: f.lowerBound, target: t.where };
  const budget = `the budget of ${spec.format(limit)} (${t.where})`;
  if (f.value === null) return { ...base, status: 'unknown', message: `${spec.title} unknown, cannot be checked against ${budget}: ${f.why ?? 'not measured'}` };
  if (f.value > limit) {
    const over = limit > 0 ? ` by ${pct((100 * (f.value - limit)) / limit)}` : '';
    return { ...base, status: 'fail', message: `${spec.title} ${shown(metric, f)} exceeds ${budget}${over}` };
  }
  if (f.lowerBound) return { ...base, status: 'unknown', message: `${spec.title} is ${shown(metric, f)}, within ${budget} only as far as known: ${f.why ?? 'a lower bound'}` };
  return { ...base, status: 'pass', message: `${spec.title} ${shown(metric, f)} within ${budget}` };
}

function increaseCheck(t: BudgetTarget, metric: ModelMetric, f: Figure, b: Figure, limit: number): Check {
  const spec = METRICS[metric];
  const base = { ruleId: `model-${metric}-increase`, scope: 'model' as const, metric, kind: 'increase' as const, limit, actual: f.value, lowerBound: f.lowerBound, baseline: b.value, target: t.where };
  const budget = `the budget of +${limit} % over the baseline (${t.where})`;
  if (f.value === null || b.value === null || f.lowerBound || b.lowerBound) {
    const which = f.value === null || f.lowerBound ? `the model's is ${shown(metric, f)}` : `the baseline's is ${shown(metric, b)}`;
    return { ...base, increasePercent: null, status: 'unknown', message: `${spec.title} increase cannot be checked against ${budget}: ${which} (${(f.value === null || f.lowerBound ? f.why : b.why) ?? 'not exact'})` };
  }
  const inc = b.value === 0 ? (f.value > 0 ? Infinity : 0) : (100 * (f.value - b.value)) / b.value;
  const change = `${spec.format(b.value)} → ${spec.format(f.value)}, ${inc >= 0 ? '+' : ''}${pct(inc)}`;
  return inc > limit
    ? { ...base, increasePercent: inc, status: 'fail', message: `${spec.title} grew more than ${budget}: ${change}` }
    : { ...base, increasePercent: inc, status: 'pass', message: `${spec.title} change within ${budget}: ${change}` };
}

function nodeRef(n: NodeFigures): Check['node'] {
  return { name: n.name, graph: n.graph, opType: n.opType };
}

function nodeChecks(t: BudgetTarget, metric: NodeMetric, kind: 'max' | 'share', limit: number, m: ModelFigures): Check[] {
  const spec = METRICS[metric];
  const ruleId = kind === 'max' ? `node-${metric}` : `node-${metric}-share`;
  const base = { ruleId, scope: 'node' as const, metric, kind, limit, target: t.where };
  const value = (n: NodeFigures): number | null | undefined => n[metric as keyof NodeFigures] as number | null | undefined;
  const nodes = kind === 'share' ? m.nodes.filter((n) => n.runs > 0) : m.nodes;
  let whole: Figure;
  if (metric === 'latencyMs') {
    const known = nodes.map(value).filter((v): v is number => typeof v === 'number');
    whole = { value: known.length ? known.reduce((a, v) => a + v, 0) : null, lowerBound: false, why: 'latency was not measured' };
  } else if (metric === 'activationBytes') {
    whole = { value: null, lowerBound: false };
  } else {
    whole = m[metric];
  }
  const what = kind === 'max' ? `the budget of ${spec.format(limit)} per node (${t.where})` : `the budget of ${limit} % of the model's ${spec.title} per node (${t.where})`;
  if (kind === 'share' && (whole.value === null || whole.lowerBound || whole.value === 0)) {
    const why = whole.value === 0 ? `the model's ${spec.title} total is 0` : `the model's ${spec.title} total is ${shown(metric, whole)} (${whole.why ?? 'unknown'})`;
    return [{ ...base, status: 'unknown', actual: null, lowerBound: false, sharePercent: null, message: `node shares of ${spec.title} cannot be checked against ${what}: ${why}` }];
  }
  const out: Check[] = [];
  const unknown: NodeFigures[] = [];
  for (const n of nodes) {
    const v = value(n);
    if (v === null || v === undefined) {
      unknown.push(n);
      continue;
    }
    const label = `${n.opType} '${nodeKey(n)}'`;
    if (kind === 'max') {
      if (v > limit) out.push({ ...base, status: 'fail', actual: v, lowerBound: false, node: nodeRef(n), message: `${label}: ${spec.title} ${spec.format(v)} exceeds ${what}` });
    } else {
      const share = (100 * v * (metric === 'latencyMs' ? 1 : n.runs)) / whole.value!;
      if (share > limit) {
        out.push({
          ...base,
          status: 'fail',
          actual: v,
          lowerBound: false,
          sharePercent: share,
          node: nodeRef(n),
          message: `${label}: ${pct(share)} of the model's ${spec.title} (${spec.format(v * (metric === 'latencyMs' ? 1 : n.runs))} of ${spec.format(whole.value!)}) exceeds ${what}`,
        });
      }
    }
  }
  if (unknown.length > 0) {
    const eg = unknown.slice(0, 3).map((n) => `${n.opType} '${nodeKey(n)}'`).join(', ');
    out.push({ ...base, status: 'unknown', actual: null, lowerBound: false, message: `${unknown.length} node(s) have unknown ${spec.title} and cannot be checked against ${what} (e.g. ${eg})` });
  }
  if (out.length === 0) out.push({ ...base, status: 'pass', actual: null, lowerBound: false, message: `every node within ${what}` });
  return out;
}

/** Every check of budget entry `t` on a model with figures `m`. */
export function evaluateBudget(t: BudgetTarget, m: ModelFigures, o: EvaluateOptions = {}): Check[] {
  const checks: Check[] = [];
  for (const [metric, limit] of Object.entries(t.model) as [ModelMetric, NonNullable<BudgetTarget['model'][ModelMetric]>][]) {
    if (metric === 'latencyMs' && o.skipLatency) continue;
    const f: Figure = metric === 'latencyMs' ? (m.latencyMs ?? { value: null, lowerBound: false, why: 'latency was not measured' }) : m[metric];
    if (limit.max !== undefined) checks.push(maxCheck(t, metric, f, limit.max));
    if (limit.maxIncreasePercent !== undefined && o.baseline) {
      const b: Figure = metric === 'latencyMs' ? (o.baseline.latencyMs ?? { value: null, lowerBound: false, why: 'latency was not measured' }) : o.baseline[metric];
      checks.push(increaseCheck(t, metric, f, b, limit.maxIncreasePercent));
    }
  }
  for (const [metric, limit] of Object.entries(t.nodes) as [NodeMetric, NonNullable<BudgetTarget['nodes'][NodeMetric]>][]) {
    if (metric === 'latencyMs' && o.skipLatency) continue;
    if (limit.max !== undefined) checks.push(...nodeChecks(t, metric, 'max', limit.max, m));
    if (limit.maxSharePercent !== undefined) checks.push(...nodeChecks(t, metric, 'share', limit.maxSharePercent, m));
  }
  return checks;
}
