// Decomposed GELU -> Gelu at opset 20 (ORT agrees; the shape arithmetic after it folds too); refused below opset 20.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { DataType } from '../../ir/data-type';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { RULES, runPass } from '../index';
import { geluChain, geluModel, refusal, rule, sameOutputs } from '../../../../test/support/rules';

const F = DataType.FLOAT;

test('decomposed GELU becomes Gelu at opset 20, and constant shape arithmetic folds', async () => {
  const { model, b } = newModel('gelu', [{ domain: '', version: 20 }]);
  const h = geluChain(b, b.input('x', F, [2, 8]));
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

test('GELU is refused below opset 20 with the reason', () => {
  assert.match(refusal(geluModel(18), 'fuse-gelu'), /opset 18 has no Gelu; needs >= 20/);
});

test('GELU is refused below opset 20: opset 19 too', () => {
  const gelu = RULES.find((r) => r.id === 'fuse-gelu')!;
  assert.match(runPass(geluModel(19, [4]), [gelu]).refused[0]!.reason, /opset 19 has no Gelu; needs >= 20/);
});
