// Channel pruning: hand-counted MACs on the sample CNN (the model runs in ORT); refused where channels meet another branch.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeModel } from '../../analysis/analyze';
import { newModel } from '../../ir/builder';
import { readModel } from '../../onnx/reader';
import { runPass, pruneChannels } from '../index';
import { verifyRewrite } from '../../../node/ort/verify';
import { SAMPLE } from '../../../../test/support/models';
import { save } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

test('channel pruning at 50 % on the sample CNN: hand-counted MACs, and the model runs', async () => {
  const original = readModel(readFileSync(SAMPLE));
  const pruned = readModel(readFileSync(SAMPLE));
  const r = runPass(pruned, [pruneChannels(0.5)], { bindings: { dims: { batch: 1 } } });
  assert.equal(r.applied.length, 3);
  // conv1 3->8: 8·32·32·3·9 = 221,184; conv2 8->16 on 16x16: 16·16·16·8·9 = 294,912;
  // conv3 16->32 on 8x8: 32·8·8·16·9 = 294,912; Gemm 32->10: 320
  const macs = analyzeModel(pruned, { bindings: { dims: { batch: 1 } } }).report.totals.macs;
  assert.equal(macs, 221_184 + 294_912 + 294_912 + 320);
  const before = analyzeModel(original, { bindings: { dims: { batch: 1 } } }).report.totals.macs;
  assert.ok(macs / before <= 0.6, `MACs ratio ${macs / before}`);
  const p1 = save(original, 'a.onnx');
  const p2 = save(pruned, 'b.onnx');
  const v = await verifyRewrite({ path: p1, model: original, fileBytes: 0 }, { path: p2, model: pruned, fileBytes: 0 }, {}, { bindings: { dims: { batch: 1 } }, runs: 3 });
  assert.deepEqual(v.outputs.map((o) => o.name), ['probs']);
  console.log(`channel pruning 50 %, sample CNN: MACs ${(macs / before).toFixed(3)}x, cosine ${v.outputs[0]!.cosine.toFixed(3)}`);
});

test('channel pruning refuses where channels meet another branch (a residual Add)', () => {
  const { model, b } = newModel('residual');
  const x = b.input('x', F, [1, 4, 8, 8]);
  const w = (n: string) => b.initializer(n, F, [4, 4, 1, 1], Array.from({ length: 16 }, (_, i) => i / 16));
  const [a] = b.node('Conv', [x, w('wa')], { kernel_shape: [1, 1] }, { name: 'convA' });
  const [c] = b.node('Conv', [a!, w('wb')], { kernel_shape: [1, 1] }, { name: 'convB' });
  const [y] = b.node('Add', [a!, c!], {}, { name: 'residual' });
  b.output(y!, F, [1, 4, 8, 8]);
  const r = runPass(model, [pruneChannels(0.5)]);
  assert.equal(r.applied.length, 0);
  const reason = r.refused.find((f) => f.anchor === 'convB')!.reason;
  assert.match(reason, /meet another branch at Add 'residual'/);
});
