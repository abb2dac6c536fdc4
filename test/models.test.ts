// Data-driven checks over the real models of test/models.json: what must hold for each one. Output
// shapes are compared with what ONNX Runtime actually returns; counts with figures derived from the
// files (node and parameter counts taken with Debian's python3-onnx, MACs by hand from weight dims).
// Bindings come from the manifest; bench-tier models (large, fetched by `npm run bench` only) run
// here only with LAYERLENS_BENCH_MODELS=1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeModel } from '../src/core/analysis/analyze';
import { DataType } from '../src/core/ir/data-type';
import type { Model } from '../src/core/ir/model';
import { isConcrete } from '../src/core/ir/shape';
import type { Bindings } from '../src/core/shape/types';
import { loadModelFile } from '../src/node/model-file';
import { manifestEntry, realModelPath } from './support/models';
import { boundInputs, makeInputs, runOrt } from './support/ort';

interface Expect {
  file: string;
  nodes: number;
  nestedNodes: number;
  /** Exact params where derived from the file (see the comment at the case); else a lower bound. */
  params?: number;
  minParams: number;
  minMacs: number;
  /** More bindings to try besides the manifest's: the outputs must follow them as ORT's do. */
  alsoBind?: Bindings[];
  /** A known gap, owned elsewhere: the case runs and reports, but does not fail the suite. */
  todo?: string;
}

const CASES: Expect[] = [
  { file: 'ppocr-cls.onnx', nodes: 471, nestedNodes: 0, minParams: 100_000, minMacs: 10e6 },
  { file: 'ppocr-rec.onnx', nodes: 765, nestedNodes: 0, minParams: 2e6, minMacs: 500e6 },
  // 1,171,841 float elements in Constant nodes read by some node, less 72 that are control inputs,
  // not weights: 24 Clips x 2 scalar bounds and 6 Resizes x 4 scales.
  { file: 'ppocr-det.onnx', nodes: 672, nestedNodes: 0, params: 1_171_769, minParams: 1e6, minMacs: 2e9, alsoBind: [{ inputs: { x: [1, 3, 320, 480] } }] },
  { file: 'hello-deepa.onnx', nodes: 29, nestedNodes: 0, minParams: 70_000, minMacs: 70_000 },
  // 271,401 float elements less the 3 scalar Clip bounds. MACs checked by hand below.
  { file: 'oww-melspectrogram.onnx', nodes: 29, nestedNodes: 0, params: 271_398, minParams: 0, minMacs: 0, alsoBind: [{ inputs: { input: [1, 1760] } }, { inputs: { input: [3, 16000] } }] },
  { file: 'oww-embedding.onnx', nodes: 65, nestedNodes: 0, params: 328_129, minParams: 0, minMacs: 40e6, alsoBind: [{ inputs: { input_1: [4, 76, 32, 1] } }] },
  // The verifier branch of the If reads outer-scope initializers: they are weights too.
  { file: 'oww-hey-jarvis.onnx', nodes: 33, nestedNodes: 30, minParams: 300_000, minMacs: 300_000 },
  { file: 'blazeface-front.onnx', nodes: 104, nestedNodes: 0, params: 100_412, minParams: 0, minMacs: 30e6 },
  { file: 'blazeface-back.onnx', nodes: 149, nestedNodes: 0, params: 134_704, minParams: 0, minMacs: 150e6 },
  // Its 3 Pads take pads from a constant Split -> Concat (folded since issue 10 item 6).
  { file: 'mlsd-tiny.onnx', nodes: 111, nestedNodes: 0, minParams: 600_000, minMacs: 80e6 },
];

const BENCH_CASES: Expect[] = [
  { file: 'isnet-quint8.onnx', nodes: 1084, nestedNodes: 0, minParams: 44e6, minMacs: 150e9 },
  { file: 'isnet-fp16.onnx', nodes: 734, nestedNodes: 0, minParams: 44e6, minMacs: 150e9 },
];

async function checkAgainstOrt(model: Model, path: string, bindings: Bindings): Promise<void> {
  const { shapes } = analyzeModel(model, { bindings });
  const out = await runOrt(readFileSync(path), makeInputs(boundInputs(model, shapes)));
  for (const v of model.graph.outputs) {
    assert.deepEqual(shapes.shapeOf(v), out[v.name]!.dims, `output ${v.name} with ${JSON.stringify(bindings)}`);
  }
}

function defineCase(c: Expect, skip: string | false): void {
  test(`${c.file}: node counts, every shape concrete, every node costed, outputs match ONNX Runtime`, { todo: c.todo, skip }, async () => {
    const path = realModelPath(c.file);
    const bindings = manifestEntry(c.file).bindings ?? {};
    const { model } = loadModelFile(path);
    const { report, shapes } = analyzeModel(model, { bindings });
    assert.equal(report.model.nodeCount, c.nodes);
    assert.equal(report.model.nestedNodeCount, c.nestedNodes);
    assert.equal(report.unknownOps.length, 0, JSON.stringify(report.unknownOps));
    const open: string[] = [];
    for (const n of model.graph.nodes) {
      for (const v of n.outputs) if (v && !isConcrete(shapes.shapeOf(v))) open.push(`${n.opType} ${v.name}: ${JSON.stringify(shapes.shapeOf(v))}`);
    }
    assert.deepEqual(open.slice(0, 5), [], `${open.length} outputs not concrete`);
    if (c.params !== undefined) assert.equal(report.totals.params, c.params);
    assert.ok(report.totals.params >= c.minParams, `params ${report.totals.params}`);
    assert.ok(report.totals.macs >= c.minMacs, `macs ${report.totals.macs}`);
    assert.ok(report.nodes.every((n) => n.macs !== null), 'every node costed');
    for (const b of [bindings, ...(c.alsoBind ?? [])]) await checkAgainstOrt(model, path, b);
  });
}

