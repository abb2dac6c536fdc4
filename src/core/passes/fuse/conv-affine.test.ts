// Conv + per-channel Mul/Add/Sub/Div folding: where it applies (ORT agrees) and each refusal's reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import type { Model } from '../../ir/model';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass } from '../index';
import { refusal, relError, rule, sameOutputs, vals } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

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

test('Conv + Sub and Conv + Div by per-channel constants fold; ORT agrees', async () => {
  const { model, b } = newModel('subdiv');
  const x = b.input('x', F, [1, 3, 6, 6]);
  const [c] = b.node('Conv', [x, b.initializer('w', F, [4, 3, 3, 3], vals(108, 1, 0.3))], { kernel_shape: [3, 3] }, { name: 'conv' });
  const [s] = b.node('Sub', [c!, b.initializer('mu', F, [4, 1, 1], [0.1, -0.2, 0.3, 0.4])], {}, { name: 'sub' });
  const [conv2] = b.node('Conv', [s!, b.initializer('w2', F, [2, 4, 1, 1], vals(8, 3, 0.3))], { kernel_shape: [1, 1] }, { name: 'conv2' });
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
    const [c] = b.node('Conv', [x, b.initializer('w', F, [2, 2, 1, 1], vals(4, 1, 0.3))], { kernel_shape: [1, 1] }, { name: 'conv' });
    const k = b.initializer('k', F, dims, values);
    const [y] = b.node(op, convFirst ? [c!, k] : [k, c!], {}, { name: 'op' });
    b.output(y!, F, null);
    return model;
  };
  assert.match(refusal(build('Mul', [1, 1, 2, 1, 1], [2, 3]), 'fuse-conv-affine'), /'k' of shape \[1,1,2,1,1\] is not a per-channel or scalar constant/);
  assert.match(refusal(build('Div', [2, 1, 1], [2, 0]), 'fuse-conv-affine'), /'k' holds zeros or non-finite values/);
  assert.equal(runPass(build('Sub', [2, 1, 1], [1, 1], false), [rule('fuse-conv-affine')]).refused.length, 0, 'c − conv is not even a site');
});
