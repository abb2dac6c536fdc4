// Two Transposes in a row: an inverse pair vanishes, a pair composes (ORT agrees exactly); a shared middle value is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass } from '../index';
import { refusal, rule, sameOutputs } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

test('Transposes: an inverse pair vanishes, a pair composes', async () => {
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
});

test('Transpose pair refusal: a shared middle value', () => {
  const { model, b } = newModel('tr');
  const x = b.input('x', F, [2, 3, 4]);
  const [t1] = b.node('Transpose', [x], { perm: [2, 0, 1] }, { name: 't1' });
  const [t2] = b.node('Transpose', [t1!], { perm: [1, 2, 0] }, { name: 't2' });
  b.output(t2!, F, null);
  b.output(t1!, F, null);
  assert.match(refusal(model, 'fuse-transpose-pair'), /Transpose output 't1_out' has other readers/);
});
