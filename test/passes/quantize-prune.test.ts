// Quantization and pruning rules on models built here and on the real models, run in real ORT.
// Latency ratios are printed, never asserted (timings are noisy on these machines).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Model } from '../../src/core/ir/model';
import { readModel } from '../../src/core/onnx/reader';
import { writeModel } from '../../src/core/onnx/writer';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { RULES, fp16Weights, int8Dynamic, packNBits, pruneChannels, pruneUnstructured, runPass, weightNBits, weightSparsity } from '../../src/core/passes';
import { makeInputs, runOrt } from '../support/ort';
import { mlpStack } from '../support/mlp-stack';
import { verifyRewrite } from '../../src/node/ort/verify';
import { runCli } from '../support/cli';
import { SAMPLE, realModelPath } from '../support/models';

const F = DataType.FLOAT;

function save(model: Model, name: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'll-q-')), name);
  writeFileSync(p, writeModel(model));
  return p;
}

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

test('unstructured pruning zeroes the requested share of every layer and the model still runs', async () => {
  const original = mlpStack();
  const pruned = readModel(writeModel(original));
  const r = runPass(pruned, [pruneUnstructured(0.5)]);
  assert.equal(r.applied.length, 8);
  for (const n of pruned.graph.nodes.filter((x) => x.opType === 'MatMul')) {
    const w = n.inputs[1]!.constant!.toNumbers();
    const zeros = w.filter((v) => v === 0).length;
    assert.equal(zeros, Math.floor(w.length * 0.5), `${n.displayName}`);
  }
  const p1 = save(original, 'a.onnx');
  const p2 = save(pruned, 'b.onnx');
  const v = await verifyRewrite({ path: p1, model: original, fileBytes: 0 }, { path: p2, model: pruned, fileBytes: 0 }, {}, { runs: 3 });
  assert.equal(v.after.macs, v.before.macs, 'unstructured pruning keeps MACs (ORT gets no speed from it)');
  assert.ok(v.outputs[0]!.cosine > 0.5);
});

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

test('channel pruning at 50 % on the sample CNN: hand-counted MACs, and the model runs', async () => {
  const original = readModel(readFileSync(SAMPLE));
  const pruned = readModel(readFileSync(SAMPLE));
  const r = runPass(pruned, [pruneChannels(0.5)], { bindings: { dims: { batch: 1 } } });
  assert.equal(r.applied.length, 3);
  // conv1 3->8: 8·32·32·3·9 = 221,184; conv2 8->16 on 16x16: 16·16·16·8·9 = 294,912;
  // conv3 16->32 on 8x8: 32·8·8·16·9 = 294,912; Gemm 32->10: 320
  const macs = analyzeModel(pruned, { bindings: { dims: { batch: 1 } } }).report.totals.macs;
  assert.equal(macs, 221_184 + 294_912 + 294_912 + 320);
  const before = analyzeModel(original, { bindings: { dims: { batch: 1 } } }).report.totals.macs;
  assert.ok(macs / before <= 0.6, `MACs ratio ${macs / before}`);
  const p1 = save(original, 'a.onnx');
  const p2 = save(pruned, 'b.onnx');
  const v = await verifyRewrite({ path: p1, model: original, fileBytes: 0 }, { path: p2, model: pruned, fileBytes: 0 }, {}, { bindings: { dims: { batch: 1 } }, runs: 3 });
  assert.deepEqual(v.outputs.map((o) => o.name), ['probs']);
  console.log(`channel pruning 50 %, sample CNN: MACs ${(macs / before).toFixed(3)}x, cosine ${v.outputs[0]!.cosine.toFixed(3)}`);
});

