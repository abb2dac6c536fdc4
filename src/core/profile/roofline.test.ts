import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figure, implausibility, judgeKernel, ridgePoint, type MachinePeaks } from './roofline';

const m = { peakGflops: 100, bandwidthGBs: 10, kernelOverheadUs: 5 } as MachinePeaks;

test('verdicts look at the work against the roofline and at the measured time', () => {
  assert.equal(ridgePoint(m), 10);
  // 0.1 MFLOP = 1 µs at peak: below one fixed cost, and measured at 15 µs (< 4 × 5 µs).
  assert.equal(judgeKernel(1e5, 1e3, 15, m).verdict, 'overhead-bound');
  // The same tiny work measured at 200 µs is not explained by the fixed cost: judged by its roof.
  assert.equal(judgeKernel(1e5, 1e3, 200, m).verdict, 'compute-bound');
  // 1 GFLOP (10 ms) vs 1 MB (0.1 ms): compute-bound at 50 % of the roofline.
  const c = judgeKernel(1e9, 1e6, 20_000, m);
  assert.equal(c.verdict, 'compute-bound');
  assert.ok(Math.abs(c.rooflineUs! - 10_000) < 1e-6 && Math.abs(c.efficiency! - 0.5) < 1e-9);
  assert.equal(judgeKernel(1e6, 1e8, 20_000, m).verdict, 'memory-bound');
  // A layout kernel: no FLOPs, bytes only.
  assert.equal(judgeKernel(0, 1e7, 2_000, m).verdict, 'memory-bound');
  assert.equal(judgeKernel(null, null, 20, m).verdict, 'unknown');
  assert.equal(judgeKernel(1e9, 1e6, 20, null).verdict, 'unknown');
});

test('an achieved figure over 1.25× the measured peak is flagged, with the reason', () => {
  assert.match(implausibility(130, m)!, /1\.30× the measured peak of 100\.0 GFLOP\/s/);
  assert.equal(implausibility(125, m), null);
  assert.equal(implausibility(null, m), null);
  assert.equal(implausibility(1e6, null), null);
});

test('figures keep best, median and worst; for times the best is the lowest', () => {
  assert.deepEqual(figure([3, 1, 2, 10]), { best: 10, median: 2.5, worst: 1, runs: 4 });
  assert.deepEqual(figure([3, 1, 2], true), { best: 1, median: 2, worst: 3, runs: 3 });
  assert.equal(figure([]).runs, 0);
});
