// The analysis decides completeness once: an unknown figure makes the totals lower bounds only when
// it enters them (a node with runs > 0). Small models built here, analysed with the real shape
// inference and cost model; every surface (report, view model, exports) reads the same decision.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder, newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { Graph, type Value } from '../ir/graph';
import type { Model } from '../ir/model';
import { Tensor } from '../ir/tensor';
import { readModel } from '../onnx/reader';
import { writeModel } from '../onnx/writer';
import { analyzeModel } from './analyze';
import { figureTree } from './figure-tree';
import { metricRows } from '../export/rows';

const F = DataType.FLOAT;

/** then: one MatMul [1,8]x[8,8] (64 MACs); else: an op without a cost function. */
function ifModel(condition: boolean): Model {
  const { model, b } = newModel('if-model', [{ domain: '', version: 17 }, { domain: 'x.custom', version: 1 }]);
  const x = b.input('x', F, [1, 8]);
  const w = b.initializer('w', F, [8, 8], new Array<number>(64).fill(0.5));
  const [c] = b.node('Constant', [], { value: Tensor.fromNumbers('c', DataType.BOOL, [], [condition ? 1 : 0]) }, { name: 'cond' });
  const branch = (name: string, body: (gb: GraphBuilder, x: Value) => Value): Graph => {
    const g = new Graph(name, model.graph, null);
    const gb = new GraphBuilder(g);
    gb.output(body(gb, x), F, [1, 8]);
    return g;
  };
  const thenG = branch('then', (gb, v) => gb.node('MatMul', [v, w], {}, { name: 'mm' })[0]!);
  const elseG = branch('else', (gb, v) => gb.node('Mystery', [v], {}, { name: 'mystery', domain: 'x.custom' })[0]!);
  const [y] = b.node('If', [c!], { then_branch: thenG, else_branch: elseG }, { name: 'if' });
  b.output(y!, F, [1, 8]);
  return readModel(writeModel(model)); // as a file would be read
}

test('an unknown op in the If branch a constant condition skips leaves the totals complete', () => {
  const a = analyzeModel(ifModel(true));
  const mystery = a.cost.nodes.find((n) => n.name === 'mystery')!;
  assert.equal(mystery.known, false);
  assert.equal(mystery.runs, 0);
  assert.equal(a.cost.totals.macs, 64);
  assert.equal(a.cost.totalsIncomplete, false);
  assert.equal(a.report.totalsIncomplete, false);
  assert.equal(a.cost.byOp.find((o) => o.opType === 'Mystery')!.incomplete, false);
  // still listed as unknown: it is in the model, it just does not enter the totals
  assert.deepEqual(a.report.unknownOps.map((u) => u.opType), ['Mystery']);
});

test('an unknown op in the branch that is taken makes the totals lower bounds, everywhere', () => {
  const model = ifModel(false);
  const a = analyzeModel(model);
  assert.equal(a.cost.nodes.find((n) => n.name === 'mystery')!.runs, 1);
  assert.equal(a.cost.totals.macs, 0);
  assert.equal(a.cost.totalsIncomplete, true);
  assert.equal(a.report.totalsIncomplete, true);
  assert.equal(a.cost.byOp.find((o) => o.opType === 'Mystery')!.incomplete, true);
  assert.equal(figureTree(model, a).totalsIncomplete, true);
});

test('the figure tree carries each node\'s record as the cost model made it', () => {
  const model = ifModel(true);
  const a = analyzeModel(model);
  const rows = metricRows(figureTree(model, a));
  assert.equal(rows.length, a.cost.nodes.length);
  for (const c of a.cost.nodes) {
    const r = rows.find((x) => x.node.name === c.name && x.graph.path === c.graphPath)!;
    assert.ok(r, c.name);
    for (const k of ['macs', 'flops', 'params', 'weightBytes', 'activationBytes', 'intensity', 'known', 'runs'] as const) assert.equal(r.node[k], c[k], `${c.name}.${k}`);
  }
});