test('channel pruning refuses where channels meet another branch (a residual Add)', () => {
  const { model, b } = newModel('residual');
  const x = b.input('x', F, [1, 4, 8, 8]);
  const w = (n: string) => b.initializer(n, F, [4, 4, 1, 1], Array.from({ length: 16 }, (_, i) => i / 16));
  const [a] = b.node('Conv', [x, w('wa')], { kernel_shape: [1, 1] }, { name: 'convA' });
  const [c] = b.node('Conv', [a!, w('wb')], { kernel_shape: [1, 1] }, { name: 'convB' });
  const [y] = b.node('Add', [a!, c!], {}, { name: 'residual' });
  b.output(y!, F, [1, 4, 8, 8]);
  const r = runPass(model, [pruneChannels(0.5)]);
  assert.equal(r.applied.length, 0);
  const reason = r.refused.find((f) => f.anchor === 'convB')!.reason;
  assert.match(reason, /meet another branch at Add 'residual'/);
});

/** Dequantizes MatMulNBits' packed weights by hand, back to W [K, N]. */
function dequantize(p: ReturnType<typeof packNBits>, K: number, N: number, bits: 4 | 8, blockSize: number): Float64Array {
  const W = new Float64Array(K * N);
  const blob = (blockSize * bits) / 8;
  const zpPerN = Math.ceil((p.blocks * bits) / 8);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const blk = Math.floor(k / blockSize);
      const j = k % blockSize;
      const byte = p.b[(n * p.blocks + blk) * blob + (bits === 4 ? j >> 1 : j)]!;
      const q = bits === 4 ? (byte >> ((j & 1) * 4)) & 0xf : byte;
      let z = 2 ** (bits - 1);
      if (p.zeroPoints) {
        const zb = p.zeroPoints[n * zpPerN + (bits === 4 ? blk >> 1 : blk)]!;
        z = bits === 4 ? (zb >> ((blk & 1) * 4)) & 0xf : zb;
      }
      W[k * N + n] = (q - z) * p.scales[n * p.blocks + blk]!;
    }
  }
  return W;
}

