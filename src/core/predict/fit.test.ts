// The predictor fit on samples drawn from a known law: it recovers the coefficients (non-negative),
// ignores a few kernels slowed by other processes, finds two regimes when the data has them, and
// reports its error on held-out samples it was not fitted on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors, evaluate, fitClass, heldOut, type Sample } from './fit';

const R = { peakGflops: 100, bandwidthGBs: 10, kernelOverheadUs: 2 };

/** Samples of t = 5 µs + 2 × FLOPs/peak + 1.5 × bytes/bandwidth (µs), with ±2 % deterministic jitter. */
function law(n: number, f: (c: number, m: number) => number = (c, m) => 5 + 2 * c + 1.5 * m): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const flops = 1e4 * 1.35 ** (i % 40);
    const bytes = 1e3 * 1.5 ** ((i * 7) % 30);
    const c = flops / (R.peakGflops * 1e3);
    const m = bytes / (R.bandwidthGBs * 1e3);
    out.push({ id: `s${i}`, flops, bytes, us: f(c, m) * (1 + 0.02 * Math.sin(i * 12.9898)) });
  }
  return out;
}

test('recovers fixed cost and the compute and memory coefficients of a linear law', () => {
  const p = fitClass(law(120), R);
  const co = p.regimes[p.regimes.length - 1]!.coef;
  assert.equal(p.regimes.length, 1);
  assert.ok(Math.abs(co.fixedUs - 5) < 0.5, JSON.stringify(co));
  assert.ok(Math.abs(co.perComputeUs - 2) < 0.1, JSON.stringify(co));
  assert.ok(Math.abs(co.perMemoryUs - 1.5) < 0.1, JSON.stringify(co));
  assert.ok(p.validation && p.validation.n > 10 && p.validation.mape < 0.05 && p.validation.within10 === 1, JSON.stringify(p.validation));
});

test('kernels slowed 5× by another process do not drag the fit (robust towards least absolute error)', () => {
  const samples = law(120).map((s, i) => (i % 10 === 3 ? { ...s, us: s.us * 5 } : s));
  const co = fitClass(samples, R).regimes.at(-1)!.coef;
  assert.ok(Math.abs(co.perComputeUs - 2) < 0.2 && Math.abs(co.perMemoryUs - 1.5) < 0.2, JSON.stringify(co));
});

test('coefficients never go negative, even when the data would like them to', () => {
  const p = fitClass(law(60, (c) => Math.max(1, 20 - 0.01 * c)), R);
  for (const r of p.regimes) for (const v of Object.values(r.coef)) assert.ok(v >= 0, JSON.stringify(r.coef));
});

test('two regimes (small kernels on one thread, large on all) give a split at the roofline time', () => {
  const p = fitClass(law(160, (c, m) => (Math.max(c, m) < 20 ? 3 + 4 * c + 3 * m : 40 + 1 * c + 0.8 * m)), R);
  assert.ok(p.regimes.length >= 2, JSON.stringify(p.regimes));
  assert.ok(p.validation!.mape < 0.2, JSON.stringify(p.validation));
});

test('held-out samples are a fixed quarter, and the validation error is measured on them only', () => {
  const s = law(200);
  const held = s.filter((x) => heldOut(x.id)).length;
  assert.ok(held > 30 && held < 70, String(held));
  const p = fitClass(s, R);
  assert.equal(p.validation!.n, held);
  assert.deepEqual(errors(p, [{ id: 'x', flops: 0, bytes: 0, us: evaluate(p, 0, 0, R) }], R).mape, 0);
});

test('too few samples: a predictor without a validation figure (never a made-up one)', () => {
  assert.equal(fitClass(law(5), R).validation, null);
});
