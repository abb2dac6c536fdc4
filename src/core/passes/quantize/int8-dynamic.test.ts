// Dynamic int8 quantization: size and accuracy in real ORT (a MatMul stack; a transformer with
// embedding tables), Gather tables checked value by value, Gemm with transB, the refusals, and the note
// for products of two computed tensors (not candidates).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { DataType } from '../../ir/data-type';
import type { Model } from '../../ir/model';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass, int8Dynamic } from '../index';
import { verifyRewrite } from '../../../node/ort/verify';
import { mlpStack } from '../../../../test/support/mlp-stack';
import { makeInputs, ort, runOrt } from '../../../../test/support/ort';
import { save } from '../../../../test/support/rules';
import { tinyTransformer } from '../../../../test/support/tiny-transformer';

const F = DataType.FLOAT;

test('int8 dynamic on a MatMul-heavy model: ≤ 0.3× size, cosine ≥ 0.99, runs in ORT', async () => {
  const original = mlpStack();
  const origPath = save(original, 'mlp.onnx');
  const q = readModel(writeModel(original));
  const r = runPass(q, [int8Dynamic()]);
  assert.equal(r.applied.length, 8);
  assert.ok(q.graph.nodes.some((n) => n.opType === 'MatMulInteger'));
  const qPath = save(q, 'mlp-int8.onnx');
  const v = await verifyRewrite(
    { path: origPath, model: original, fileBytes: statSync(origPath).size },
    { path: qPath, model: q, fileBytes: statSync(qPath).size },
    int8Dynamic().tolerance,
    { runs: 10 },
  );
  const size = v.after.fileBytes / v.before.fileBytes;
  console.log(`int8 dynamic, MatMul stack: size ${size.toFixed(3)}x, latency ${(v.after.medianMs / v.before.medianMs).toFixed(2)}x (${v.before.medianMs.toFixed(2)} -> ${v.after.medianMs.toFixed(2)} ms), cosine ${v.outputs[0]!.cosine.toFixed(5)}`);
  assert.ok(v.passed, v.failures.join('; '));
  assert.ok(v.outputs[0]!.cosine >= 0.99);
  assert.ok(size <= 0.3, `size ratio ${size}`);
});

test('int8 dynamic refuses old opsets and non-constant weights, with the reason', () => {
  const old = runPass(mlpStack(9), [int8Dynamic()]);
  assert.equal(old.applied.length, 0);
  assert.match(old.refused[0]!.reason, /opset 9 lacks DynamicQuantizeLinear: needs >= 11/);
  const { model, b } = newModel('two-inputs');
  const x = b.input('x', F, [4, 32]);
  const y = b.input('y', F, [32, 32]);
  const [m] = b.node('MatMul', [x, y], {}, { name: 'mm' });
  b.output(m!, F, [4, 32]);
  const r = runPass(model, [int8Dynamic()]);
  assert.match(r.refused[0]!.reason, /non-constant weight input 'y'; only constant weights can be quantized/);
});

test('int8 dynamic covers Gemm (transB)', async () => {
  const { model, b } = newModel('gemm');
  const x = b.input('x', F, [4, 64]);
  const w = b.initializer('w', F, [32, 64], Array.from({ length: 32 * 64 }, (_, i) => Math.sin(i) * 0.2));
  const c = b.initializer('c', F, [32], Array.from({ length: 32 }, (_, i) => i / 32));
  const [y] = b.node('Gemm', [x, w, c], { transB: 1 }, { name: 'fc', outputs: ['y'] });
  b.output(y!, F, [4, 32]);
  const q = readModel(writeModel(model));
  assert.equal(runPass(q, [int8Dynamic()]).applied.length, 1);
  const feeds = makeInputs([{ name: 'x', elemType: F, shape: [4, 64] }], 9);
  const a1 = (await runOrt(writeModel(model), feeds)).y!.data as Float32Array;
  const a2 = (await runOrt(writeModel(q), makeInputs([{ name: 'x', elemType: F, shape: [4, 64] }], 9))).y!.data as Float32Array;
  let dot = 0;
  let n1 = 0;
  let n2 = 0;
  for (let i = 0; i < a1.length; i++) {
    dot += a1[i]! * a2[i]!;
    n1 += a1[i]! ** 2;
    n2 += a2[i]! ** 2;
  }
  assert.ok(dot / Math.sqrt(n1 * n2) > 0.99);
  const refuse = newModel('gemm-alpha');
  const gx = refuse.b.input('x', F, [4, 64]);
  const [gy] = refuse.b.node('Gemm', [gx, refuse.b.initializer('w', F, [64, 32], new Array(2048).fill(0.1))], { alpha: 0.5 }, { name: 'g', floatAttrs: ['alpha'] });
  refuse.b.output(gy!, F, [4, 32]);
  assert.match(runPass(refuse.model, [int8Dynamic()]).refused[0]!.reason, /Gemm 'g' scales by alpha\/beta/);
});

