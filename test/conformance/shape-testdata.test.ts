// Shape inference against ONNX's operator test suite (Debian's libonnx-testdata): for every model
// ONNX Runtime can load, every graph output's inferred shape must equal the dims of the expected
// output in test_data_set_0. Prints the share; asserts at least 95 %.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readModel } from '../../src/core/onnx/reader';
import { inferShapes } from '../../src/core/shape';
import { ort } from '../support/ort';
import { testCases } from '../support/testdata';

test('libonnx-testdata: output shapes inferred exactly for >= 95 % of the models ORT runs', async () => {
  let loadable = 0;
  let exact = 0;
  const misses: string[] = [];
  for (const c of testCases()) {
    const bytes = readFileSync(c.modelPath);
    const model = readModel(bytes);
    // Only tensor outputs with expected data are comparable.
    if (c.outputs.length !== model.graph.outputs.length || !model.graph.outputs.every((v) => v.type?.kind === 'tensor')) continue;
    try {
      const s = await ort.InferenceSession.create(bytes);
      await s.release();
    } catch {
      continue; // ORT cannot load it (old opsets, training ops): not counted
    }
    loadable++;
    // Bind symbolic graph inputs to the test data's shapes, as a user would with --input.
    const inputs: Record<string, number[]> = {};
    const real = model.graph.inputs.filter((v) => !v.initializer);
    c.inputs.forEach((t, i) => {
      const v = real[i];
      if (v?.type?.kind === 'tensor' && v.type.shape?.some((d) => typeof d !== 'number')) inputs[v.name] = t.dims.map(Number);
    });
    const shapes = inferShapes(model, { inputs });
    const ok = model.graph.outputs.every((v, i) => {
      const got = shapes.shapeOf(v);
      const want = c.outputs[i]!.dims.map(Number);
      return !!got && got.length === want.length && got.every((d, k) => d === want[k]);
    });
    if (ok) exact++;
    else misses.push(c.name);
  }
  const share = exact / loadable;
  console.log(`shape inference: ${exact}/${loadable} ORT-loadable testdata models exact (${(100 * share).toFixed(1)} %); misses: ${misses.join(', ')}`);
  assert.ok(loadable > 900, `only ${loadable} models loaded in ORT`);
  assert.ok(share >= 0.95, `${(100 * share).toFixed(1)} % < 95 %`);
});
