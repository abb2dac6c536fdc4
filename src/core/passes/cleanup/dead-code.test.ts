// Dead-code removal: transitive, with the initializers only dead nodes read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { contextFor, listSites, runPass } from '../index';
import { rule } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

test('dead code: a dead chain goes transitively, with the initializers only it read; live nodes stay', () => {
  const { model, b } = newModel('dead');
  const x = b.input('x', F, [4]);
  const [r] = b.node('Relu', [x], {}, { name: 'relu' });
  b.output(r!, F, [4]);
  const [m] = b.node('Mul', [x, b.initializer('k', F, [4], [1, 2, 3, 4])], {}, { name: 'dead_mul' });
  b.node('Exp', [m!], {}, { name: 'dead_exp' });
  const sites = listSites([rule('cleanup-dead-code')], contextFor(model));
  assert.deepEqual(sites.map((s) => s.site.anchor.displayName), ['dead_exp'], 'only the end of the dead chain is dead before the first removal');
  const res = runPass(model, [rule('cleanup-dead-code')], { keepDeadCode: true });
  assert.equal(res.applied.length, 1, 'one application removes the whole chain');
  assert.deepEqual(model.graph.nodes.map((n) => n.displayName), ['relu']);
  assert.deepEqual(model.graph.initializers.map((t) => t.name), [], "'k' was read only by the dead Mul");
});
