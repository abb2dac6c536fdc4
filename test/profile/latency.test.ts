// Latency as ORT executes it, and the profile's text and JSON. No wall time is asserted: only what
// holds by construction or by physics (kernels run inside a run).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import { writeModel } from '../../src/core/onnx/writer';
import { profileModel } from '../../src/node/ort/profile';
import { runCli } from '../support/cli';
import { npyInt64Scalar } from '../support/npy';
import { realModelPath, SAMPLE } from '../support/models';

const dir = mkdtempSync(join(tmpdir(), 'll-latency-'));
process.env.LAYERLENS_CACHE_DIR = join(dir, 'cache');

test('a model with a large output: the reported latency is ORT\'s, at most the session.run and model_run medians', async () => {
  const { model, b } = newModel('big-output');
  const x = b.input('x', DataType.FLOAT, [1, 128, 64]);
  const w = b.initializer('w', DataType.FLOAT, [64, 5000], Array.from({ length: 64 * 5000 }, (_, i) => ((i % 13) - 6) / 50));
  const [y] = b.node('MatMul', [x, w], {}, { name: 'logits', outputs: ['logits'] });
  b.output(y!, DataType.FLOAT, [1, 128, 5000]);
  const path = join(dir, 'big-output.onnx');
  writeFileSync(path, writeModel(model));
  const r = await profileModel(path, { runs: 10, warmup: 2, machine: false });
  const l = r.latency!;
  assert.equal(l.preallocatedOutputs, true);
  assert.ok(l.medianMs <= l.wallMedianMs && l.medianMs <= l.profiledMedianMs);
  assert.ok(Math.abs(l.medianMs - (l.source === 'model_run' ? l.profiledMedianMs : l.wallMedianMs)) < 1e-9);
  assert.ok(l.kernelSumMs <= l.profiledMedianMs * 1.1, `kernels ${l.kernelSumMs} ms inside a run of ${l.profiledMedianMs} ms`);
  assert.ok(l.jsOutputMedianMs > 0);
});

test('deployed mode with If bodies: kernel time is self time (the sum of kernels stays within the run)', async () => {
  writeFileSync(join(dir, 'sr.npy'), npyInt64Scalar(16000n));
  const r = await profileModel(realModelPath('silero-vad-v5.onnx'), {
    bindings: { inputs: { input: [1, 576], state: [2, 1, 128] } },
    inputFiles: { sr: join(dir, 'sr.npy') },
    mode: 'deployed', runs: 5, warmup: 1, machine: false,
  });
  const l = r.latency!;
  assert.ok(l.kernelSumMs <= l.profiledMedianMs * 1.1, `kernels add up to ${l.kernelSumMs} ms, more than the run's ${l.profiledMedianMs} ms: a body is counted twice`);
  assert.equal(r.attribution.coverage, 1);
});

test('CLI: profile prints the machine figures with spread and date, the verdict and roofline share per node, and the JSON carries kernels and flags', () => {
  const text = runCli(['profile', SAMPLE, '--input', 'image=1x3x32x32', '--runs', '3', '--warmup', '1'], { timeoutMs: 180_000, env: { LAYERLENS_CACHE_DIR: join(dir, 'cache') } });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^latency: median .* ms .* over 3 runs, (ORT's own model_run time|session\.run wall time with pre-allocated outputs)$/m);
  assert.match(text.stdout, /^machine: [\d.]+ GFLOP\/s peak, [\d.]+ GB\/s, [\d.]+ µs per kernel/m);
  assert.match(text.stdout, /best of 40; median/);
  assert.match(text.stdout, /measured \d{4}-\d\d-\d\dT.* with ONNX Runtime/);
  assert.match(text.stdout, /verdict\s+roofline\s+measured in/);
  assert.match(text.stdout, /\/features\/block1\/bn\s+BatchNormalization .*(compute|memory|overhead)-bound/);
  const json = runCli(['profile', SAMPLE, '--input', 'image=1x3x32x32', '--runs', '3', '--warmup', '1', '--json'], { timeoutMs: 180_000, env: { LAYERLENS_CACHE_DIR: join(dir, 'cache') } });
  const j = JSON.parse(json.stdout) as {
    kernels: { kernel: string; verdict: string; nodes: string[]; role: string }[];
    implausible: { nodes: number; kernels: number; maxRatio: number };
    attribution: { coverage: number; untimed: unknown[]; unattributed: unknown[] };
    machine: { figures: { matmulGflops: { best: number; median: number; worst: number } }; cached: boolean };
    nodes: { name: string; verdict?: string; kernel?: string }[];
  };
  assert.equal(j.machine.cached, true);
  assert.ok(j.kernels.length > 0 && j.kernels.every((k) => ['compute-bound', 'memory-bound', 'overhead-bound'].includes(k.verdict)));
  const conv = j.nodes.find((n) => n.name === '/features/block1/conv')!;
  const bn = j.nodes.find((n) => n.name === '/features/block1/bn')!;
  assert.equal(bn.kernel, conv.kernel, 'BatchNormalization is measured in its Conv kernel');
  assert.equal(bn.verdict, conv.verdict, 'and shows that kernel\'s verdict');
  assert.equal(j.implausible.nodes, 0);
  assert.ok(Array.isArray(j.attribution.untimed) && Array.isArray(j.attribution.unattributed));
});
