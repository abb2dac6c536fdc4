// Identity and inference-mode Dropout removal; a graph output that copies a graph input is kept, with the reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass } from '../index';
import { rule, sameOutputs } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

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
