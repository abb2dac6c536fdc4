// Fusion detection checked against ONNX Runtime itself: the kernels the plan predicts (src/core/
// predict/plan.ts) must be the kernels in the graph ORT writes out (optimizedModelFilePath, no run),
// mapped back to the original nodes by src/core/profile/kernel-map.ts. Hand-made patterns check each
// rule (and the NCHWc Reorders, matched by tensor); the real models of test/models.json check the
// share of nodes grouped exactly as ORT groups them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Model } from '../../src/core/ir/model';
import { readModel } from '../../src/core/onnx/reader';
import { writeModel } from '../../src/core/onnx/writer';
import { matchKernels } from '../../src/core/predict/match';
import { planKernels } from '../../src/core/predict/plan';
import { mapKernels } from '../../src/core/profile/kernel-map';
import { inferShapes } from '../../src/core/shape';
import type { Bindings } from '../../src/core/shape/types';
import { loadModelFile } from '../../src/node/model-file';
import { nchwcBlockOf } from '../../src/node/ort/device-traces';
import { ort } from '../support/ort';
import { allModels, realModelPath } from '../support/models';
import { resnetLike } from '../profile/resnet-like';

const dir = mkdtempSync(join(tmpdir(), 'll-fusion-'));

async function optimizedOf(bytes: Uint8Array | string, name: string): Promise<Model> {
  const out = join(dir, `${name}.optimized.onnx`);
  const s = await ort.InferenceSession.create(bytes as Uint8Array, { graphOptimizationLevel: 'all', optimizedModelFilePath: out, intraOpNumThreads: 1 });
  await s.release();
  return readModel(readFileSync(out));
}

/** The plan of `model` and its matching with what ORT ran (NCHWc block read from ORT's own graph). */
async function check(model: Model, bytes: Uint8Array | string, name: string, bindings: Bindings = {}) {
  const optimized = await optimizedOf(bytes, name);
  const a = analyzeModel(model, { bindings });
  const plan = planKernels({ model, run: a.shapes, load: inferShapes(model, {}), cost: a.cost }, { nchwcBlock: nchwcBlockOf(optimized) });
  return { plan, m: matchKernels(plan, mapKernels(model, optimized), model, optimized), optimized };
}

test('ResNet-style model: every kernel ORT runs is planned — Conv+BN+Relu, residual Adds in the NCHWc Conv, Concat, and each Reorder', async () => {
  const bytes = resnetLike();
  const { plan, m } = await check(readModel(bytes), bytes, 'resnet');
  assert.deepEqual(m.ortOnly.map((k) => `${k.opType} ${k.kernel}`), [], 'ORT kernels the plan missed');
  assert.deepEqual(m.plannedOnly.map((k) => `${k.op} ${k.name}`), [], 'planned kernels ORT does not run');
  assert.equal(m.wrongOp.length, 0);
  assert.equal(m.agreement.same, m.agreement.total);
  // The residual block's Add is inside an NCHWc Conv kernel with the Conv and BatchNormalization.
  const add = plan.kernels.find((k) => k.nodes.some((n) => n.displayName === 'block0/add'));
  assert.ok(add && add.domain === 'com.microsoft.nchwc' && add.nodes.some((n) => n.opType === 'Conv'), add?.name);
  // The stem reads the 3-channel image in NCHW directly (fewer channels than the block): Reorders only
  // where NCHWc tensors go back to NCHW, matched above one by one by the tensor they convert.
  assert.ok(plan.kernels.some((k) => k.op === 'ReorderOutput' && k.role === 'layout'));
  assert.ok(!plan.kernels.some((k) => k.op === 'ReorderInput'));
});