for (const c of CASES) defineCase(c, false);
for (const c of BENCH_CASES) {
  defineCase(c, process.env.LAYERLENS_BENCH_MODELS === '1' ? false : 'bench tier: fetch with `node scripts/fetch-models.mjs --tier bench`, run with LAYERLENS_BENCH_MODELS=1');
}

test('ppocr-cls: weights live in 250 unnamed Constant nodes and all of them count as params', () => {
  const { model } = loadModelFile(realModelPath('ppocr-cls.onnx'));
  assert.equal(model.graph.initializers.length, 0);
  const constants = model.graph.nodes.filter((n) => n.opType === 'Constant');
  assert.equal(constants.length, 250);
  // Independent count: every float Constant tensor that some node reads.
  let floats = 0;
  for (const n of constants) {
    const t = n.constantTensor!;
    if (t.dataType === DataType.FLOAT && n.outputs[0]!.uses.length > 0) floats += t.elementCount;
  }
  const { report } = analyzeModel(model, { bindings: manifestEntry('ppocr-cls.onnx').bindings });
  assert.equal(report.totals.params, floats);
});

test('silero-vad-v5: If bodies are inferred and costed; the 16 kHz branch reaches a concrete output', () => {
  const { model } = loadModelFile(realModelPath('silero-vad-v5.onnx'));
  const { report } = analyzeModel(model, { bindings: manifestEntry('silero-vad-v5.onnx').bindings });
  assert.equal(report.model.nodeCount, 5);
  assert.equal(report.model.nestedNodeCount, 684);
  const lstmOrConv = report.nodes.filter((n) => n.graph !== '' && n.opType === 'Conv' && n.macs !== null);
  assert.ok(lstmOrConv.length >= 4, 'convs inside the branches are costed');
  assert.ok(report.totals.macs > 0);
});

test('oww-melspectrogram: STFT as two strided Convs; the exporter-named output dims follow the input length', () => {
  const { model } = loadModelFile(realModelPath('oww-melspectrogram.onnx'));
  const { report, shapes } = analyzeModel(model, { bindings: { inputs: { input: [1, 1280] } } });
  // The output's dims are symbolic in the file ('time', 'Clipoutput_dim_2'); 1280 samples give
  // floor((1280 - 512) / 160) + 1 = 5 frames of 32 mel bins.
  assert.deepEqual(shapes.shapeOf(model.graph.outputs[0]!), [1, 1, 5, 32]);
  // Two Convs (real and imaginary) of 257 filters x 512 taps over 5 frames, then [5,257] x [257,32].
  assert.equal(report.totals.macs, 2 * 257 * 5 * 512 + 5 * 257 * 32);
});

test('blazeface-front: TF-style asymmetric pads and zero-channel Concat padding keep every shape; first Conv by hand', () => {
  const { model } = loadModelFile(realModelPath('blazeface-front.onnx'));
  const { report, shapes } = analyzeModel(model, { bindings: {} });
  const first = model.graph.nodes.find((n) => n.opType === 'Conv')!;
  // NHWC 1x128x128x3 transposed to NCHW; 24 filters 5x5, stride 2, pads [1,1,2,2] -> 64x64.
  assert.deepEqual(shapes.shapeOf(first.outputs[0]!), [1, 24, 64, 64]);
  assert.equal(report.nodes.find((n) => n.name === first.name)!.macs, 24 * 64 * 64 * 3 * 5 * 5);
  // The heads (Conv -> Transpose -> Reshape): 16x16 cells x 2 anchors + 8x8 cells x 6 anchors.
  assert.deepEqual(model.graph.outputs.map((v) => shapes.shapeOf(v)), [[1, 512, 1], [1, 384, 1], [1, 512, 16], [1, 384, 16]]);
});

test('oww-embedding: a tf2onnx export reshaping NHWC [N,76,32,1] to NCHW; first Conv by hand', () => {
  const { model } = loadModelFile(realModelPath('oww-embedding.onnx'));
  const { report, shapes } = analyzeModel(model, { bindings: manifestEntry('oww-embedding.onnx').bindings });
  const first = model.graph.nodes.find((n) => n.opType === 'Conv')!;
  // 24 filters 3x3 over 1 channel, pads [0,1,0,1]: 76 -> 74 rows, 32 -> 32 columns.
  assert.deepEqual(shapes.shapeOf(first.outputs[0]!), [1, 24, 74, 32]);
  assert.equal(report.nodes.find((n) => n.name === first.name)!.macs, 24 * 74 * 32 * 1 * 3 * 3);
});
