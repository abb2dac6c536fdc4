// Fuse rules: where each applies, where it must refuse (and why), and that the rewritten model
// computes the same thing in real ONNX Runtime.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Model } from '../../src/core/ir/model';
import { readModel } from '../../src/core/onnx/reader';
import { writeModel } from '../../src/core/onnx/writer';
import { contextFor, listSites, runPass, RULES } from '../../src/core/passes';
import { buildLargeModel } from '../../bench/large-model';
import { runCli } from '../support/cli';
import { makeInputs, runOrt } from '../support/ort';
import { SAMPLE, realModelPath } from '../support/models';

const F = DataType.FLOAT;
const vals = (n: number, k = 1): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.5);
const rule = (id: string) => RULES.find((r) => r.id === id)!;

function convBn(extraReader = false): Model {
  const { model, b } = newModel('cb');
  const x = b.input('x', F, [1, 3, 8, 8]);
  const w = b.initializer('w', F, [4, 3, 3, 3], vals(108));
  const [c] = b.node('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'conv' });
  const p = (n: string, k: number, off = 0) => b.initializer(n, F, [4], vals(4, k).map((v) => v + off));
  const [y] = b.node('BatchNormalization', [c!, p('g', 2, 1), p('b', 3), p('m', 4), p('v', 5, 1)], { epsilon: 1e-5 }, { name: 'bn', floatAttrs: ['epsilon'] });
  b.output(y!, F, [1, 4, 8, 8]);
  if (extraReader) {
    const [r] = b.node('Relu', [c!], {}, { name: 'side' });
    b.output(r!, F, [1, 4, 8, 8]);
  }
  return model;
}

async function sameOutputs(before: Model, after: Model, inputs: { name: string; elemType: DataType; shape: number[] }[], tol = 1e-4): Promise<void> {
  const feeds = makeInputs(inputs, 3);
  const a = await runOrt(writeModel(before), feeds);
  const b = await runOrt(writeModel(after), makeInputs(inputs, 3));
  for (const k of Object.keys(a)) {
    const x = a[k]!.data as Float32Array;
    const y = b[k]!.data as Float32Array;
    const scale = Math.max(...Array.from(x, Math.abs));
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol * scale, `${k}[${i}]: ${x[i]} vs ${y[i]}`);
  }
}

test('Conv + BatchNormalization folds, and ORT gives the same outputs', async () => {
  const before = convBn();
  const after = readModel(writeModel(before));
  const r = runPass(after, [rule('fuse-conv-batchnorm')]);
  assert.deepEqual(r.applied.map((a) => a.rule), ['fuse-conv-batchnorm']);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Conv']);
  assert.equal(after.graph.outputs[0]!.name, before.graph.outputs[0]!.name, 'the graph output keeps its name');
  await sameOutputs(before, after, [{ name: 'x', elemType: F, shape: [1, 3, 8, 8] }]);
});

test('Conv + BatchNormalization refuses when the conv output has another reader', () => {
  const m = convBn(true);
  const sites = listSites([rule('fuse-conv-batchnorm')], contextFor(m));
  assert.equal(sites.length, 1);
  assert.equal(sites[0]!.check.ok, false);
  assert.match((sites[0]!.check as { reason: string }).reason, /Conv output 'conv_out' feeds 2 consumers \(BatchNormalization 'bn', Relu 'side'\); BatchNormalization cannot be folded/);
});

test('MatMul + Add becomes Gemm for 2-D operands and refuses for 3-D ones', async () => {
  const build = (rank3: boolean): Model => {
    const { model, b } = newModel('mm');
    const x = b.input('x', F, rank3 ? [2, 5, 6] : [5, 6]);
    const w = b.initializer('w', F, [6, 4], vals(24));
    const c = b.initializer('c', F, [4], vals(4, 7));
    const [m] = b.node('MatMul', [x, w], {}, { name: 'mm' });
    const [y] = b.node('Add', [m!, c], {}, { name: 'add' });
    b.output(y!, F, null);
    return model;
  };
  const before = build(false);
  const after = readModel(writeModel(before));
  runPass(after, [rule('fuse-matmul-add')]);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Gemm']);
  await sameOutputs(before, after, [{ name: 'x', elemType: F, shape: [5, 6] }]);
  const r = runPass(build(true), [rule('fuse-matmul-add')]);
  assert.equal(r.applied.length, 0);
  assert.match(r.refused[0]!.reason, /rank 3; Gemm needs 2-D operands/);
});

