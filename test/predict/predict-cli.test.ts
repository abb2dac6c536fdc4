// `layerlens predict` end to end (the built CLI): a catalog estimate labelled as such, every running
// node with its predicted µs and kernel, nodes the predictor cannot size listed with an unknown share
// (never a silent 0), and bad devices refused with typed errors.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli';
import { realModelPath, SAMPLE } from '../support/models';

interface PredictJson {
  latency: { predictedMs: number; method: string; kernelsMs: number; overheadMs: number; incomplete: boolean };
  device: { kind: string; estimate?: { derivation: Record<string, string>; assumptions: string[] } };
  nodes: { name: string; opType: string; predicted: { us: number; kernel: string } | null }[];
  kernels: { kernel: string; class: string; us: number | null; nodes: string[] }[];
  uncovered: { node: string; share: number | null; reason: string }[];
  folded: { node: string; why: string }[];
}

test('predict on a catalog device: an estimate, labelled, with its derivation; every running node predicted', () => {
  const r = runCli(['predict', SAMPLE, '--input', 'image=1x3x32x32', '--device', 'rpi5', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as PredictJson;
  assert.equal(j.device.kind, 'estimate');
  assert.match(j.latency.method, /roofline estimate .*not a measurement/);
  assert.match(j.device.estimate!.derivation.peakGflops!, /4 cores × 2\.4 GHz/);
  assert.ok(j.latency.predictedMs > 0 && Math.abs(j.latency.predictedMs - j.latency.kernelsMs - j.latency.overheadMs) < 1e-9);
  const folded = new Set(j.folded.map((f) => f.node));
  for (const n of j.nodes) {
    if (n.opType === 'Constant' || folded.has(n.name)) continue;
    assert.ok(n.predicted && n.predicted.us > 0 && n.predicted.kernel, `${n.name} has no prediction`);
  }
  // Node figures add up to the kernel time (layout kernels are charged to the nodes they serve).
  const sum = j.nodes.reduce((a, n) => a + (n.predicted?.us ?? 0), 0);
  assert.ok(Math.abs(sum / 1000 - j.latency.kernelsMs) < 1e-6 * j.latency.kernelsMs + 1e-9, `${sum / 1000} vs ${j.latency.kernelsMs}`);
  const text = runCli(['predict', SAMPLE, '--input', 'image=1x3x32x32', '--device', 'rpi5']);
  assert.match(text.stdout, /\[ESTIMATE\]/);
});

test('unbound symbolic dims: the nodes that cannot be sized are listed with an unknown share, the latency marked a lower bound', () => {
  const r = runCli(['predict', realModelPath('ppocr-cls.onnx'), '--device', 'x86-laptop', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as PredictJson;
  assert.equal(j.latency.incomplete, true);
  assert.ok(j.uncovered.length > 0 && j.uncovered.every((u) => u.share === null && /symbolic dims/.test(u.reason)), JSON.stringify(j.uncovered.slice(0, 2)));
  const bound = JSON.parse(runCli(['predict', realModelPath('ppocr-cls.onnx'), '--device', 'x86-laptop', '--input', 'x=1x3x48x192', '--json']).stdout) as PredictJson;
  assert.equal(bound.latency.incomplete, false);
  assert.equal(bound.uncovered.length, 0);
});

test('a device that is neither a catalog id nor a profile, or a profile of another version: typed errors, exit 2', () => {
  const r = runCli(['predict', SAMPLE, '--device', 'pi5']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /UsageError: 'pi5' is neither a catalog device \(rpi4, rpi5/);
  const dir = mkdtempSync(join(tmpdir(), 'll-predict-'));
  const old = join(dir, 'old.device.json');
  writeFileSync(old, JSON.stringify({ schema: 'layerlens.device-profile', version: 0 }));
  const v = runCli(['predict', SAMPLE, '--device', old]);
  assert.equal(v.status, 2);
  assert.match(v.stderr, /DeviceProfileError: .*version 0.*calibrate the device again/);
  const missing = runCli(['predict', SAMPLE, '--device', join(dir, 'none.json')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /FileSystemError/);
});
