// A 2-D Transpose into Gemm's transA/transB (ORT agrees exactly); anything but a 2-D swap is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass } from '../index';
import { refusal, rule, sameOutputs, vals } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

test('a 2-D swap folds into Gemm', async () => {
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

test('Transpose into Gemm refusal: not a 2-D swap', () => {
  const { model: g, b: gb } = newModel('tg');
  const a = gb.input('a', F, [6, 5]);
  const [at] = gb.node('Transpose', [a], { perm: [0, 1] }, { name: 'noop' });
  const [y] = gb.node('Gemm', [at!, gb.initializer('w', F, [5, 3], vals(15, 1, 0.3))], {}, { name: 'gemm' });
  gb.output(y!, F, null);
  assert.match(refusal(g, 'fuse-transpose-gemm'), /Transpose 'noop' is not a 2-D swap/);
});
