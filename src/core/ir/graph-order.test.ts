// Graph order: sorted files keep their order, unsorted ones get a topological order, cycles (a node
// reading its own output included) have none, and values read inside a subgraph count as inputs of
// the node that holds it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder, newModel } from './builder';
import { DataType } from './data-type';
import { Graph } from './graph';
import { isSorted, topologicalOrder } from './graph-order';

const F = DataType.FLOAT;

test('a sorted graph keeps its file order (the same array)', () => {
  const { model, b } = newModel('g');
  const x = b.input('x', F, [2]);
  const [r] = b.node('Relu', [x]);
  b.node('Neg', [r!]);
  assert.ok(isSorted(model.graph));
  assert.equal(topologicalOrder(model.graph), model.graph.nodes);
});

test('an unsorted graph gets an order with producers first, ties in file order', () => {
  const { model, b } = newModel('g');
  const x = b.input('x', F, [2]);
  const [r] = b.node('Relu', [x], {}, { name: 'relu' });
  const [n] = b.node('Neg', [r!], {}, { name: 'neg' });
  b.node('Abs', [x], {}, { name: 'abs' });
  b.node('Exp', [n!], {}, { name: 'exp' });
  model.graph.nodes.reverse();
  assert.ok(!isSorted(model.graph));
  assert.deepEqual(topologicalOrder(model.graph)!.map((m) => m.name), ['abs', 'relu', 'neg', 'exp']);
});

test('a cycle, and a node reading its own output, have no order', () => {
  const { model, b } = newModel('g');
  const x = b.input('x', F, [2]);
  const [a] = b.node('Add', [x, x], {}, { name: 'a' });
  const [c] = b.node('Relu', [a!], {}, { name: 'c' });
  model.graph.nodes[0]!.setInput(1, c!);
  assert.equal(topologicalOrder(model.graph), null);

  const { model: self, b: sb } = newModel('self');
  const y = sb.input('y', F, [2]);
  const [out] = sb.node('Add', [y, y]);
  self.graph.nodes[0]!.setInput(1, out!);
  assert.ok(!isSorted(self.graph));
  assert.equal(topologicalOrder(self.graph), null);
});

test('a value read inside an If branch orders its producer before the If', () => {
  const { model, b } = newModel('g');
  const x = b.input('x', F, [2]);
  const cond = b.input('c', DataType.BOOL, []);
  const thenG = new Graph('then', model.graph);
  const elseG = new Graph('else', model.graph);
  b.node('If', [cond], {}, { name: 'if' });
  const [late] = b.node('Relu', [x], {}, { name: 'late' });
  for (const g of [thenG, elseG]) {
    const [o] = new GraphBuilder(g).node('Neg', [late!]);
    g.outputs.push(o!);
  }
  model.graph.nodes[0]!.attributes = [
    { name: 'then_branch', kind: 'graph', value: thenG },
    { name: 'else_branch', kind: 'graph', value: elseG },
  ];
  assert.ok(!isSorted(model.graph), 'the If reads late through its branches');
  assert.deepEqual(topologicalOrder(model.graph)!.map((m) => m.name), ['late', 'if']);
});
