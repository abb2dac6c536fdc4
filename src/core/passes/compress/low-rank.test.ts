// Low-rank factorization: exact on weights of low rank (MatMul, Gemm with transB and C, 1×1 and 3×3
// Conv with strides and pads), the error bound ‖x·(W − W_r)‖ ≤ ‖x‖·σ_{r+1} in ORT, the refusals, and
// real models (hello-deepa's Gemms, ppocr-rec's MatMuls) run in ORT with fewer MACs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../analysis/analyze';
import { newModel } from '../../ir/builder';
import { DataType } from '../../ir/data-type';
import type { Model } from '../../ir/model';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { createRule, runPass } from '../index';
import { cloneModel } from '../graph-edit';
import { lowRank } from './low-rank';
import { svd } from './svd';
import { loadModelFile } from '../../../node/model-file';
import { makeInputs, runOrt } from '../../../../test/support/ort';
import { realModelPath } from '../../../../test/support/models';

const F = DataType.FLOAT;

/** A k × n matrix of rank `rank`: a sum of `rank` outer products of seeded vectors. */
function lowRankMatrix(k: number, n: number, rank: number, seed = 1): number[] {
  const out = new Array<number>(k * n).fill(0);
  for (let q = 0; q < rank; q++) {
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) out[i * n + j]! += Math.sin(seed + i * (0.37 + 0.61 * q)) * Math.cos(seed * 0.3 + j * (0.23 + 0.47 * q)) / (q + 1);
  }
  return out;
}

async function outputs(model: Model, inputs: { name: string; elemType: DataType; shape: number[] }[]): Promise<Float32Array> {
  const r = await runOrt(writeModel(model), makeInputs(inputs, 5));
  return r[model.graph.outputs[0]!.name]!.data as Float32Array;
}

function maxRel(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  const scale = Math.max(...Array.from(a, Math.abs)) || 1;
  return Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i]!))) / scale;
}

test('MatMul with a rank-3 weight: factored at rank 3, same outputs in ORT, r·(k+n) weights', async () => {
  const { model, b } = newModel('mm');
  const x = b.input('x', F, [4, 64]);
  const [y] = b.node('MatMul', [x, b.initializer('w', F, [64, 48], lowRankMatrix(64, 48, 3))], {}, { name: 'mm', outputs: ['y'] });
  b.output(y!, F, [4, 48]);
  const work = cloneModel(model);
  const r = runPass(work, [lowRank({ energy: 0.999999 })]);
  assert.equal(r.applied.length, 1);
  assert.match(r.applied[0]!.note!, /rank 3, 100\.00 % of the singular-value energy kept, weights 3072 → 336/);
  assert.deepEqual(work.graph.nodes.map((n) => n.opType), ['MatMul', 'MatMul']);
  assert.equal(work.graph.outputs[0]!.name, 'y');
  const inputs = [{ name: 'x', elemType: F, shape: [4, 64] }];
  assert.ok(maxRel(await outputs(model, inputs), await outputs(work, inputs)) < 1e-5);
  // MACs: 4·64·48 = 12,288 → 4·64·3 + 4·3·48 = 1,344.
  assert.equal(analyzeModel(work).report.totals.macs, 1344);
});

test('Gemm with transB, C, alpha and beta: factored, the second Gemm keeps transB; exact for a rank-2 weight', async () => {
  const { model, b } = newModel('gemm');
  const x = b.input('x', F, [3, 40]);
  const w = b.initializer('w', F, [30, 40], lowRankMatrix(30, 40, 2, 4)); // [n, k] with transB = 1
  const c = b.initializer('c', F, [30], Array.from({ length: 30 }, (_, i) => i / 30));
  const [y] = b.node('Gemm', [x, w, c], { transB: 1, alpha: 0.5, beta: 2 }, { name: 'fc', outputs: ['y'], floatAttrs: ['alpha', 'beta'] });
  b.output(y!, F, [3, 30]);
  const work = cloneModel(model);
  assert.equal(runPass(work, [lowRank({ rank: 2 })]).applied.length, 1);
  const gemm = work.graph.nodes.find((n) => n.opType === 'Gemm')!;
  assert.equal(gemm.attrInt('transB'), 1);
  assert.equal(gemm.attrFloat('alpha'), 0.5);
  assert.deepEqual(gemm.inputs[1]!.constant!.dims, [30, 2]);
  const inputs = [{ name: 'x', elemType: F, shape: [3, 40] }];
  assert.ok(maxRel(await outputs(model, inputs), await outputs(work, inputs)) < 1e-5);
});

