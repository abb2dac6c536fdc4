// `layerlens optimize --quantize` as a user runs it (the built CLI, a child process) on the sample and
// real models: fp16 storage, fp16 conversion and static int8, each verified in ORT.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataType } from '../../src/core/ir/data-type';
import { readModel } from '../../src/core/onnx/reader';
import { runCli } from '../support/cli';
import { SAMPLE, realModelPath } from '../support/models';

test('fp16 weight storage halves ppocr-cls (weights in Constant nodes) within tolerance', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'll-q-')), 'cls-fp16.onnx');
  const r = runCli(['optimize', realModelPath('ppocr-cls.onnx'), '-o', out, '--quantize', 'fp16-weights', '--input', 'x=1x3x48x192', '--json'], { timeoutMs: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { verification: { passed: boolean; before: { fileBytes: number }; after: { fileBytes: number }; outputs: { cosine: number }[] } };
  assert.ok(j.verification.passed);
  const ratio = j.verification.after.fileBytes / j.verification.before.fileBytes;
  assert.ok(ratio < 0.6, `size ratio ${ratio}`);
  assert.ok(j.verification.outputs[0]!.cosine >= 0.999);
  const unknown = runCli(['optimize', realModelPath('ppocr-cls.onnx'), '-o', out, '--quantize', 'int3']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /expected int8, int8-static, int4, int8-weight, fp16 or fp16-weights/);
});

test('static int8 (QDQ, calibrated min-max): the sample CNN within tolerance; opset 9 refused', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'll-q-')), 'static.onnx');
  const r = runCli(['optimize', SAMPLE, '-o', out, '--fuse', '--quantize', 'int8-static', '--dim', 'batch=1', '--json'], { timeoutMs: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: calibrating on generated inputs/);
  const j = JSON.parse(r.stdout) as { applied: { rule: string }[]; verification: { passed: boolean; before: { fileBytes: number }; after: { fileBytes: number }; outputs: { cosine: number }[] } };
  assert.equal(j.applied.filter((a) => a.rule === 'quantize-int8-static').length, 3);
  assert.ok(j.verification.passed);
  assert.ok(j.verification.outputs[0]!.cosine >= 0.98);
  assert.ok(j.verification.after.fileBytes / j.verification.before.fileBytes < 0.5);
  const q = readModel(readFileSync(out));
  assert.equal(q.graph.nodes.filter((n) => n.opType === 'QuantizeLinear').length, 3);
  const old = runCli(['optimize', realModelPath('ppocr-cls.onnx'), '-o', out, '--quantize', 'int8-static', '--input', 'x=1x3x48x192', '--json'], { timeoutMs: 300_000 });
  assert.equal(old.status, 0, old.stderr);
  const jo = JSON.parse(old.stdout) as { applied: unknown[]; refused: { reason: string }[] };
  assert.equal(jo.applied.length, 0);
  assert.match(jo.refused[0]!.reason, /opset 9 lacks per-channel DequantizeLinear: needs >= 13/);
});

test('fp16 conversion: float16 inside, float interface, within tolerance on the sample and ppocr-cls', () => {
  for (const [file, bind] of [[SAMPLE, ['--dim', 'batch=1']], [realModelPath('ppocr-cls.onnx'), ['--input', 'x=1x3x48x192']]] as const) {
    const out = join(mkdtempSync(join(tmpdir(), 'll-q-')), 'f16.onnx');
    const r = runCli(['optimize', file, '-o', out, '--quantize', 'fp16', ...bind, '--json'], { timeoutMs: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { verification: { passed: boolean; outputs: { cosine: number }[]; before: { fileBytes: number }; after: { fileBytes: number } } };
    assert.ok(j.verification.passed);
    assert.ok(j.verification.outputs.every((o) => o.cosine >= 0.999));
    assert.ok(j.verification.after.fileBytes / j.verification.before.fileBytes < 0.6);
    const before = readModel(readFileSync(file));
    const after = readModel(readFileSync(out));
    assert.deepEqual(after.graph.inputs.map((v) => [v.name, v.type?.kind === 'tensor' ? v.type.elemType : null]), before.graph.inputs.map((v) => [v.name, v.type?.kind === 'tensor' ? v.type.elemType : null]));
    assert.deepEqual(after.graph.outputs.map((v) => v.name), before.graph.outputs.map((v) => v.name));
    assert.ok(after.graph.outputs.every((v) => v.type?.kind === 'tensor' && v.type.elemType === DataType.FLOAT));
    const halfs = [...after.graph.initializers, ...after.graph.nodes.filter((n) => n.opType === 'Constant').map((n) => n.constantTensor!)].filter((t) => t.dataType === DataType.FLOAT16);
    assert.ok(halfs.length > 0, 'weights are float16');
  }
});
