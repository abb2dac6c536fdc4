// The graph edits rules share: unique names, new initializers, cloneModel independence, constant reads, sole consumers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rulesOf, runPass } from './index';
import { addInitializer, cloneModel, constantFloat32, soleConsumer, uniqueName } from './graph-edit';
import { chain } from '../../../test/support/rules';
import { DataType } from '../ir/data-type';

const F = DataType.FLOAT;

test('unique names, cloneModel independence, constantFloat32, soleConsumer', () => {
  const m = chain();
  assert.equal(uniqueName(m.graph, 'w'), 'w_1');
  assert.equal(uniqueName(m.graph, 'fresh'), 'fresh');
  const v = addInitializer(m.graph, 'w', F, [2], [0.5, 1.5]);
  assert.equal(v.name, 'w_1');
  assert.deepEqual(Array.from(constantFloat32(v)!), [0.5, 1.5]);
  assert.equal(constantFloat32(m.graph.inputs[0]!), null, 'a graph input is not constant');
  const copy = cloneModel(m);
  runPass(copy, rulesOf('fuse-all'));
  assert.equal(copy.graph.nodes.length, 1);
  assert.equal(m.graph.nodes.length, 6, 'the original is untouched');
  const conv = m.graph.nodes[0]!;
  assert.equal(soleConsumer(conv.outputs[0]!)?.displayName, 'bn');
  assert.equal(soleConsumer(m.graph.inputs[0]!), null, 'x feeds two nodes');
});
