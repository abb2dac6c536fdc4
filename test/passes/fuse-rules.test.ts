// More fuse-rule cases: ConvTranspose (grouped) + BN, Sub/Div into Conv, MaxPool padding after Relu,
// Gemm with a run-time C, and the refusals (each reason checked) of every rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel, type GraphBuilder } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Value } from '../../src/core/ir/graph';
import type { Model } from '../../src/core/ir/model';
import { readModel } from '../../src/core/onnx/reader';
import { writeModel } from '../../src/core/onnx/writer';
import { RULES, runPass } from '../../src/core/passes';
import { makeInputs, runOrt } from '../support/ort';

const F = DataType.FLOAT;
const vals = (n: number, k = 1): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * k + 0.3) * 0.5);
const rule = (id: string) => RULES.find((r) => r.id === id)!;

/** Max |a−b| / max|a| over every output, both models run in ORT (optimizations off) on the same inputs. */
async function relError(before: Model, after: Model, inputs: { name: string; elemType: DataType; shape: number[] }[]): Promise<number> {
  const a = await runOrt(writeModel(before), makeInputs(inputs, 7));
  const b = await runOrt(writeModel(after), makeInputs(inputs, 7));
  let worst = 0;
  for (const k of Object.keys(a)) {
    const x = a[k]!.data as Float32Array;
    const y = b[k]!.data as Float32Array;
    assert.equal(y.length, x.length, `output ${k} keeps its size`);
    const scale = Math.max(...Array.from(x, Math.abs)) || 1;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / scale);
  }
  return worst;
}

function refusal(m: Model, id: string): string {
  const r = runPass(m, [rule(id)]);
  assert.equal(r.applied.length, 0, `${id} must refuse`);
  assert.ok(r.refused.length > 0, `${id} reports a refusal`);
  return r.refused[0]!.reason;
}

function bnParams(b: GraphBuilder, c: number): Value[] {
  return [
    b.initializer('gamma', F, [c], vals(c, 2).map((v) => v + 1)),
    b.initializer('beta', F, [c], vals(c, 3)),
    b.initializer('mean', F, [c], vals(c, 4)),
    b.initializer('var', F, [c], vals(c, 5).map((v) => v + 1)),
  ];
}

for (const group of [1, 2]) {
  test(`ConvTranspose (group ${group}) + BatchNormalization folds; ORT agrees`, async () => {
    const { model, b } = newModel('ct');
    const x = b.input('x', F, [1, 4, 5, 5]);
    const w = b.initializer('w', F, [4, 6 / group, 3, 3], vals((4 * 6 * 9) / group));
    const [c] = b.node('ConvTranspose', [x, w, b.initializer('bias', F, [6], vals(6, 9))], { kernel_shape: [3, 3], strides: [2, 2], group }, { name: 'deconv' });
    const [y] = b.node('BatchNormalization', [c!, ...bnParams(b, 6)], { epsilon: 1e-3 }, { name: 'bn', floatAttrs: ['epsilon'] });
    b.output(y!, F, null);
    const after = readModel(writeModel(model));
    const r = runPass(after, [rule('fuse-conv-batchnorm')]);
    assert.equal(r.applied.length, 1);
    assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['ConvTranspose']);
    assert.ok((await relError(model, after, [{ name: 'x', elemType: F, shape: [1, 4, 5, 5] }])) < 1e-5);
  });
}

test('Conv + BatchNormalization refusals: run-time weights, training mode, BN statistics of the wrong size', () => {
  const build = (o: { weightInput?: boolean; training?: boolean; badLen?: boolean }): Model => {
    const { model, b } = newModel('cbr');
    const x = b.input('x', F, [1, 2, 4, 4]);
    const w = o.weightInput ? b.input('w', F, [3, 2, 1, 1]) : b.initializer('w', F, [3, 2, 1, 1], vals(6));
    const [c] = b.node('Conv', [x, w], { kernel_shape: [1, 1] }, { name: 'conv' });
    const ps = bnParams(b, o.badLen ? 4 : 3);
    const [y] = b.node('BatchNormalization', [c!, ...ps], o.training ? { training_mode: 1 } : {}, { name: 'bn' });
    b.output(y!, F, null);
    return model;
  };
  assert.match(refusal(build({ weightInput: true }), 'fuse-conv-batchnorm'), /Conv 'conv' has non-constant weights 'w' \(computed at run time\)/);
  assert.match(refusal(build({ training: true }), 'fuse-conv-batchnorm'), /BatchNormalization 'bn' runs in training mode/);
  assert.match(refusal(build({ badLen: true }), 'fuse-conv-batchnorm'), /input 'gamma' has 4 values; Conv 'conv' has 3 output channels/);
});

