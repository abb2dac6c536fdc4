// Constant folding of shape arithmetic (also exercised after GELU fusion in fuse/gelu.test.ts): never a graph output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { DataType } from '../../ir/data-type';
import { refusal } from '../../../../test/support/rules';

const F = DataType.FLOAT;

test('constant folding never replaces a graph output', () => {
  const { model, b } = newModel('gelu18', [{ domain: '', version: 18 }]);
  const x = b.input('x', F, [2, 8]);
  const [r] = b.node('Relu', [x], {}, { name: 'relu' });
  b.output(r!, F, [2, 8]);
  const [s] = b.node('Shape', [x], {}, { name: 'shape', outputs: ['x_shape'] });
  b.output(s!, DataType.INT64, [2]);
  assert.match(refusal(model, 'fuse-constant-fold'), /Shape 'shape' produces a graph output/);
});