test('Conv 1×1 and 3×3 (stride 2, pads, bias) with low-rank weights: exact in ORT', async () => {
  const { model, b } = newModel('conv');
  const x = b.input('x', F, [1, 16, 9, 9]);
  const w1 = b.initializer('w1', F, [24, 16, 1, 1], lowRankMatrix(24, 16, 4, 2));
  const [h] = b.node('Conv', [x, w1, b.initializer('b1', F, [24], Array.from({ length: 24 }, (_, i) => i / 10))], { kernel_shape: [1, 1] }, { name: 'pw' });
  const w3 = b.initializer('w3', F, [32, 24, 3, 3], lowRankMatrix(32, 24 * 9, 5, 3));
  const [y] = b.node('Conv', [h!, w3, b.initializer('b3', F, [32], Array.from({ length: 32 }, (_, i) => -i / 20))], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'k3', outputs: ['y'] });
  b.output(y!, F, [1, 32, 5, 5]);
  const work = cloneModel(model);
  const r = runPass(work, [lowRank({ energy: 0.999999 })]);
  assert.deepEqual(r.applied.map((a) => [a.anchor, /rank (\d+)/.exec(a.note!)![1]]), [['pw', '4'], ['k3', '5']]);
  const k3in = work.graph.nodes.find((n) => n.name === 'k3/low_rank_in')!;
  assert.deepEqual(k3in.attrInts('strides'), [2, 2]);
  assert.deepEqual(k3in.inputs[1]!.constant!.dims, [5, 24, 3, 3]);
  assert.deepEqual(work.graph.nodes.find((n) => n.name === 'k3/low_rank_out')!.inputs[1]!.constant!.dims, [32, 5, 1, 1]);
  const inputs = [{ name: 'x', elemType: F, shape: [1, 16, 9, 9] }];
  assert.ok(maxRel(await outputs(model, inputs), await outputs(work, inputs)) < 1e-5);
});

test('truncation error obeys ‖x·(W − W_r)‖ ≤ ‖x‖·σ_{r+1} row by row (ORT outputs)', async () => {
  const [k, n, r] = [48, 40, 6];
  let s = 9;
  const w = Array.from({ length: k * n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5));
  const { model, b } = newModel('mm');
  const x = b.input('x', F, [8, k]);
  const [y] = b.node('MatMul', [x, b.initializer('w', F, [k, n], w)], {}, { name: 'mm', outputs: ['y'] });
  b.output(y!, F, [8, n]);
  const work = cloneModel(model);
  assert.equal(runPass(work, [lowRank({ rank: r })]).applied.length, 1);
  const sigma = svd(w, k, n).s[r]!;
  const feeds = makeInputs([{ name: 'x', elemType: F, shape: [8, k] }], 5);
  const xs = feeds.x!.data as Float32Array;
  const a = await outputs(model, [{ name: 'x', elemType: F, shape: [8, k] }]);
  const bb = await outputs(work, [{ name: 'x', elemType: F, shape: [8, k] }]);
  for (let row = 0; row < 8; row++) {
    let err = 0;
    let xn = 0;
    for (let j = 0; j < n; j++) err += (a[row * n + j]! - bb[row * n + j]!) ** 2;
    for (let i = 0; i < k; i++) xn += xs[row * k + i]! ** 2;
    assert.ok(Math.sqrt(err) <= Math.sqrt(xn) * sigma * (1 + 1e-4) + 1e-5, `row ${row}: ${Math.sqrt(err)} > ${Math.sqrt(xn) * sigma}`);
    assert.ok(Math.sqrt(err) > 0, 'a truncated random matrix changes the output');
  }
});

