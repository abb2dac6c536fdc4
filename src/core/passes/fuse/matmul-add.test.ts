// MatMul + Add -> Gemm: 2-D operands, a run-time C (ORT agrees), and the refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { DataType } from '../../ir/data-type';
import type { Model } from '../../ir/model';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass } from '../index';
import { refusal, relError, rule, sameOutputs, vals } from '../../../../test/support/rules';

const F = DataType.FLOAT;

test('MatMul + Add becomes Gemm for 2-D operands and refuses for 3-D ones', async () => {
  const build = (rank3: boolean): Model => {
    const { model, b } = newModel('mm');
    const x = b.input('x', F, rank3 ? [2, 5, 6] : [5, 6]);
    const w = b.initializer('w', F, [6, 4], vals(24));
    const c = b.initializer('c', F, [4], vals(4, 7));
    const [m] = b.node('MatMul', [x, w], {}, { name: 'mm' });
    const [y] = b.node('Add', [m!, c], {}, { name: 'add' });
    b.output(y!, F, null);
    return model;
  };
  const before = build(false);
  const after = readModel(writeModel(before));
  runPass(after, [rule('fuse-matmul-add')]);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Gemm']);
  await sameOutputs(before, after, [{ name: 'x', elemType: F, shape: [5, 6] }]);
  const r = runPass(build(true), [rule('fuse-matmul-add')]);
  assert.equal(r.applied.length, 0);
  assert.match(r.refused[0]!.reason, /rank 3; Gemm needs 2-D operands/);
});

test('MatMul + Add with a run-time C becomes Gemm; an int32 MatMul is refused', async () => {
  const { model, b } = newModel('mmc');
  const x = b.input('x', F, [5, 6]);
  const c = b.input('c', F, [5, 4]);
  const [m] = b.node('MatMul', [x, b.initializer('w', F, [6, 4], vals(24, 1, 0.3))], {}, { name: 'mm' });
  const [y] = b.node('Add', [c, m!], {}, { name: 'add' });
  b.output(y!, F, null);
  const after = readModel(writeModel(model));
  assert.equal(runPass(after, [rule('fuse-matmul-add')]).applied.length, 1);
  assert.deepEqual(after.graph.nodes.map((n) => n.opType), ['Gemm']);
  const ins = [{ name: 'x', elemType: F, shape: [5, 6] }, { name: 'c', elemType: F, shape: [5, 4] }];
  assert.ok((await relError(model, after, ins)) < 1e-6);

  const { model: mi, b: bi } = newModel('mmi');
  const xi = bi.input('x', DataType.INT32, [5, 6]);
  const [mm] = bi.node('MatMul', [xi, bi.initializer('w', DataType.INT32, [6, 4], new Array(24).fill(1))], {}, { name: 'mm' });
  const [yi] = bi.node('Add', [mm!, bi.initializer('c', DataType.INT32, [4], [1, 2, 3, 4])], {}, { name: 'add' });
  bi.output(yi!, DataType.INT32, null);
  assert.match(refusal(mi, 'fuse-matmul-add'), /MatMul 'mm' works on int32; ONNX Runtime's Gemm takes float or double/);
});