test('MatMul+Add -> Gemm (+Relu -> FusedGemm), decomposed LayerNorm -> LayerNormalization, erf GELU -> Gelu: as ORT fuses them', async () => {
  const { model, b } = newModel('patterns');
  const F = DataType.FLOAT;
  const w = (n: string, dims: number[]) => b.initializer(n, F, dims, Array.from({ length: dims.reduce((p, d) => p * d, 1) }, (_, i) => ((i % 7) - 3) / 10));
  const x = b.input('x', F, [4, 16]);
  const [mm] = b.node('MatMul', [x, w('w', [16, 32])], {}, { name: 'mm' });
  const [add] = b.node('Add', [mm!, w('bias', [32])], {}, { name: 'bias' });
  const [relu] = b.node('Relu', [add!], {}, { name: 'relu' });
  const [mean] = b.node('ReduceMean', [relu!], { axes: [-1] }, { name: 'ln/mean' });
  const [sub] = b.node('Sub', [relu!, mean!], {}, { name: 'ln/sub' });
  const [pow] = b.node('Pow', [sub!, b.initializer('two', F, [], [2])], {}, { name: 'ln/pow' });
  const [var_] = b.node('ReduceMean', [pow!], { axes: [-1] }, { name: 'ln/var' });
  const [eps] = b.node('Add', [var_!, b.initializer('eps', F, [], [1e-5])], {}, { name: 'ln/eps' });
  const [sd] = b.node('Sqrt', [eps!], {}, { name: 'ln/sqrt' });
  const [div] = b.node('Div', [sub!, sd!], {}, { name: 'ln/div' });
  const [g] = b.node('Mul', [div!, w('gamma', [32])], {}, { name: 'ln/gamma' });
  const [be] = b.node('Add', [g!, w('beta', [32])], {}, { name: 'ln/beta' });
  const [d] = b.node('Div', [be!, b.initializer('sqrt2', F, [], [Math.SQRT2])], {}, { name: 'gelu/div' });
  const [erf] = b.node('Erf', [d!], {}, { name: 'gelu/erf' });
  const [one] = b.node('Add', [erf!, b.initializer('one', F, [], [1])], {}, { name: 'gelu/add' });
  const [mul] = b.node('Mul', [be!, one!], {}, { name: 'gelu/mul' });
  const [half] = b.node('Mul', [mul!, b.initializer('half', F, [], [0.5])], {}, { name: 'gelu/half' });
  b.output(half!, F, [4, 32]);
  const { plan, m } = await check(model, writeModel(model), 'patterns');
  assert.deepEqual(plan.kernels.map((k) => k.op).sort(), ['FusedGemm', 'Gelu', 'LayerNormalization']);
  assert.equal(m.agreement.same, m.agreement.total, JSON.stringify({ ortOnly: m.ortOnly.map((k) => k.opType), plannedOnly: m.plannedOnly.map((k) => k.op) }));
  assert.equal(m.matched.length, 3);
});

// The real models: the share of running nodes the plan groups exactly as ORT does (measured per model).
const FLOOR: Record<string, number> = {
  'ppocr-cls.onnx': 0.99, 'ppocr-det.onnx': 0.99, 'hello-deepa.onnx': 0.99, 'oww-embedding.onnx': 0.99, 'mlsd-tiny.onnx': 0.99, 'blazeface-front.onnx': 0.95, 'blazeface-back.onnx': 0.95,
  'oww-hey-jarvis.onnx': 0.9, 'silero-vad-legacy.onnx': 0.85, 'ppocr-rec.onnx': 0.85, 'oww-melspectrogram.onnx': 0.75, 'silero-vad-v5.onnx': 0.7, 'isnet-quint8.onnx': 0.99,
};

for (const entry of allModels().filter((e) => FLOOR[e.file] !== undefined)) {
  test(`${entry.file}: the planned kernels group the nodes as ONNX Runtime does (≥ ${(100 * FLOOR[entry.file]!).toFixed(0)} % of running nodes)`, { skip: entry.tier === 'bench' && !existsSync(join(__dirname, '../../.cache/models', entry.file)) }, async () => {
    const path = realModelPath(entry.file);
    const model = loadModelFile(path).model;
    const { m } = await check(model, path, entry.file, (entry.bindings ?? {}) as Bindings);
    const share = m.agreement.same / m.agreement.total;
    assert.ok(share >= FLOOR[entry.file]!, `${m.agreement.same}/${m.agreement.total} = ${(100 * share).toFixed(1)} %; ORT kernels not planned: ${m.ortOnly.slice(0, 5).map((k) => `${k.opType}[${k.nodes.map((n) => n.opType).join('+')}]`).join(', ')}`);
  });
}
