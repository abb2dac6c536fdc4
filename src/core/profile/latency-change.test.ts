import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_PAIRS, latencyChange, medianInterval } from './latency-change';

/** A deterministic noisy series around `center` (ms): a fixed pseudo-random walk, no Math.random. */
function series(center: number, noise: number, n: number, seed: number): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out.push(center + noise * (s / 2 ** 31 - 0.5) * 2);
  }
  return out;
}

test('sign-test interval of the median: coverage reaches 95 % from 6 values; k grows with n', () => {
  assert.equal(medianInterval([1, 2, 3, 4, 5]), null, '5 values: the widest interval covers 93.75 %');
  assert.deepEqual(medianInterval([1, 2, 3, 4, 5, 6]), [1, 6], '6 values: 1 − 2/64 = 96.9 %');
  // n = 10: P(X ≤ 1) = 11/1024, coverage 97.9 %; P(X ≤ 2) = 56/1024 would cover only 89 %.
  assert.deepEqual(medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [2, 9]);
  // n = 100: the classic k = 40 (d_(40) … d_(61)).
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(medianInterval(hundred), [40, 61]);
});

test('the same distribution on both sides: no measurable change, the difference inside the spread', () => {
  const a = series(0.365, 0.05, 40, 7);
  const b = series(0.365, 0.05, 40, 99);
  const c = latencyChange(a, b);
  assert.equal(c.verdict, 'no measurable change');
  assert.ok(c.intervalMs && c.intervalMs[0] <= 0 && c.intervalMs[1] >= 0, `interval ${c.intervalMs}`);
  assert.match(c.text, /^0\.\d{3} ms → 0\.\d{3} ms, no measurable change \([+−]?[\d.]+ ms, inside the spread [+−]?[\d.]+ … [+−]?[\d.]+ ms\)$/);
  assert.equal(c.pairs, 40);
  assert.ok(c.beforeSpreadMs > 0 && c.beforeSpreadMs < 0.1 && c.afterSpreadMs > 0 && c.afterSpreadMs < 0.1, 'IQR of noise ±0.05 is under 0.1');
});

test('clearly separated: faster or slower, with the change and its share of the original median', () => {
  const a = series(1.0, 0.05, 20, 3);
  const b = a.map((x, i) => x * 0.8 + (i % 3) * 0.001);
  const faster = latencyChange(a, b);
  assert.equal(faster.verdict, 'faster');
  assert.ok(faster.differenceMs < -0.15 && faster.differenceMs > -0.25);
  assert.ok(faster.intervalMs![1] < 0);
  assert.match(faster.text, /, faster \(−0\.\d{3} ms, −(19|20)\.\d %; spread −0\.\d{3} … −0\.\d{3} ms\)$/);
  const slower = latencyChange(b, a);
  assert.equal(slower.verdict, 'slower');
  assert.match(slower.text, /slower \(\+0\.\d{3} ms, \+2\d\.\d %/);
});

test('drift that hits both sides alike is cancelled by pairing', () => {
  // The machine slows down 3× over the run; b is 5 % faster in every pair.
  const a = Array.from({ length: 30 }, (_, i) => 1 + (2 * i) / 29);
  const b = a.map((x) => x * 0.95);
  const c = latencyChange(a, b);
  assert.equal(c.verdict, 'faster', c.text);
  assert.ok(c.beforeSpreadMs > 0.9, 'the IQR of each side shows the drift; the paired interval does not');
});

test('a steady difference under 2 % of the median is no measurable change, even outside the spread', () => {
  const a = series(2.0, 0.01, 50, 11);
  const b = a.map((x) => x + 0.01); // +0.5 %
  const c = latencyChange(a, b);
  assert.equal(c.verdict, 'no measurable change');
  assert.ok(c.intervalMs![0] > 0, 'outside the spread');
  assert.match(c.text, /no measurable change \(\+0\.010 ms, under 2 % of the median; spread \+0\.010 … \+0\.010 ms\)/);
});

test('too few runs: no measurable change, and says why; no runs at all is unknown, never 0', () => {
  const c = latencyChange([1, 1.1, 1.2], [2, 2.1, 2.2]);
  assert.equal(c.verdict, 'no measurable change');
  assert.equal(c.intervalMs, null);
  assert.equal(c.text, `1.100 ms → 2.100 ms, no measurable change (too few runs to tell: 3 pairs, ${MIN_PAIRS} needed)`);
  const none = latencyChange([], []);
  assert.equal(none.pairs, 0);
  assert.ok(Number.isNaN(none.beforeMs) && Number.isNaN(none.differenceMs) && Number.isNaN(none.beforeSpreadMs));
  assert.match(none.text, /^\? ms → \? ms, no measurable change \(too few runs to tell: 0 pairs/);
});

test('zero spread: identical runs are no change; a constant gap is a change', () => {
  const same = latencyChange(Array(10).fill(0.5), Array(10).fill(0.5));
  assert.equal(same.verdict, 'no measurable change');
  assert.deepEqual(same.intervalMs, [0, 0]);
  assert.equal(same.beforeSpreadMs, 0);
  assert.equal(same.text, '0.500 ms → 0.500 ms, no measurable change (0.000 ms, inside the spread 0.000 … 0.000 ms)');
  const gap = latencyChange(Array(10).fill(0.5), Array(10).fill(0.4));
  assert.equal(gap.verdict, 'faster');
  assert.equal(gap.text, '0.500 ms → 0.400 ms, faster (−0.100 ms, −20.0 %; spread −0.100 … −0.100 ms)');
});

test('series of different lengths pair up to the shorter; medians use every run', () => {
  const c = latencyChange([1, 1, 1, 1, 1, 1, 9], [1, 1, 1, 1, 1, 1]);
  assert.equal(c.pairs, 6);
  assert.equal(c.beforeMs, 1);
  assert.equal(c.verdict, 'no measurable change');
});
