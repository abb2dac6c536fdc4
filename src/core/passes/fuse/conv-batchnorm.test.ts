// Conv/ConvTranspose + BatchNormalization folding: where it applies (ORT agrees on the outputs) and each refusal's reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel, type GraphBuilder } from '../../ir/builder';
import type { Value } from '../../ir/graph';
import type { Model } from '../../ir/model';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { contextFor, listSites, runPass } from '../index';
import { refusal, relError, rule, sameOutputs, vals } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

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

function bnParams(b: GraphBuilder, c: number): Value[] {
  return [
    b.initializer('gamma', F, [c], vals(c, 2, 0.3).map((v) => v + 1)),
    b.initializer('beta', F, [c], vals(c, 3, 0.3)),
    b.initializer('mean', F, [c], vals(c, 4, 0.3)),
    b.initializer('var', F, [c], vals(c, 5, 0.3).map((v) => v + 1)),
  ];
}

for (const group of [1, 2]) {
  test(`ConvTranspose (group ${group}) + BatchNormalization folds; ORT agrees`, async () => {
    const { model, b } = newModel('ct');
    const x = b.input('x', F, [1, 4, 5, 5]);
    const w = b.initializer('w', F, [4, 6 / group, 3, 3], vals((4 * 6 * 9) / group, 1, 0.3));
    const [c] = b.node('ConvTranspose', [x, w, b.initializer('bias', F, [6], vals(6, 9, 0.3))], { kernel_shape: [3, 3], strides: [2, 2], group }, { name: 'deconv' });
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
    const w = o.weightInput ? b.input('w', F, [3, 2, 1, 1]) : b.initializer('w', F, [3, 2, 1, 1], vals(6, 1, 0.3));
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