test('int8 dynamic quantizes Gather tables too: a transformer with an embedding shrinks to ≤ 0.3× (MatMuls alone: > 0.5×), within tolerance in ORT', async () => {
  const original = tinyTransformer({ vocab: 2000, dim: 64, seq: 32, layers: 1 });
  const origPath = save(original, 'tt.onnx');
  const ratio = async (q: Model, name: string): Promise<number> => {
    const qPath = save(q, name);
    const v = await verifyRewrite({ path: origPath, model: original, fileBytes: statSync(origPath).size }, { path: qPath, model: q, fileBytes: statSync(qPath).size }, int8Dynamic().tolerance, { runs: 3 });
    assert.ok(v.passed, `${name}: ${v.failures.join('; ')}`);
    console.log(`int8 dynamic, tiny transformer (${name}): size ${(v.after.fileBytes / v.before.fileBytes).toFixed(3)}x, cosine ${v.outputs[0]!.cosine.toFixed(5)}`);
    return v.after.fileBytes / v.before.fileBytes;
  };
  // The rule as it was: MatMuls only (the same rule restricted to them).
  const matmulsOnly = readModel(writeModel(original));
  runPass(matmulsOnly, [int8Dynamic()], { only: original.graph.nodes.filter((n) => n.opType === 'MatMul').map((n) => n.displayName) });
  const q = readModel(writeModel(original));
  const r = runPass(q, [int8Dynamic()]);
  assert.deepEqual(r.applied.filter((a) => a.anchor.startsWith('/embed/')).map((a) => a.anchor).sort(), ['/embed/positions', '/embed/tokens']);
  for (const name of ['/embed/tokens', '/embed/positions']) {
    const gather = q.graph.nodes.find((n) => n.displayName === name)!;
    assert.equal(gather.inputs[0]!.constant!.dataType, DataType.INT8, `${name} reads an int8 table`);
    assert.deepEqual(gather.outputs[0]!.consumers().map((n) => n.opType), ['DequantizeLinear']);
  }
  assert.equal(q.graph.initializers.some((t) => t.name === 'embed.tokens'), false, 'the float table is gone');
  assert.ok((await ratio(matmulsOnly, 'matmuls-only.onnx')) > 0.5);
  assert.ok((await ratio(q, 'int8.onnx')) <= 0.3);
});

test('a quantized Gather returns s · round(T / s) exactly in ORT; Gathers of one table share one int8 copy', async () => {
  const V = 300;
  const D = 4;
  const T = Array.from({ length: V * D }, (_, i) => Math.sin(i * 0.71) * (1 + (i % 5)));
  const { model, b } = newModel('emb');
  const ids = b.input('ids', DataType.INT64, [2, 3]);
  const table = b.initializer('table', F, [V, D], T);
  const [e1] = b.node('Gather', [table, ids], { axis: 0 }, { name: 'g1', outputs: ['e1'] });
  const [e2] = b.node('Gather', [table, ids], { axis: 0 }, { name: 'g2', outputs: ['e2'] });
  b.output(e1!, F, [2, 3, D]);
  b.output(e2!, F, [2, 3, D]);
  const r = runPass(model, [int8Dynamic()]);
  assert.equal(r.applied.length, 2);
  assert.deepEqual(model.graph.initializers.filter((t) => t.dataType === DataType.INT8 && t.dims.length === 2).map((t) => t.name), ['table.int8'], 'one int8 copy');
  const s = Math.fround(Math.max(...T.map(Math.abs)) / 127);
  const idx = [0, 7, 299, 150, 7, 42];
  const out = await runOrt(writeModel(model), { ids: new ort.Tensor('int64', BigInt64Array.from(idx.map(BigInt)), [2, 3]) });
  for (const name of ['e1', 'e2']) {
    const y = out[name]!.data as Float32Array;
    idx.forEach((row, k) => {
      for (let d = 0; d < D; d++) {
        const w = T[row * D + d]!;
        assert.equal(y[k * D + d], Math.fround(Math.round(w / s) * s), `${name}[${k},${d}]`);
        assert.ok(Math.abs(y[k * D + d]! - w) <= s / 2 + 1e-6, 'error within half a step');
      }
    });
  }
});

test('MatMuls of two computed tensors are not candidates: no refusal, one note for the pass', () => {
  const { model, b } = newModel('attn');
  const x = b.input('x', F, [4, 32]);
  const [q] = b.node('Relu', [x], {}, { name: 'q' });
  const [k] = b.node('Transpose', [x], { perm: [1, 0] }, { name: 'kt' });
  const [s] = b.node('MatMul', [q!, k!], {}, { name: 'scores' });
  const [y] = b.node('MatMul', [s!, b.initializer('w', F, [4, 64], Array.from({ length: 256 }, (_, i) => Math.cos(i)))], {}, { name: 'proj' });
  b.output(y!, F, [4, 64]);
  const r = runPass(model, [int8Dynamic()]);
  assert.deepEqual(r.applied.map((a) => a.anchor), ['proj']);
  assert.deepEqual(r.refused, []);
  assert.deepEqual(r.notes.map((n) => n.rule), ['quantize-int8-dynamic']);
  assert.match(r.notes[0]!.note, /1 MatMul\/Gemm node multiply two computed tensors \('scores'\): no weight to store in int8, so they are not candidates/);
  assert.deepEqual(runPass(readModel(writeModel(mlpStack())), [int8Dynamic()]).notes, [], 'nothing to say when every product has a weight');
});
