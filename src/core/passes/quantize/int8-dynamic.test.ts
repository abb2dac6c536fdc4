// Dynamic int8 quantization: size and accuracy in real ORT, Gemm with transB, and the refusals.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass, int8Dynamic } from '../index';
import { verifyRewrite } from '../../../node/verify';
import { mlpStack } from '../../../../test/support/mlp-stack';
import { makeInputs, runOrt } from '../../../../test/support/ort';
import { save } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

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
