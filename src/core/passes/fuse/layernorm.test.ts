// Decomposed LayerNorm -> LayerNormalization on a transformer-like model (ORT agrees); refused below opset 17 on a real model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass } from '../index';
import { buildLargeModel } from '../../../../bench/large-model';
import { realModelPath } from '../../../../test/support/models';
import { rule, sameOutputs } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

test('decomposed LayerNorm becomes LayerNormalization (opset >= 17); hello-deepa (opset 13) is refused with the reason', async () => {
  const model = buildLargeModel(60, 16);
  const after = readModel(writeModel(model));
  const r = runPass(after, [rule('fuse-layernorm')]);
  const layers = model.graph.nodes.filter((n) => n.displayName.endsWith('/ln/mean')).length;
  assert.equal(r.applied.length, layers);
  assert.equal(after.graph.nodes.filter((n) => n.opType === 'LayerNormalization').length, layers);
  await sameOutputs(model, after, [{ name: 'tokens', elemType: F, shape: [1, 5, 16] }], 1e-3);
  const deepa = readModel(readFileSync(realModelPath('hello-deepa.onnx')));
  const refused = runPass(deepa, [rule('fuse-layernorm')]).refused;
  assert.ok(refused.length >= 1);
  assert.match(refused[0]!.reason, /opset 13 has no LayerNormalization; needs >= 17/);
});
