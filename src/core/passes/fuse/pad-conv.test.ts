// A zero Pad folded into Conv, MaxPool (after Relu) and AveragePool (count_include_pad = 1); ORT agrees; each refusal's reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { DataType } from '../../ir/data-type';
import type { Model } from '../../ir/model';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass } from '../index';
import { refusal, relError, rule, sameOutputs, vals } from '../../../../test/support/rules';

const F = DataType.FLOAT;

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