test('Identity/Dropout are removed; a graph output fed by a graph input is kept, with the reason', async () => {
  const { model, b } = newModel('id');
  const x = b.input('x', F, [3]);
  const [r] = b.node('Relu', [x], {}, { name: 'relu' });
  const [i] = b.node('Identity', [r!], {}, { name: 'id1' });
  const [d] = b.node('Dropout', [i!], {}, { name: 'drop', outputs: ['y'] });
  b.output(d!, F, [3]);
  const [copy] = b.node('Identity', [x], {}, { name: 'copy', outputs: ['x_copy'] });
  b.output(copy!, F, [3]);
  const after = readModel(writeModel(model));
  const res = runPass(after, [rule('fuse-identity')]);
  assert.deepEqual(after.graph.nodes.map((n) => n.displayName).sort(), ['copy', 'relu']);
  assert.deepEqual(after.graph.outputs.map((v) => v.name), ['y', 'x_copy']);
  assert.match(res.refused.find((f) => f.anchor === 'copy')!.reason, /is a copy of 'x', which is a graph input/);
  await sameOutputs(model, after, [{ name: 'x', elemType: F, shape: [3] }], 0);
});

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
    const j = JSON.parse(r.stdout) as { applied: { rule: string }[]; refused: { rule: string }[]; verification: { passed: boolean; outputs: { maxRelError: number }[]; before: { macs: number; params: number }; after: { macs: number; params: number } } };
    const folded = j.applied.filter((a) => a.rule === 'fuse-conv-batchnorm').length;
    const refusedBn = j.refused.filter((x) => x.rule === 'fuse-conv-batchnorm').length;
    assert.equal(folded + refusedBn, pairs, `${file}: every Conv+BN pair is folded or refused with a reason`);
    const result = readModel(readFileSync(out));
    assert.equal(result.graph.nodes.filter((n) => n.opType === 'BatchNormalization').length, refusedBn, `${file}: no foldable BatchNormalization left`);
    assert.equal(j.verification.passed, true, file);
    for (const o of j.verification.outputs) assert.ok(o.maxRelError < 1e-4, `${file}: max rel error ${o.maxRelError}`);
    assert.ok(j.verification.after.macs <= j.verification.before.macs, `${file}: MACs`);
    assert.ok(j.verification.after.params <= j.verification.before.params, `${file}: params`);
    assert.ok(result.graph.nodes.length <= original.graph.nodes.length, `${file}: nodes`);
    if (file === 'ppocr-cls.onnx') {
      assert.equal(pairs, 35);
      assert.equal(folded, 35);
      assert.ok(result.graph.nodes.length < 300, `ppocr-cls: ${original.graph.nodes.length} -> ${result.graph.nodes.length} nodes (the weight Constants are now initializers)`);
    }
  }
});

test('Conv + per-channel Mul and Add fold into the conv; a non-channel constant is refused', async () => {
  const { model, b } = newModel('affine');
  const x = b.input('x', F, [1, 3, 6, 6]);
  const w = b.initializer('w', F, [4, 3, 3, 3], vals(108));
  const [c] = b.node('Conv', [x, w], { kernel_shape: [3, 3] }, { name: 'conv' });
  const [m] = b.node('Mul', [c!, b.initializer('scale', F, [4, 1, 1], [1.5, -2, 0.5, 3])], {}, { name: 'mul' });
  const [a] = b.node('Add', [m!, b.initializer('shift', F, [1, 4, 1, 1], [0.1, 0.2, 0.3, 0.4])], {}, { name: 'add' });
  b.output(a!, F, [1, 4, 4, 4]);
  const after = readModel(writeModel(model));
  const r = runPass(after, [rule('fuse-conv-affine')]);
  assert.equal(r.applied.length, 2);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Conv']);
  await sameOutputs(model, after, [{ name: 'x', elemType: F, shape: [1, 3, 6, 6] }]);
  const { model: m2, b: b2 } = newModel('spatial');
  const x2 = b2.input('x', F, [1, 3, 6, 6]);
  const [c2] = b2.node('Conv', [x2, b2.initializer('w', F, [4, 3, 3, 3], vals(108))], { kernel_shape: [3, 3] }, { name: 'conv' });
  const [m3] = b2.node('Mul', [c2!, b2.initializer('map', F, [1, 1, 4, 4], vals(16))], {}, { name: 'mul' });
  b2.output(m3!, F, [1, 4, 4, 4]);
  assert.match(runPass(m2, [rule('fuse-conv-affine')]).refused[0]!.reason, /is not a per-channel or scalar constant/);
});

test('Transposes: an inverse pair vanishes, a pair composes, a swap folds into Gemm', async () => {
  const { model, b } = newModel('tt');
  const x = b.input('x', F, [2, 3, 4]);
  const [t1] = b.node('Transpose', [x], { perm: [2, 0, 1] }, { name: 't1' });
  const [t2] = b.node('Transpose', [t1!], { perm: [1, 2, 0] }, { name: 't2' }); // inverse of t1
  const [r] = b.node('Relu', [t2!], {}, { name: 'relu' });
  const [t3] = b.node('Transpose', [r!], { perm: [1, 0, 2] }, { name: 't3' });
  const [t4] = b.node('Transpose', [t3!], { perm: [0, 2, 1] }, { name: 't4' });
  b.output(t4!, F, null);
  const after = readModel(writeModel(model));
  runPass(after, [rule('fuse-transpose-pair')]);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Relu', 'Transpose']);
  await sameOutputs(model, after, [{ name: 'x', elemType: F, shape: [2, 3, 4] }], 0);

  const { model: g, b: gb } = newModel('tg');
  const a = gb.input('a', F, [6, 5]);
  const [at] = gb.node('Transpose', [a], { perm: [1, 0] }, { name: 'ta' });
  const [y] = gb.node('Gemm', [at!, gb.initializer('w', F, [6, 3], vals(18))], {}, { name: 'gemm' });
  gb.output(y!, F, [5, 3]);
  const g2 = readModel(writeModel(g));
  runPass(g2, [rule('fuse-transpose-gemm')]);
  assert.deepEqual(g2.graph.nodes.map((n) => n.opType), ['Gemm']);
  assert.equal(g2.graph.nodes[0]!.attrInt('transA'), 1);
  await sameOutputs(g, g2, [{ name: 'a', elemType: F, shape: [6, 5] }], 0);
});

