// Fix ranking: gains derived by hand from the model's dims (bytes of outputs and weights, MACs), the
// order at a node and over the model, "no latency gain" where ONNX Runtime already does the rewrite,
// refusals behind "more", and unknown figures said as unknown, never as 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../analysis/analyze';
import { newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import type { Model } from '../ir/model';
import type { Shape } from '../ir/shape';
import { listSites, rankFixes, RULES } from './index';

const F = DataType.FLOAT;
const wave = (n: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.3);

/** x[1,16,32,32] -> Conv 3×3 (32 out, no bias) -> BatchNormalization -> Relu -> Conv 1×1 (8 out) -> y */
function convBnRelu(batch: number | string = 1): Model {
  const { model, b } = newModel('cbr');
  const x = b.input('x', F, [batch, 16, 32, 32] as Shape);
  const [c] = b.node('Conv', [x, b.initializer('w', F, [32, 16, 3, 3], wave(32 * 16 * 9))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'conv' });
  const p = (n: string, off: number) => b.initializer(n, F, [32], wave(32).map((v) => v + off));
  const [bn] = b.node('BatchNormalization', [c!, p('gamma', 1), p('beta', 0), p('mean', 0), p('var', 1)], {}, { name: 'bn' });
  const [r] = b.node('Relu', [bn!], {}, { name: 'relu' });
  const [y] = b.node('Conv', [r!, b.initializer('w2', F, [8, 32, 1, 1], wave(256))], { kernel_shape: [1, 1] }, { name: 'conv2' });
  b.output(y!, F, null);
  return model;
}

function rank(model: Model, node?: string, bindings = {}) {
  const a = analyzeModel(model, { bindings });
  const ctx = { model, shapes: a.shapes };
  return rankFixes(listSites(RULES, ctx), a.cost.nodes, { totals: a.cost.totals, ctx, ...(node ? { node } : {}) });
}

const CONV_MACS = 32 * 32 * 32 * 16 * 9; // output elements × (C_in · k_h · k_w)
const CONV_WEIGHT_BYTES = 32 * 16 * 9 * 4;
const BN_BYTES = 4 * 32 * 4; // γ, β, μ, σ² of 32 channels
const BN_OUT_BYTES = 32 * 32 * 32 * 4;
const WEIGHT_BYTES = CONV_WEIGHT_BYTES + BN_BYTES + 8 * 32 * 4; // every weight of the model
const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;

test('at a Conv: the fixes that pay off come first with their gain; the exact BN fold ORT does anyway and refusals are behind "more"', () => {
  const r = rank(convBnRelu(), 'conv');
  // The wave weights are shifted sines (rank 2 as a matrix), so factoring them saves the most of the
  // fixes that change outputs, ahead of channel pruning.
  assert.deepEqual(r.top.map((f) => f.ruleId), ['quantize-fp16', 'quantize-fp16-compute', 'decompose-low-rank']);
  assert.match(r.top[2]!.text, /changes outputs: check accuracy · rank 2, 100\.00 % of the singular-value energy kept/);
  const fp16 = r.top[0]!;
  assert.equal(fp16.gain!.fileBytes, CONV_WEIGHT_BYTES / 2, 'the conv weight in float16');
  assert.equal(fp16.headline, `file −${pct(CONV_WEIGHT_BYTES / 2 / WEIGHT_BYTES)}`);
  assert.equal(fp16.text, `file −9.0 KiB (${pct(CONV_WEIGHT_BYTES / 2 / WEIGHT_BYTES)} of the weights) · approximate, within the rule's tolerance · computed in float: a smaller file, not a faster model`);
  const prune = r.more.find((f) => f.ruleId === 'prune-channel')!;
  assert.equal(prune.gain!.flops, 0.5 * 2 * CONV_MACS, 'half the conv work (2 FLOPs per MAC, no bias)');
  assert.equal(prune.gain!.accuracy, 'changes outputs');
  assert.ok(prune.score < fp16.score, 'a fix that changes outputs counts half');
  assert.match(prune.text, /−4\.72 MFLOPs per run \(\d+ % of the model\).*changes outputs: check accuracy/);
  const fold = r.more.find((f) => f.ruleId === 'fuse-conv-batchnorm')!;
  assert.ok(fold.ok);
  assert.equal(fold.gain!.traffic, 2 * BN_OUT_BYTES, "BN's output, written and read back");
  assert.equal(fold.gain!.fileBytes, (BN_BYTES * 3) / 4, "BN's four vectors go; the folded bias (one of them) is new");
  assert.match(fold.text, /no latency gain with ONNX Runtime: ORT folds BatchNormalization into the Conv when it loads the model/);
  const zeros = r.more.find((f) => f.ruleId === 'prune-unstructured')!;
  assert.equal(zeros.score, 0);
  assert.equal(zeros.headline, 'no measurable gain');
  const last = r.more[r.more.length - 1]!;
  assert.equal(last.ok, false, 'refusals come last');
  assert.equal(last.ruleId, 'quantize-int8-static');
  assert.match(last.reason!, /no calibrated range/);
});

test('over the whole model, a rule sums its sites; fewer than 0.5 % of the model is not put first', () => {
  const r = rank(convBnRelu());
  const fp16 = r.top.find((f) => f.ruleId === 'quantize-fp16')!;
  assert.equal(fp16.gain!.fileBytes, WEIGHT_BYTES / 2, 'every float weight halves');
  assert.ok(r.top.length <= 3);
  for (const f of r.more.filter((x) => x.ok)) assert.ok(f.score <= r.top[r.top.length - 1]!.score);
  // The bar for coming first: a fix gaining less than it is behind "more", even when nothing passes it.
  const m = convBnRelu();
  const a = analyzeModel(m);
  const none = rankFixes(listSites(RULES, { model: m, shapes: a.shapes }), a.cost.nodes, { node: 'bn', totals: a.cost.totals, minShare: 0.6 });
  assert.deepEqual(none.top, []);
  assert.deepEqual(none.more.filter((f) => f.ok).map((f) => f.ruleId)[0], 'fuse-conv-batchnorm', 'at the BN, its fold is the best of the small gains');
});

test('a rewrite ORT does not do itself (Conv + Sub) has a latency gain: its traffic share', () => {
  const { model, b } = newModel('sub');
  const x = b.input('x', F, [1, 3, 16, 16]);
  const [c] = b.node('Conv', [x, b.initializer('w', F, [8, 3, 1, 1], wave(24))], { kernel_shape: [1, 1] }, { name: 'conv' });
  const [s] = b.node('Sub', [c!, b.initializer('mu', F, [8, 1, 1], wave(8))], {}, { name: 'sub' });
  b.output(s!, F, null);
  const f = rank(model, 'sub').top.find((x) => x.ruleId === 'fuse-conv-affine')!;
  assert.ok(f, 'put first');
  assert.equal(f.gain!.ortAtLoad, undefined);
  assert.equal(f.gain!.traffic, 2 * 8 * 16 * 16 * 4);
  // Model traffic: 2 × (conv output + sub output), the same size: the Sub's removal saves half.
  assert.equal(f.headline, '−50 % of the memory traffic');
});

test('an embedding Gather: int8 saves ¾ of its table; unknown FLOPs are said as unknown, never 0', () => {
  const { model, b } = newModel('emb');
  const ids = b.input('ids', DataType.INT64, [1, 8]);
  const [e] = b.node('Gather', [b.initializer('table', F, [1000, 32], wave(32000)), ids], { axis: 0 }, { name: 'embed' });
  b.output(e!, F, null);
  const q = rank(model, 'embed').top.find((f) => f.ruleId === 'quantize-int8-dynamic')!;
  assert.equal(q.gain!.fileBytes, (1000 * 32 * 4 * 3) / 4);
  assert.equal(q.headline, 'file −75 %');

  const unbound = rank(convBnRelu('batch'), 'conv');
  const prune = [...unbound.top, ...unbound.more].find((f) => f.ruleId === 'prune-channel')!;
  assert.equal(prune.gain!.flops, null);
  assert.match(prune.text, /FLOPs saved unknown \(bind the symbolic dims\)/);
  assert.doesNotMatch(prune.text, /−0 FLOPs/);
});
