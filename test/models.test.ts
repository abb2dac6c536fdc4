// Data-driven checks over the real models of test/models.json: what must hold for each one. Output
// shapes are compared with what ONNX Runtime actually returns; counts with figures derived from the
// files (node counts, weights held in Constant nodes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeModel } from '../src/core/analysis/analyze';
import { DataType } from '../src/core/ir/data-type';
import { isConcrete } from '../src/core/ir/shape';
import { loadModelFile } from '../src/node/model-file';
import { realModelPath } from './support/models';
import { makeInputs, runOrt } from './support/ort';

interface Expect {
  file: string;
  bindings: { inputs?: Record<string, number[]>; dims?: Record<string, number> };
  nodes: number;
  nestedNodes: number;
  /** Extra inputs ORT needs that are not bound by shape (scalars). */
  feeds?: Record<string, { elemType: DataType; shape: number[]; value?: number }>;
  minParams: number;
  minMacs: number;
}

const CASES: Expect[] = [
  { file: 'ppocr-cls.onnx', bindings: { inputs: { x: [1, 3, 48, 192] } }, nodes: 471, nestedNodes: 0, minParams: 100_000, minMacs: 10e6 },
  { file: 'ppocr-rec.onnx', bindings: { inputs: { x: [1, 3, 48, 320] } }, nodes: 765, nestedNodes: 0, minParams: 2e6, minMacs: 500e6 },
  { file: 'hello-deepa.onnx', bindings: {}, nodes: 29, nestedNodes: 0, minParams: 70_000, minMacs: 70_000 },
];

for (const c of CASES) {
  test(`${c.file}: node counts, every shape concrete, outputs match ONNX Runtime`, async () => {
    const path = realModelPath(c.file);
    const { model } = loadModelFile(path);
    const { report, shapes } = analyzeModel(model, { bindings: c.bindings });
    assert.equal(report.model.nodeCount, c.nodes);
    assert.equal(report.model.nestedNodeCount, c.nestedNodes);
    assert.equal(report.unknownOps.length, 0, JSON.stringify(report.unknownOps));
    for (const n of model.graph.nodes) {
      for (const v of n.outputs) if (v) assert.ok(isConcrete(shapes.shapeOf(v)), `${n}: output ${v.name} shape ${JSON.stringify(shapes.shapeOf(v))}`);
    }
    assert.ok(report.totals.params >= c.minParams, `params ${report.totals.params}`);
    assert.ok(report.totals.macs >= c.minMacs, `macs ${report.totals.macs}`);
    assert.ok(report.nodes.every((n) => n.macs !== null), 'every node costed');

    const specs = model.graph.inputs
      .filter((v) => !v.initializer)
      .map((v) => {
        const t = shapes.typeOf(v);
        assert.ok(t?.kind === 'tensor' && isConcrete(t.shape));
        return { name: v.name, elemType: t.elemType, shape: [...t.shape] as number[] };
      });
    const out = await runOrt(readFileSync(path), makeInputs(specs));
    for (const v of model.graph.outputs) {
      assert.deepEqual(shapes.shapeOf(v), out[v.name]!.dims, `output ${v.name}`);
    }
  });
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
  const { report } = analyzeModel(model, { bindings: { inputs: { x: [1, 3, 48, 192] } } });
  assert.equal(report.totals.params, floats);
});

test('silero-vad-v5: If bodies are inferred and costed; the 16 kHz branch reaches a concrete output', () => {
  const { model } = loadModelFile(realModelPath('silero-vad-v5.onnx'));
  const { report } = analyzeModel(model, { bindings: { inputs: { input: [1, 576], state: [2, 1, 128] } } });
  assert.equal(report.model.nodeCount, 5);
  assert.equal(report.model.nestedNodeCount, 684);
  const lstmOrConv = report.nodes.filter((n) => n.graph !== '' && n.opType === 'Conv' && n.macs !== null);
  assert.ok(lstmOrConv.length >= 4, 'convs inside the branches are costed');
  assert.ok(report.totals.macs > 0);
});
