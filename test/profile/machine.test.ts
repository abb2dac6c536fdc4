// Machine figures against independent measurements made in the same test (test/support/
// machine-oracles.ts): a large memory copy (256 MiB, one thread per core, bytes read + written) for
// the bandwidth, and the wall time of large MatMuls through ONNX Runtime for the peak, each in a
// fresh process. Only physics bands are asserted (0.5–2×), never a wall time.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { median } from '../../src/core/profile/stats';
import { measureMachine, RECORD_VERSION, staleness } from '../../src/node/ort/machine';
import { ortPackageVersion } from '../../src/node/ort/runtime';
import { runCli } from '../support/cli';
import { copyOracle, matmulOracle } from '../support/machine-oracles';

test('machine figures land within 0.5–2× of a memory copy and a large MatMul measured in the same test', async () => {
  // Three rounds of oracle, calibration, oracle back to back; each round's ratio compares the
  // calibration with the better oracle measured around it, and the median round is asserted: other
  // processes on a shared machine slow whichever runs at a busy moment, so only measurements made
  // close together are compared.
  const bwRatios: number[] = [];
  const peakRatios: number[] = [];
  let m = await measureMachine(null);
  for (let round = 0; round < 3; round++) {
    const copyBefore = copyOracle();
    const mmBefore = matmulOracle();
    m = await measureMachine(null);
    const copy = Math.max(copyBefore, copyOracle());
    const mm = Math.max(mmBefore, matmulOracle());
    bwRatios.push(m.bandwidthGBs / copy);
    peakRatios.push(m.peakGflops / mm);
    console.log(`round ${round}: bandwidth ${m.bandwidthGBs.toFixed(1)} GB/s vs copy ${copy.toFixed(1)} GB/s (${(m.bandwidthGBs / copy).toFixed(2)}×); peak ${m.peakGflops.toFixed(1)} GFLOP/s vs MatMul ${mm.toFixed(1)} GFLOP/s (${(m.peakGflops / mm).toFixed(2)}×); ${m.kernelOverheadUs} µs per kernel`);
  }
  const bw = median(bwRatios);
  const peak = median(peakRatios);
  assert.ok(bw >= 0.5 && bw <= 2, `bandwidth / copy: ${bwRatios.map((r) => r.toFixed(2)).join(', ')} (median ${bw.toFixed(2)})`);
  assert.ok(peak >= 0.5 && peak <= 2, `peak / MatMul: ${peakRatios.map((r) => r.toFixed(2)).join(', ')} (median ${peak.toFixed(2)})`);
  // The spread is kept and ordered; the fixed cost of a kernel is small but not zero.
  for (const f of [m.figures.matmulGflops, m.figures.convGflops, m.figures.streamGBs, m.figures.readGBs]) {
    assert.ok(f.runs >= 10 && f.worst <= f.median && f.median <= f.best, JSON.stringify(f));
  }
  assert.ok(m.figures.kernelOverheadUs.best <= m.figures.kernelOverheadUs.median);
  assert.ok(m.kernelOverheadUs > 0 && m.kernelOverheadUs < 1000, `${m.kernelOverheadUs} µs per kernel`);
});

test('staleness: another ORT version, thread count, CPU or an old record is measured again', () => {
  const now = Date.now();
  const fresh = {
    version: RECORD_VERSION, peakGflops: 100, bandwidthGBs: 20, kernelOverheadUs: 3,
    figures: {} as never, threads: null, cpu: cpus()[0]?.model ?? 'unknown', cpuCount: cpus().length,
    ortVersion: ortPackageVersion(),
    measuredAt: new Date(now - 3600_000).toISOString(),
  };
  assert.equal(staleness(fresh, null, now), null);
  assert.match(staleness({ ...fresh, ortVersion: '0.0.1' }, null, now)!, /ONNX Runtime 0\.0\.1/);
  assert.match(staleness(fresh, 4, now)!, /thread count/);
  assert.match(staleness({ ...fresh, cpuCount: fresh.cpuCount + 1 }, null, now)!, /another CPU/);
  assert.match(staleness({ ...fresh, measuredAt: new Date(now - 30 * 86_400_000).toISOString() }, null, now)!, /30 days ago/);
  assert.match(staleness({ ...fresh, version: 2 }, null, now)!, /older LayerLens/);
});

test('CLI: layerlens machine measures once, answers from the cache, and measures again on --refresh', () => {
  const env = { LAYERLENS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'll-machine-cache-')) };
  const first = runCli(['machine', '--json'], { timeoutMs: 180_000, env });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /measuring this machine \(not measured yet\)/);
  const a = JSON.parse(first.stdout) as { peakGflops: number; bandwidthGBs: number; kernelOverheadUs: number; measuredAt: string; cached?: boolean; ridgeFlopsPerByte: number };
  assert.ok(a.peakGflops > 0 && a.bandwidthGBs > 0 && a.kernelOverheadUs > 0);
  assert.equal(a.cached, undefined);
  assert.ok(Math.abs(a.ridgeFlopsPerByte - a.peakGflops / a.bandwidthGBs) < 1e-9);
  const second = runCli(['machine', '--json'], { timeoutMs: 60_000, env });
  const b = JSON.parse(second.stdout) as typeof a;
  assert.equal(b.cached, true);
  assert.equal(b.measuredAt, a.measuredAt);
  const text = runCli(['machine'], { timeoutMs: 60_000, env });
  assert.match(text.stdout, /GFLOP\/s peak, .* GB\/s, .* µs per kernel/);
  assert.match(text.stdout, /best of 20; median/);
  assert.match(text.stdout, /cached, measured .* with ONNX Runtime/);
  const third = runCli(['machine', '--json', '--refresh'], { timeoutMs: 180_000, env });
  const c = JSON.parse(third.stdout) as typeof a;
  assert.equal(c.cached, undefined);
  assert.ok(Date.parse(c.measuredAt) > Date.parse(a.measuredAt));
});