test('Conv + Sub and Conv + Div by per-channel constants fold; ORT agrees', async () => {
  const { model, b } = newModel('subdiv');
  const x = b.input('x', F, [1, 3, 6, 6]);
  const [c] = b.node('Conv', [x, b.initializer('w', F, [4, 3, 3, 3], vals(108))], { kernel_shape: [3, 3] }, { name: 'conv' });
  const [s] = b.node('Sub', [c!, b.initializer('mu', F, [4, 1, 1], [0.1, -0.2, 0.3, 0.4])], {}, { name: 'sub' });
  const [conv2] = b.node('Conv', [s!, b.initializer('w2', F, [2, 4, 1, 1], vals(8, 3))], { kernel_shape: [1, 1] }, { name: 'conv2' });
  const [d] = b.node('Div', [conv2!, b.initializer('sd', F, [1, 2, 1, 1], [2, -0.5])], {}, { name: 'div' });
  b.output(d!, F, null);
  const after = readModel(writeModel(model));
  const r = runPass(after, [rule('fuse-conv-affine')]);
  assert.deepEqual(r.applied.map((a) => a.anchor).sort(), ['div', 'sub']);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Conv', 'Conv']);
  assert.ok((await relError(model, after, [{ name: 'x', elemType: F, shape: [1, 3, 6, 6] }])) < 1e-5);
});

test('Conv + Mul/Div refusals: a constant that would add axes, a division by zero, c − conv', () => {
  const build = (op: string, dims: number[], values: number[], convFirst = true): Model => {
    const { model, b } = newModel('affr');
    const x = b.input('x', F, [1, 2, 4, 4]);
    const [c] = b.node('Conv', [x, b.initializer('w', F, [2, 2, 1, 1], vals(4))], { kernel_shape: [1, 1] }, { name: 'conv' });
    const k = b.initializer('k', F, dims, values);
    const [y] = b.node(op, convFirst ? [c!, k] : [k, c!], {}, { name: 'op' });
    b.output(y!, F, null);
    return model;
  };
  assert.match(refusal(build('Mul', [1, 1, 2, 1, 1], [2, 3]), 'fuse-conv-affine'), /'k' of shape \[1,1,2,1,1\] is not a per-channel or scalar constant/);
  assert.match(refusal(build('Div', [2, 1, 1], [2, 0]), 'fuse-conv-affine'), /'k' holds zeros or non-finite values/);
  assert.equal(runPass(build('Sub', [2, 1, 1], [1, 1], false), [rule('fuse-conv-affine')]).refused.length, 0, 'c − conv is not even a site');
});