for (const [bits, symmetric] of [[4, true], [4, false], [8, true]] as const) {
  test(`MatMulNBits ${bits}-bit ${symmetric ? 'symmetric' : 'asymmetric'}: ORT computes A · dequant(W), W packed exactly`, async () => {
    const K = 80; // not a multiple of the block size: the last block is padded
    const N = 24;
    const W = Array.from({ length: K * N }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
    const { model, b } = newModel('nbits');
    const x = b.input('x', F, [3, K]);
    const w = b.initializer('w', F, [K, N], W);
    const [y] = b.node('MatMul', [x, w], {}, { name: 'mm', outputs: ['y'] });
    b.output(y!, F, [3, N]);
    const opts = { bits, blockSize: 32, symmetric };
    const r = runPass(model, [weightNBits(opts)]);
    assert.deepEqual(r.applied.map((a) => a.rule), [bits === 4 ? 'quantize-int4-weight' : 'quantize-int8-weight']);
    assert.deepEqual(model.graph.nodes.map((n) => n.opType), ['MatMulNBits']);
    const feeds = makeInputs([{ name: 'x', elemType: F, shape: [3, K] }], 5);
    const out = (await runOrt(writeModel(model), feeds)).y!.data as Float32Array;
    const Wd = dequantize(packNBits(W, K, N, opts), K, N, bits, 32);
    const xs = feeds.x!.data as Float32Array;
    let maxErr = 0;
    let maxRef = 0;
    for (let m = 0; m < 3; m++) {
      for (let n = 0; n < N; n++) {
        let ref = 0;
        for (let k = 0; k < K; k++) ref += xs[m * K + k]! * Wd[k * N + n]!;
        maxErr = Math.max(maxErr, Math.abs(ref - out[m * N + n]!));
        maxRef = Math.max(maxRef, Math.abs(ref));
      }
    }
    assert.ok(maxErr <= 1e-4 * maxRef, `ORT vs hand dequantization: ${maxErr} (scale ${maxRef})`);
    // And the quantization error itself is what the bit width allows.
    const maxW = Math.max(...W.map(Math.abs));
    const worst = Math.max(...W.map((v, i) => Math.abs(v - Wd[i]!)));
    assert.ok(worst <= maxW / (bits === 4 ? 7 : 127), `worst weight error ${worst}`);
  });
}

test('int4 weight-only on the MatMul stack: size and output error', async () => {
  const original = mlpStack();
  const origPath = save(original, 'mlp.onnx');
  const q = readModel(writeModel(original));
  runPass(q, [weightNBits({ bits: 4, blockSize: 32, symmetric: true })]);
  const qPath = save(q, 'mlp-int4.onnx');
  const v = await verifyRewrite(
    { path: origPath, model: original, fileBytes: statSync(origPath).size },
    { path: qPath, model: q, fileBytes: statSync(qPath).size },
    weightNBits().tolerance,
    { runs: 10 },
  );
  console.log(`int4 (block 32) MatMul stack: size ${(v.after.fileBytes / v.before.fileBytes).toFixed(3)}x, latency ${(v.after.medianMs / v.before.medianMs).toFixed(2)}x, cosine ${v.outputs[0]!.cosine.toFixed(5)}`);
  assert.ok(v.passed, v.failures.join('; '));
  assert.ok(v.after.fileBytes / v.before.fileBytes < 0.2);
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

test('int8 dynamic covers Gemm (transB), and global pruning reaches the target sparsity over the model', async () => {
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

  const stack = readModel(writeModel(mlpStack()));
  runPass(stack, [pruneUnstructured(0.3, { scope: 'global' })]);
  const s = weightSparsity(stack.graph.nodes);
  assert.ok(Math.abs(s.zeros / s.total - 0.3) < 0.001, `global sparsity ${s.zeros / s.total}`);
});

test('refusals say why: MatMulNBits block size, fp16 on a graph-input initializer, GELU below opset 20', () => {
  const { model, b } = newModel('nb');
  const x = b.input('x', F, [2, 64]);
  const [y] = b.node('MatMul', [x, b.initializer('w', F, [64, 64], new Array(4096).fill(0.1))], {}, { name: 'mm' });
  b.output(y!, F, [2, 64]);
  assert.match(runPass(model, [weightNBits({ bits: 4, blockSize: 24, symmetric: true })]).refused[0]!.reason, /block size 24 must be a power of 2 between 16 and 256/);

  const m2 = newModel('fp16-input');
  const x2 = m2.b.input('x', F, [2, 64]);
  const w2 = m2.b.initializer('w', F, [64, 64], new Array(4096).fill(0.1));
  m2.model.graph.inputs.push(w2); // an initializer that is also a graph input (overridable)
  const [y2] = m2.b.node('MatMul', [x2, w2], {}, { name: 'mm' });
  m2.b.output(y2!, F, [2, 64]);
  assert.match(runPass(m2.model, [fp16Weights()]).refused[0]!.reason, /'w' is also a graph input/);

  const m3 = newModel('gelu19', [{ domain: '', version: 19 }]);
  const x3 = m3.b.input('x', F, [4]);
  const [d] = m3.b.node('Div', [x3, m3.b.initializer('s', F, [], [Math.SQRT2])], {}, { name: 'div' });
  const [e] = m3.b.node('Erf', [d!], {}, { name: 'erf' });
  const [a] = m3.b.node('Add', [e!, m3.b.initializer('one', F, [], [1])], {}, { name: 'add' });
  const [m] = m3.b.node('Mul', [x3, a!], {}, { name: 'mul' });
  const [h] = m3.b.node('Mul', [m!, m3.b.initializer('half', F, [], [0.5])], {}, { name: 'half' });
  m3.b.output(h!, F, [4]);
  const gelu = RULES.find((r) => r.id === 'fuse-gelu')!;
  assert.match(runPass(m3.model, [gelu]).refused[0]!.reason, /opset 19 has no Gelu; needs >= 20/);
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
