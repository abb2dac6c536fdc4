// `layerlens optimize --fuse` as a user runs it (the built CLI, a child process): verified, written
// atomically, the input untouched; on the real models every foldable Conv+BN pair is folded.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readModel } from '../../src/core/onnx/reader';
import type { LatencyChange } from '../../src/core/profile/latency-change';
import { runCli } from '../support/cli';
import { assertConsistentLatencyChange } from '../support/latency-change';
import { SAMPLE, realModelPath } from '../support/models';

test('CLI optimize --fuse: verified, written atomically, the input untouched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-opt-'));
  const src = join(dir, 'in.onnx');
  writeFileSync(src, readFileSync(SAMPLE));
  const before = readFileSync(src);
  const out = join(dir, 'out.onnx');
  const r = runCli(['optimize', src, '-o', out, '--fuse', '--dim', 'batch=1', '--json'], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { applied: { rule: string }[]; verification: { passed: boolean; outputs: { maxRelError: number; cosine: number }[]; before: { params: number }; after: { params: number } } };
  assert.equal(j.applied.filter((a) => a.rule === 'fuse-conv-batchnorm').length, 3);
  assert.equal(j.verification.passed, true);
  assert.ok(j.verification.outputs[0]!.maxRelError < 1e-4);
  assert.ok(j.verification.after.params < j.verification.before.params);
  assert.deepEqual(readFileSync(src), before, 'input unchanged');
  assert.equal(readModel(readFileSync(out)).graph.nodes.filter((n) => n.opType === 'BatchNormalization').length, 0);
  assert.deepEqual(readdirSync(dir).sort(), ['in.onnx', 'out.onnx'], 'no temp files left');
  assert.equal(runCli(['optimize', src, '-o', src, '--fuse', '--dim', 'batch=1']).status, 2, '-o IN is refused');
  assert.equal(runCli(['optimize', src, '-o', out, '--quantize', 'int8']).status, 2, 'unbound symbolic dims: a usage error');
  const inPlace = runCli(['optimize', src, '--in-place', '--fuse', '--dim', 'batch=1'], { timeoutMs: 120_000 });
  assert.equal(inPlace.status, 0, inPlace.stderr);
  assert.ok(existsSync(`${src}.bak`));
  assert.deepEqual(readFileSync(`${src}.bak`), before);
});

test('real models fused and verified in ORT: every foldable Conv+BN pair folded, MACs and params not increased', () => {
  const cases: [string, string[]][] = [
    ['ppocr-cls.onnx', ['--input', 'x=1x3x48x192']],
    ['ppocr-rec.onnx', ['--input', 'x=1x3x48x320']],
    ['hello-deepa.onnx', []],
    ['silero-vad-legacy.onnx', ['--dim', 'batch=1', '--dim', 'sequence=512']],
  ];
  for (const [file, bind] of cases) {
    const original = readModel(readFileSync(realModelPath(file)));
    const pairs = original.graph.nodes.filter((n) => n.opType === 'BatchNormalization' && ['Conv', 'ConvTranspose'].includes(n.inputs[0]?.producer?.opType ?? '')).length;
    const out = join(mkdtempSync(join(tmpdir(), 'll-opt-')), 'out.onnx');
    const r = runCli(['optimize', realModelPath(file), '-o', out, '--fuse', ...bind, '--json'], { timeoutMs: 300_000 });
    assert.equal(r.status, 0, `${file}: ${r.stderr}`);
    const j = JSON.parse(r.stdout) as { applied: { rule: string }[]; refused: { rule: string }[]; verification: { passed: boolean; outputs: { maxRelError: number }[]; before: { macs: number; params: number; medianMs: number }; after: { macs: number; params: number; medianMs: number }; latencyChange: LatencyChange } };
    const folded = j.applied.filter((a) => a.rule === 'fuse-conv-batchnorm').length;
    const refusedBn = j.refused.filter((x) => x.rule === 'fuse-conv-batchnorm').length;
    assert.equal(folded + refusedBn, pairs, `${file}: every Conv+BN pair is folded or refused with a reason`);
    const result = readModel(readFileSync(out));
    assert.equal(result.graph.nodes.filter((n) => n.opType === 'BatchNormalization').length, refusedBn, `${file}: no foldable BatchNormalization left`);
    assert.equal(j.verification.passed, true, file);
    for (const o of j.verification.outputs) assert.ok(o.maxRelError < 1e-4, `${file}: max rel error ${o.maxRelError}`);
    assert.ok(j.verification.after.macs <= j.verification.before.macs, `${file}: MACs`);
    assert.ok(j.verification.after.params <= j.verification.before.params, `${file}: params`);
    // ORT folds BatchNormalization into Conv itself: whatever the verdict, it follows from the numbers shown.
    assertConsistentLatencyChange(j.verification.latencyChange, j.verification.before, j.verification.after, file);
    console.log(`${file}: ${folded} BN folded, latency ${j.verification.latencyChange.text} over ${j.verification.latencyChange.pairs} pairs`);
    assert.ok(result.graph.nodes.length <= original.graph.nodes.length, `${file}: nodes`);
    if (file === 'ppocr-cls.onnx') {
      assert.equal(pairs, 35);
      assert.equal(folded, 35);
      assert.ok(result.graph.nodes.length < 300, `ppocr-cls: ${original.graph.nodes.length} -> ${result.graph.nodes.length} nodes (the weight Constants are now initializers)`);
    }
  }
});
