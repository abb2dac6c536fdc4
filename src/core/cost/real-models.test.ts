// The cost model on the real models of test/models.json, with the real shape inference. Expected
// figures are derived by hand from the files' weight dims and the bound input shapes (comments), or
// counted independently from the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadModelFile } from '../../node/model-file';
import { realModelPath } from '../../../test/support/models';
import { buildLargeModel } from '../../../bench/large-model';
import { DataType } from '../ir/data-type';
import type { Model } from '../ir/model';
import { inferShapes } from '../shape';
import type { Bindings } from '../shape/types';
import { costModel } from './cost-model';
import type { CostReport, NodeCost } from './types';

function cost(file: string, bindings: Bindings): { model: Model; r: CostReport; node: (name: string) => NodeCost } {
  const { model } = loadModelFile(realModelPath(file));
  const r = costModel(model, inferShapes(model, bindings));
  return { model, r, node: (name) => r.nodes.find((n) => n.name === name)! };
}

function sumRuns(r: CostReport, k: 'macs' | 'flops'): number {
  return r.nodes.reduce((s, n) => s + (n[k] ?? 0) * (n.runs ?? 0), 0);
}

test('ppocr-cls bound to 1x3x48x192: every node costed, hand-derived Conv and MatMul MACs', () => {
  const { model, r, node } = cost('ppocr-cls.onnx', { inputs: { x: [1, 3, 48, 192] } });
  assert.equal(r.nodes.length, 471);
  assert.deepEqual(r.unknownOps, []);
  assert.equal(r.totalsIncomplete, false);
  assert.deepEqual(r.warnings, []);
  assert.ok(r.nodes.every((n) => n.macs !== null && n.flops !== null));
  // first Conv: 8 filters 3x3, stride 2, pad 1 on 48x192 -> 24x96: 1·8·24·96·3·3·3 = 497,664
  assert.equal(node('p2o.Conv.0').macs, 497_664);
  // depthwise 3x3, group 8, stride [2,1] on 24x96 -> 12x96: 1·8·12·96·1·3·3 = 82,944
  assert.equal(node('p2o.Conv.2').macs, 82_944);
  // classifier head: [1,200] x [200,2] = 400
  assert.equal(node('p2o.MatMul.0').macs, 400);
  // params: every float tensor of the 250 Constant nodes that some node reads (none sits in a control slot)
  let floats = 0;
  for (const n of model.graph.nodes) {
    const t = n.constantTensor;
    if (n.opType === 'Constant' && t && t.dataType === DataType.FLOAT && n.outputs[0]!.uses.length > 0) floats += t.elementCount;
  }
  assert.ok(floats > 100_000);
  assert.equal(r.totals.params, floats);
  assert.equal(r.totals.weightBytes, 4 * floats);
  assert.equal(r.totals.macs, sumRuns(r, 'macs'));
});

test('ppocr-cls unbound: Conv MACs are null and the warning names the symbolic dims and --input', () => {
  const { r, node } = cost('ppocr-cls.onnx', {});
  assert.equal(node('p2o.Conv.0').macs, null);
  assert.equal(node('p2o.Conv.0').known, true);
  assert.equal(r.totalsIncomplete, true);
  assert.deepEqual(r.unknownOps, []);
  const w = r.warnings.join('\n');
  assert.match(w, /p2o\.DynamicDimension\.0/);
  assert.match(w, /--input/);
  assert.match(w, /--dim/);
});

test('hello-deepa: Gemm MACs and params derived from the weight dims', () => {
  const { r } = cost('hello-deepa.onnx', {});
  assert.equal(r.totalsIncomplete, false);
  // Gemm 1x2400 · 2400x32, 1x32 · 32x32, 1x32 · 32x1: 76,800 + 1,024 + 32
  assert.equal(r.totals.macs, 77_856);
  assert.equal(r.byOp.find((o) => o.opType === 'Gemm')!.macs, 77_856);
  // Gemm weights+biases 76,832 + 1,056 + 33; two decomposed LayerNorms: scale 32 + bias 32 each, and
  // their float scalars (exponent 2, epsilon) one element each
  assert.equal(r.totals.params, 76_832 + 1_056 + 33 + 2 * 64 + 4);
});

test('silero-vad legacy: If bodies costed; constant conditions select; the larger unknown branch is counted', () => {
  const { r, node } = cost('silero-vad-legacy.onnx', { inputs: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] } });
  assert.deepEqual(r.unknownOps, []);
  assert.match(node('If_25').note!, /known only at run time.*else_branch/);
  // LSTM in the counted branch: X [2,1,64], H 64: 1·2·1·4·64·(64+64) = 65,536
  assert.equal(node('LSTM_719').graphPath, 'If_25/else_branch/If_651/then_branch');
  assert.equal(node('LSTM_719').macs, 65_536);
  assert.equal(node('LSTM_719').runs, 1);
  // the other branch is listed but not counted
  assert.equal(node('LSTM_245').runs, 0);
  assert.equal(r.totals.macs, sumRuns(r, 'macs'));
  assert.equal(r.totals.flops, sumRuns(r, 'flops'));
  // STFT as a Conv: [1,1,704] * [258,1,256] stride 128 -> [1,258,8]: 258·8·256 = 528,384
  assert.equal(node('Conv_547').macs, 528_384);
});

test('silero-vad v5: the 16 kHz branch is counted; its LSTM and STFT Conv match hand counts', () => {
  const { r } = cost('silero-vad-v5.onnx', { inputs: { input: [1, 576], state: [2, 1, 128] } });
  const counted = r.nodes.filter((n) => (n.runs ?? 0) > 0);
  const lstm = counted.filter((n) => n.opType === 'LSTM');
  assert.equal(lstm.length, 1);
  // X [1,1,128], H 128: 1·1·1·4·128·(128+128) = 131,072
  assert.equal(lstm[0]!.macs, 131_072);
  // input 576 + 64 context samples = 640, kernel 256 stride 128 -> 4 frames: 258·4·256 = 264,192
  const stft = counted.find((n) => n.name.endsWith('/stft/Conv'))!;
  assert.equal(stft.macs, 264_192);
  assert.equal(r.totals.macs, sumRuns(r, 'macs'));
});

// Its speed is a benchmark figure (npm run bench: 'cost ms'), not a timed test: wall times on these
// shared machines move too much to assert.
test('a 20,000-node model is costed completely, the same on every run', () => {
  const model = buildLargeModel(20_000);
  const shapes = inferShapes(model, { dims: { batch: 1, seq: 128 } });
  const a: CostReport = costModel(model, shapes);
  const b: CostReport = costModel(model, shapes);
  assert.ok(a.nodes.length >= 20_000);
  assert.equal(a.totalsIncomplete, false);
  assert.deepEqual(b.totals, a.totals);
});
