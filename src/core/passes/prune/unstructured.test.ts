// Magnitude pruning: the requested share per layer (the model still runs in ORT) or over the model (global).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass, pruneUnstructured, weightSparsity } from '../index';
import { verifyRewrite } from '../../../node/ort/verify';
import { mlpStack } from '../../../../test/support/mlp-stack';
import { save } from '../../../../test/support/rules';

test('unstructured pruning zeroes the requested share of every layer and the model still runs', async () => {
  const original = mlpStack();
  const pruned = readModel(writeModel(original));
  const r = runPass(pruned, [pruneUnstructured(0.5)]);
  assert.equal(r.applied.length, 8);
  for (const n of pruned.graph.nodes.filter((x) => x.opType === 'MatMul')) {
    const w = n.inputs[1]!.constant!.toNumbers();
    const zeros = w.filter((v) => v === 0).length;
    assert.equal(zeros, Math.floor(w.length * 0.5), `${n.displayName}`);
  }
  const p1 = save(original, 'a.onnx');
  const p2 = save(pruned, 'b.onnx');
  const v = await verifyRewrite({ path: p1, model: original, fileBytes: 0 }, { path: p2, model: pruned, fileBytes: 0 }, {}, { runs: 3 });
  assert.equal(v.after.macs, v.before.macs, 'unstructured pruning keeps MACs (ORT gets no speed from it)');
  assert.ok(v.outputs[0]!.cosine > 0.5);
});

test('global pruning reaches the target sparsity over the model', () => {
  const stack = readModel(writeModel(mlpStack()));
  runPass(stack, [pruneUnstructured(0.3, { scope: 'global' })]);
  const s = weightSparsity(stack.graph.nodes);
  assert.ok(Math.abs(s.zeros / s.total - 0.3) < 0.001, `global sparsity ${s.zeros / s.total}`);
});
