// The latency verdict of a verification checked against its own numbers (src/core/profile/
// latency-change.ts): whatever the machine's noise, the verdict must follow from the reported median
// difference, its interval and the 2 % floor, and the text must show the medians reported.
import assert from 'node:assert/strict';
import { MIN_PAIRS, MIN_RELATIVE_CHANGE, type LatencyChange } from '../../src/core/profile/latency-change';

export function assertConsistentLatencyChange(c: LatencyChange | undefined, before: { medianMs: number }, after: { medianMs: number }, label = ''): void {
  assert.ok(c, `${label}: latencyChange present`);
  assert.equal(c.beforeMs, before.medianMs, `${label}: the verdict is about the medians shown`);
  assert.equal(c.afterMs, after.medianMs, label);
  assert.ok(c.pairs >= MIN_PAIRS && c.intervalMs, `${label}: enough pairs for an interval (${c.pairs})`);
  const [lo, hi] = c.intervalMs;
  assert.ok(lo <= c.differenceMs && c.differenceMs <= hi, `${label}: ${lo} ≤ ${c.differenceMs} ≤ ${hi}`);
  assert.ok(c.beforeSpreadMs >= 0 && c.afterSpreadMs >= 0, label);
  const big = Math.abs(c.differenceMs) >= MIN_RELATIVE_CHANGE * c.beforeMs;
  const expected = hi < 0 && big ? 'faster' : lo > 0 && big ? 'slower' : 'no measurable change';
  assert.equal(c.verdict, expected, `${label}: ${c.text}`);
  assert.ok(c.text.startsWith(`${c.beforeMs.toFixed(3)} ms → ${c.afterMs.toFixed(3)} ms, ${c.verdict} (`), `${label}: ${c.text}`);
}