test('a zero Pad folds into the Conv; a reflect Pad is refused', async () => {
  const build = (mode: string): Model => {
    const { model, b } = newModel('pad');
    const x = b.input('x', F, [1, 2, 5, 5]);
    const pads = b.initializer('pads', DataType.INT64, [8], [0, 0, 1, 2, 0, 0, 1, 2]);
    const [p] = b.node('Pad', [x, pads], { mode }, { name: 'pad' });
    const [c] = b.node('Conv', [p!, b.initializer('w', F, [3, 2, 3, 3], vals(54))], { kernel_shape: [3, 3], pads: [1, 0, 1, 0] }, { name: 'conv' });
    b.output(c!, F, null);
    return model;
  };
  const model = build('constant');
  const after = readModel(writeModel(model));
  runPass(after, [rule('fuse-pad-conv')]);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Conv']);
  assert.deepEqual(after.graph.nodes[0]!.attrInts('pads'), [2, 2, 2, 2]);
  await sameOutputs(model, after, [{ name: 'x', elemType: F, shape: [1, 2, 5, 5] }]);
  assert.match(runPass(build('reflect'), [rule('fuse-pad-conv')]).refused[0]!.reason, /uses mode 'reflect', not constant zeros/);
});

test('decomposed LayerNorm becomes LayerNormalization (opset >= 17); hello-deepa (opset 13) is refused with the reason', async () => {
  const model = buildLargeModel(60, 16);
  const after = readModel(writeModel(model));
  const r = runPass(after, [rule('fuse-layernorm')]);
  const layers = model.graph.nodes.filter((n) => n.displayName.endsWith('/ln/mean')).length;
  assert.equal(r.applied.length, layers);
  assert.equal(after.graph.nodes.filter((n) => n.opType === 'LayerNormalization').length, layers);
  await sameOutputs(model, after, [{ name: 'tokens', elemType: F, shape: [1, 5, 16] }], 1e-3);
  const deepa = readModel(readFileSync(realModelPath('hello-deepa.onnx')));
  const refused = runPass(deepa, [rule('fuse-layernorm')]).refused;
  assert.ok(refused.length >= 1);
  assert.match(refused[0]!.reason, /opset 13 has no LayerNormalization; needs >= 17/);
});

test('decomposed GELU becomes Gelu at opset 20, and constant shape arithmetic folds', async () => {
  const { model, b } = newModel('gelu', [{ domain: '', version: 20 }]);
  const x = b.input('x', F, [2, 8]);
  const [d] = b.node('Div', [x, b.initializer('sqrt2', F, [], [Math.SQRT2])], {}, { name: 'div' });
  const [e] = b.node('Erf', [d!], {}, { name: 'erf' });
  const [a] = b.node('Add', [e!, b.initializer('one', F, [], [1])], {}, { name: 'add' });
  const [m] = b.node('Mul', [x, a!], {}, { name: 'mul' });
  const [h] = b.node('Mul', [m!, b.initializer('half', F, [], [0.5])], {}, { name: 'half' });
  // shape arithmetic on a static input: Shape -> Gather -> Unsqueeze -> Concat -> Reshape
  const [s] = b.node('Shape', [h!], {}, { name: 'shape' });
  const [g0] = b.node('Gather', [s!, b.initializer('i0', DataType.INT64, [], [0])], {}, { name: 'gather' });
  const [u] = b.node('Unsqueeze', [g0!, b.initializer('ax', DataType.INT64, [1], [0])], {}, { name: 'unsq' });
  const [cat] = b.node('Concat', [u!, b.initializer('m1', DataType.INT64, [1], [-1])], { axis: 0 }, { name: 'concat' });
  const [y] = b.node('Reshape', [h!, cat!], {}, { name: 'reshape' });
  b.output(y!, F, [2, 8]);
  const after = readModel(writeModel(model));
  runPass(after, [rule('fuse-gelu'), rule('fuse-constant-fold')]);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Gelu', 'Reshape']);
  await sameOutputs(model, after, [{ name: 'x', elemType: F, shape: [2, 8] }], 1e-4);
});
