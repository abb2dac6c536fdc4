// Decomposed GELU -> Gelu at opset 20 (ORT agrees; the shape arithmetic after it folds too); refused below opset 20.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { DataType } from '../../ir/data-type';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { RULES, runPass } from '../index';
import { refusal, rule, sameOutputs } from '../../../../test/support/rules';

const F = DataType.FLOAT;

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

test('GELU is refused below opset 20 with the reason', () => {
  const { model, b } = newModel('gelu18', [{ domain: '', version: 18 }]);
  const x = b.input('x', F, [2, 8]);
  const [d] = b.node('Div', [x, b.initializer('sqrt2', F, [], [Math.SQRT2])], {}, { name: 'div' });
  const [e] = b.node('Erf', [d!], {}, { name: 'erf' });
  const [a] = b.node('Add', [e!, b.initializer('one', F, [], [1])], {}, { name: 'add' });
  const [m] = b.node('Mul', [x, a!], {}, { name: 'mul' });
  const [h] = b.node('Mul', [m!, b.initializer('half', F, [], [0.5])], {}, { name: 'half' });
  b.output(h!, F, [2, 8]);
  assert.match(refusal(model, 'fuse-gelu'), /opset 18 has no Gelu; needs >= 20/);
});

test('GELU is refused below opset 20: opset 19 too', () => {
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
