// Calibration and traces, end to end with the real ONNX Runtime (no wall time asserted): a short
// calibration writes a valid, versioned profile whose NCHWc block is the one ORT itself uses here
// (read from the graph ORT writes out), with fusions seen and predictors that never go negative;
// a profile built from an ORT trace recorded in the test learns the kernel classes of that model and
// predicts its kernel time consistently with the trace it learnt from; the CLI writes and reads both.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import { readModel } from '../../src/core/onnx/reader';
import { writeModel } from '../../src/core/onnx/writer';
import { parseDeviceProfile, predictModel } from '../../src/core/predict';
import { median } from '../../src/core/profile/stats';
import { parseOrtTrace } from '../../src/core/profile/trace';
import { calibrateDevice } from '../../src/node/ort/calibrate-device';
import { nchwcBlockOf, profileFromTraces } from '../../src/node/ort/device-traces';
import { OrtRuntime } from '../../src/node/ort/runtime';
import { runCli } from '../support/cli';
import { ort } from '../support/ort';
import { resnetLike } from '../profile/resnet-like';

const dir = mkdtempSync(join(tmpdir(), 'll-calibrate-'));
process.env.LAYERLENS_CACHE_DIR = join(dir, 'cache');

/** The NCHWc block ORT uses on this machine: a 16->4 channel Conv's weights as ORT re-lays them out. */
async function ortBlock(): Promise<number> {
  const { model, b } = newModel('block');
  const x = b.input('x', DataType.FLOAT, [1, 16, 8, 8]);
  const [y] = b.node('Conv', [x, b.initializer('w', DataType.FLOAT, [4, 16, 3, 3], new Array(576).fill(0.1))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'c' });
  b.output(y!, DataType.FLOAT, [1, 4, 8, 8]);
  const out = join(dir, 'block.optimized.onnx');
  const s = await ort.InferenceSession.create(writeModel(model), { graphOptimizationLevel: 'all', optimizedModelFilePath: out });
  await s.release();
  return nchwcBlockOf(readModel(readFileSync(out)));
}

test('a short calibration writes a valid versioned profile: ORT version, threads, the NCHWc block ORT uses, fusions seen, non-negative predictors', async () => {
  const progress: string[] = [];
  const p = await calibrateDevice({ budgetMinutes: 0.5, maxSamples: 36, families: ['conv-dense', 'conv-1x1', 'elementwise'], threads: 1, run: { onProgress: (m) => progress.push(m) } });
  const back = parseDeviceProfile(JSON.stringify(p));
  assert.equal(back.kind, 'calibrated');
  assert.equal(back.runtime.threads, 1);
  assert.match(back.runtime.version, /^\d+\.\d+/);
  assert.equal(back.runtime.nchwcBlock, await ortBlock());
  assert.ok(back.samples.total > 20, JSON.stringify(back.samples));
  assert.ok(progress.some((m) => /^batch \d+/.test(m)), progress.join('\n'));
  if (back.runtime.nchwcBlock > 1) assert.ok(back.fusions.some((f) => f.rule === 'nchwc' && f.applied > 0), JSON.stringify(back.fusions));
  assert.ok(Object.keys(back.predictors).length >= 2, Object.keys(back.predictors).join(','));
  for (const pr of [...Object.values(back.predictors), back.generic]) for (const r of pr!.regimes) for (const v of Object.values(r.coef)) assert.ok(v >= 0);
});

test('calibration is cancelled through its AbortSignal: a ProfileError, no profile', async () => {
  const controller = new AbortController();
  const run = calibrateDevice({ budgetMinutes: 1, families: ['gemm'], run: { signal: controller.signal, onProgress: (m) => m.startsWith('batch') && controller.abort() } });
  await assert.rejects(run, /cancelled/);
});

test('--from-traces: a profile from an ORT trace recorded here; it learns the model\'s kernel classes and predicts the kernel time it learnt from', async () => {
  const traces = join(dir, 'traces');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(traces);
  const bytes = resnetLike();
  writeFileSync(join(traces, 'resnet.onnx'), bytes);
  const raw = await new OrtRuntime().profile({ modelPath: join(traces, 'resnet.onnx'), inputs: [{ name: 'image', elemType: DataType.FLOAT, shape: [1, 3, 56, 56] }], mode: 'deployed', runs: 8, warmup: 2 });
  writeFileSync(join(traces, 'resnet.optimized.onnx'), raw.optimizedModel!);
  writeFileSync(join(traces, 'resnet.trace.json'), raw.traceText!);
  const p = parseDeviceProfile(JSON.stringify(profileFromTraces(traces, { name: 'traced' })));
  assert.equal(p.runtime.nchwcBlock, nchwcBlockOf(readModel(raw.optimizedModel!)));
  assert.ok(p.predictors['conv-nchwc'] || p.predictors['conv-nchwc-1x1'], Object.keys(p.predictors).join(','));
  // The trace's kernel time (medians per kernel, first run dropped) against the prediction for the same model.
  const per = new Map<string, number[]>();
  for (const e of parseOrtTrace(raw.traceText!).events) if (e.run >= 1) per.set(e.node, [...(per.get(e.node) ?? []), e.durUs]);
  const measuredUs = [...per.values()].reduce((a, d) => a + median(d), 0);
  const predictedUs = predictModel(readModel(bytes), p).prediction.latency.kernelsMs * 1000;
  assert.ok(predictedUs > measuredUs / 2 && predictedUs < measuredUs * 2, `predicted ${predictedUs.toFixed(0)} µs vs traced ${measuredUs.toFixed(0)} µs`);

  // The CLI does the same and writes the file atomically.
  const out = join(dir, 'traced.device.json');
  const r = runCli(['calibrate', '--from-traces', traces, '--out', out, '--name', 'traced device'], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /written: /);
  assert.equal(parseDeviceProfile(readFileSync(out, 'utf8')).name, 'traced device');
  const pr = runCli(['predict', join(traces, 'resnet.onnx'), '--device', out, '--json']);
  assert.equal(pr.status, 0, pr.stderr);
  assert.equal((JSON.parse(pr.stdout) as { device: { kind: string } }).device.kind, 'calibrated');
});

test('--from-traces on a folder without traces: a usage error that says what is expected', () => {
  const empty = mkdtempSync(join(tmpdir(), 'll-notraces-'));
  const r = runCli(['calibrate', '--from-traces', empty]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /UsageError: .*NAME\.onnx with NAME\.optimized\.onnx/);
});
