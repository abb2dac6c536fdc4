// `layerlens optimize --quantize` as a user runs it (the built CLI, a child process) on the sample and
// real models: fp16 storage, fp16 conversion, static int8 and dynamic int8 (on a transformer, with the
// note for what it leaves alone), each verified in ORT.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataType } from '../../src/core/ir/data-type';
import { readModel } from '../../src/core/onnx/reader';
import { runCli } from '../support/cli';
import { SAMPLE, realModelPath } from '../support/models';
import { save } from '../support/rules';
import { tinyTransformer } from '../support/tiny-transformer';

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

test('int8 on a transformer: Gather tables quantized, verified; MatMuls of two computed tensors said once as a note, never refused', () => {
  const src = save(tinyTransformer({ vocab: 1000, dim: 64, seq: 16, layers: 2 }), 'tt.onnx');
  const out = join(mkdtempSync(join(tmpdir(), 'll-q-')), 'tt-int8.onnx');
  const text = runCli(['optimize', src, '-o', out, '--quantize', 'int8'], { timeoutMs: 300_000 });
  assert.equal(text.status, 0, text.stderr);
  const notes = text.stdout.split('\n').filter((l) => l.startsWith('note (quantize-int8-dynamic)'));
  assert.deepEqual(notes, ["note (quantize-int8-dynamic): 4 MatMul/Gemm nodes multiply two computed tensors ('/layers.0/attn/scores', '/layers.0/attn/context', '/layers.1/attn/scores', … (1 more)): no weight to store in int8, so they are not candidates and stay in float"]);
  assert.doesNotMatch(text.stdout, /^refused/m);
  assert.match(text.stdout, /verification passed/);
  const j = JSON.parse(runCli(['optimize', src, '-o', out, '--quantize', 'int8', '--json'], { timeoutMs: 300_000 }).stdout) as { applied: { anchor: string }[]; refused: unknown[]; notes: { rule: string }[] };
  assert.deepEqual(j.refused, []);
  assert.deepEqual(j.notes.map((n) => n.rule), ['quantize-int8-dynamic']);
  assert.ok(j.applied.some((a) => a.anchor === '/embed/tokens'));
  assert.equal(readModel(readFileSync(out)).graph.nodes.find((n) => n.displayName === '/embed/tokens')!.inputs[0]!.constant!.dataType, DataType.INT8);
});