test('MatMul + Add with a run-time C becomes Gemm; an int32 MatMul is refused', async () => {
  const { model, b } = newModel('mmc');
  const x = b.input('x', F, [5, 6]);
  const c = b.input('c', F, [5, 4]);
  const [m] = b.node('MatMul', [x, b.initializer('w', F, [6, 4], vals(24))], {}, { name: 'mm' });
  const [y] = b.node('Add', [c, m!], {}, { name: 'add' });
  b.output(y!, F, null);
  const after = readModel(writeModel(model));
  assert.equal(runPass(after, [rule('fuse-matmul-add')]).applied.length, 1);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Gemm']);
  const ins = [{ name: 'x', elemType: F, shape: [5, 6] }, { name: 'c', elemType: F, shape: [5, 4] }];
  assert.ok((await relError(model, after, ins)) < 1e-6);

  const { model: mi, b: bi } = newModel('mmi');
  const xi = bi.input('x', DataType.INT32, [5, 6]);
  const [mm] = bi.node('MatMul', [xi, bi.initializer('w', DataType.INT32, [6, 4], new Array(24).fill(1))], {}, { name: 'mm' });
  const [yi] = bi.node('Add', [mm!, bi.initializer('c', DataType.INT32, [4], [1, 2, 3, 4])], {}, { name: 'add' });
  bi.output(yi!, DataType.INT32, null);
  assert.match(refusal(mi, 'fuse-matmul-add'), /MatMul 'mm' works on int32; ONNX Runtime's Gemm takes float or double/);
});

test('Transpose refusals: a shared middle value; a 3-D Transpose into Gemm', () => {
  const { model, b } = newModel('tr');
  const x = b.input('x', F, [2, 3, 4]);
  const [t1] = b.node('Transpose', [x], { perm: [2, 0, 1] }, { name: 't1' });
  const [t2] = b.node('Transpose', [t1!], { perm: [1, 2, 0] }, { name: 't2' });
  b.output(t2!, F, null);
  b.output(t1!, F, null);
  assert.match(refusal(model, 'fuse-transpose-pair'), /Transpose output 't1_out' has other readers/);

  const { model: g, b: gb } = newModel('tg');
  const a = gb.input('a', F, [6, 5]);
  const [at] = gb.node('Transpose', [a], { perm: [0, 1] }, { name: 'noop' });
  const [y] = gb.node('Gemm', [at!, gb.initializer('w', F, [5, 3], vals(15))], {}, { name: 'gemm' });
  gb.output(y!, F, null);
  assert.match(refusal(g, 'fuse-transpose-gemm'), /Transpose 'noop' is not a 2-D swap/);
});

test('a zero Pad folds into MaxPool after Relu (ORT agrees); refused without Relu, when cropping, or for AveragePool without count_include_pad', async () => {
  const build = (o: { relu?: boolean; pool?: string; pads?: number[]; countPad?: number }): Model => {
    const { model, b } = newModel('pp');
    const x = b.input('x', F, [1, 2, 6, 6]);
    const [r] = o.relu === false ? [x] : b.node('Relu', [x], {}, { name: 'relu' });
    const pads = b.initializer('pads', DataType.INT64, [8], o.pads ?? [0, 0, 1, 1, 0, 0, 1, 0]);
    const [p] = b.node('Pad', [r!, pads], {}, { name: 'pad' });
    const attrs: Record<string, number[] | number> = { kernel_shape: [3, 3], strides: [1, 1] };
    if (o.countPad !== undefined) attrs.count_include_pad = o.countPad;
    const [y] = b.node(o.pool ?? 'MaxPool', [p!], attrs, { name: 'pool' });
    b.output(y!, F, null);
    return model;
  };
  const model = build({});
  const after = readModel(writeModel(model));
  assert.equal(runPass(after, [rule('fuse-pad-conv')]).applied.length, 1);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Relu', 'MaxPool']);
  assert.deepEqual(after.graph.nodes[1]!.attrInts('pads'), [1, 1, 1, 0]);
  assert.equal(await relError(model, after, [{ name: 'x', elemType: F, shape: [1, 2, 6, 6] }]), 0);
  assert.match(refusal(build({ relu: false }), 'fuse-pad-conv'), /MaxPool 'pool' pads with −∞, Pad 'pad' with 0: folding is exact only for inputs ≥ 0/);
  assert.match(refusal(build({ pads: [0, 0, -1, 0, 0, 0, 0, 0] }), 'fuse-pad-conv'), /negative pads \(it crops\)/);
  assert.match(refusal(build({ pool: 'AveragePool', countPad: 0 }), 'fuse-pad-conv'), /does not count padding \(count_include_pad = 0\)/);
  const avg = build({ pool: 'AveragePool', countPad: 1 });
  const avgAfter = readModel(writeModel(avg));
  assert.equal(runPass(avgAfter, [rule('fuse-pad-conv')]).applied.length, 1);
  assert.ok((await relError(avg, avgAfter, [{ name: 'x', elemType: F, shape: [1, 2, 6, 6] }])) < 1e-6);
});

test('GELU is refused below opset 20 with the reason; constant folding never replaces a graph output', () => {
  const { model, b } = newModel('gelu18', [{ domain: '', version: 18 }]);
  const x = b.input('x', F, [2, 8]);
  const [d] = b.node('Div', [x, b.initializer('sqrt2', F, [], [Math.SQRT2])], {}, { name: 'div' });
  const [e] = b.node('Erf', [d!], {}, { name: 'erf' });
  const [a] = b.node('Add', [e!, b.initializer('one', F, [], [1])], {}, { name: 'add' });
  const [m] = b.node('Mul', [x, a!], {}, { name: 'mul' });
  const [h] = b.node('Mul', [m!, b.initializer('half', F, [], [0.5])], {}, { name: 'half' });
  b.output(h!, F, [2, 8]);
  const [s] = b.node('Shape', [x], {}, { name: 'shape', outputs: ['x_shape'] });
  b.output(s!, DataType.INT64, [2]);
  assert.match(refusal(model, 'fuse-gelu'), /opset 18 has no Gelu; needs >= 20/);
  assert.match(refusal(model, 'fuse-constant-fold'), /Shape 'shape' produces a graph output/);
});
