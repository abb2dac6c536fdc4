// Latency predicted on the target device (the status bar's target, docs/prediction.md), as the graph
// view shows it beside the measured one: the heat metric 'predicted', a table column, a line in the
// hover card and side panel, and the slowest layers' predicted figure. One store, set when the
// extension posts a `predicted` message; read by heat.ts, table.ts, facts.ts and panel.ts.
import type { PredictResult } from '../src/protocol/requests';

let current: PredictResult | null = null;
let byName = new Map<string, PredictResult['nodes'][number]>();

export function setPredicted(r: PredictResult | null): void {
  current = r;
  byName = new Map((r?.nodes ?? []).map((n) => [n.name, n]));
}

export function predictedResult(): PredictResult | null {
  return current;
}

/** µs predicted for the node on the target, or null (no target, or not predicted). */
export function predictedUs(name: string): number | null {
  return byName.get(name)?.us ?? null;
}

/** "on Raspberry Pi 5 (estimate)" or "on <device> (calibrated, ±12 % per kernel)". */
export function targetLabel(): string {
  if (!current) return '';
  const t = current.target;
  const v = current.validation;
  return `on ${t.name} (${t.kind === 'estimate' ? 'estimate' : `calibrated${v ? `, ±${(100 * v.mape).toFixed(0)} % per kernel` : ''}`})`;
}

/** The hover card and panel line: the node's predicted time, its share and kernel. */
export function predictedLine(name: string): [string, string] | null {
  const n = byName.get(name);
  if (!n || !current) return null;
  const share = current.predictedMs > 0 ? (100 * n.us) / (1000 * current.predictedMs) : 0;
  return ['predicted', `${n.us >= 1000 ? `${(n.us / 1000).toFixed(2)} ms` : `${n.us.toFixed(1)} µs`} · ${share.toFixed(1)} % ${targetLabel()} · kernel ${n.kernel}`];
}
