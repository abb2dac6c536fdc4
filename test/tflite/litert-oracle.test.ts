// The real .tflite models run in LiteRT (LiteRT.js: TFLite's runtime as WebAssembly, in this Node
// process): the output shapes it actually produces must equal the graph outputs' shapes LayerLens
// reads and analyses, and its inputs the graph inputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { loadModelFile } from '../../src/node/model-file';
import { runLiteRt } from '../support/litert';
import { realModelPath } from '../support/models';

const FILES = ['face-detection-short.tflite', 'face-detection-full.tflite', 'face-detection-full-sparse.tflite', 'selfie-segmentation.tflite'];

for (const file of FILES) {
  test(`${file}: LiteRT's actual output shapes equal the analysed graph outputs`, async () => {
    const path = realModelPath(file);
    const loaded = loadModelFile(path);
    assert.equal(loaded.format, 'tflite');
    const { report } = analyzeModel(loaded.model);
    const run = await runLiteRt(new Uint8Array(readFileSync(path)));
    assert.deepEqual(run.inputs.map((i) => [i.name, i.shape]), report.inputs.map((i) => [i.name, i.shape]));
    assert.deepEqual(run.outputs.map((o) => [o.name, o.shape]), report.outputs.map((o) => [o.name, o.shape]));
    assert.ok(run.outputs.length > 0);
  });
}