test('refusals say why: no shrink at that rank, grouped conv, transA, too few weights; options checked', () => {
  const { model, b } = newModel('refuse');
  const x = b.input('x', F, [2, 32]);
  const [h] = b.node('MatMul', [x, b.initializer('w', F, [32, 32], lowRankMatrix(32, 32, 32))], {}, { name: 'full' });
  const [g] = b.node('Gemm', [h!, b.initializer('g', F, [2, 32], lowRankMatrix(2, 32, 2))], { transA: 1 }, { name: 'ta' });
  const [t] = b.node('MatMul', [g!, b.initializer('t', F, [32, 4], lowRankMatrix(32, 4, 1))], {}, { name: 'tiny' });
  b.output(t!, F, [32, 4]);
  const r = runPass(model, [lowRank({ rank: 16 })]);
  const why = Object.fromEntries(r.refused.map((f) => [f.anchor, f.reason]));
  assert.match(why.full!, /rank 16 needs r·\(k\+n\) = 16·\(32\+32\) = 1024 weights, not fewer than k·n = 1024: factoring would not shrink it/);
  assert.match(why.ta!, /transposes A/);
  assert.match(why.tiny!, /only 128 weights: factoring would not pay off/);
  const dw = newModel('dw');
  const dx = dw.b.input('x', F, [1, 8, 4, 4]);
  const [dy] = dw.b.node('Conv', [dx, dw.b.initializer('w', F, [8, 1, 3, 3], new Array(72).fill(0.1))], { kernel_shape: [3, 3], group: 8 }, { name: 'depthwise' });
  dw.b.output(dy!, F, [1, 8, 2, 2]);
  assert.match(runPass(dw.model, [lowRank()]).refused[0]!.reason, /grouped convolution \(group 8\): only group 1 is factored/);
  assert.throws(() => lowRank({ energy: 1.5 }), /energy 1.5: give a share between 0 and 1/);
  assert.throws(() => lowRank({ rank: 0 }), /rank 0: give a whole number >= 1/);
  // Registered as a factory: per-layer ranks override the common one.
  const m2 = newModel('ranks');
  const x2 = m2.b.input('x', F, [2, 64]);
  const [y2] = m2.b.node('MatMul', [x2, m2.b.initializer('w', F, [64, 64], lowRankMatrix(64, 64, 8))], {}, { name: 'mm' });
  m2.b.output(y2!, F, [2, 64]);
  const r2 = runPass(m2.model, [createRule('decompose-low-rank', { rank: 30, ranks: { mm: 4 } })]);
  assert.match(r2.applied[0]!.note!, /^rank 4,/);
});

test('real models: hello-deepa (Gemm) and ppocr-rec (MatMul) factored at 95 % energy run in ORT with fewer MACs', async () => {
  for (const [file, bindings, input] of [
    ['hello-deepa.onnx', {}, { name: 'onnx::Flatten_0', elemType: F, shape: [1, 25, 96] }],
    ['ppocr-rec.onnx', { inputs: { x: [1, 3, 48, 320] } }, { name: 'x', elemType: F, shape: [1, 3, 48, 320] }],
  ] as const) {
    const path = realModelPath(file);
    const original = loadModelFile(path).model;
    const work = readModel(writeModel(original));
    const only = original.graph.nodes.filter((n) => n.opType === 'MatMul' || n.opType === 'Gemm').map((n) => n.displayName);
    const r = runPass(work, [lowRank({ energy: 0.95 })], { bindings, only });
    assert.ok(r.applied.length >= 1, `${file}: ${r.refused.map((x) => x.reason).join('; ')}`);
    const before = analyzeModel(original, { bindings }).report.totals;
    const after = analyzeModel(work, { bindings }).report.totals;
    assert.ok(after.macs < before.macs && after.params < before.params, `${file}: MACs ${before.macs} → ${after.macs}`);
    const spec = { ...input, shape: [...input.shape] };
    const a = await outputs(original, [spec]);
    const b2 = await outputs(work, [spec]);
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * b2[i]!;
      na += a[i]! ** 2;
      nb += b2[i]! ** 2;
    }
    const cosine = dot / Math.sqrt(na * nb);
    console.log(`low-rank 95 % energy, ${file}: ${r.applied.length} layers (${r.refused.length} refused), MACs ${(after.macs / before.macs).toFixed(3)}×, params ${(after.params / before.params).toFixed(3)}×, cosine ${cosine.toFixed(5)}`);
    assert.ok(Number.isFinite(cosine) && cosine > 0.5, `${file}: cosine ${cosine}`);
  }
});
