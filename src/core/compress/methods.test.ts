// The methods over subsets of layers: fp16 with only some layers in float16 runs in ORT and converts
// exactly those layers' weights; every method lists refused layers with reasons.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../analysis/analyze';
import { newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { writeModel } from '../onnx/writer';
import { cloneModel } from '../passes/graph-edit';
import { compressMethod } from './methods';
import { makeInputs, runOrt } from '../../../test/support/ort';

const F = DataType.FLOAT;

/** x → Conv a → Relu → Conv b → Add(constant from ConstantOfShape without a value: float zeros) → y. */
function twoConvs() {
  const { model, b } = newModel('two-convs', [{ domain: '', version: 13 }]);
  const x = b.input('x', F, [1, 4, 6, 6]);
  const w = (name: string) => b.initializer(name, F, [4, 4, 3, 3], Array.from({ length: 144 }, (_, i) => Math.sin(i * 0.7) / 3));
  const [h] = b.node('Conv', [x, w('wa')], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'a' });
  const [r] = b.node('Relu', [h!], {}, { name: 'relu' });
  const [k] = b.node('Conv', [r!, w('wb')], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'b' });
  const shape = b.initializer('shape', DataType.INT64, [4], [1, 4, 6, 6]);
  const [z] = b.node('ConstantOfShape', [shape], {}, { name: 'zeros' });
  const [y] = b.node('Add', [k!, z!], {}, { name: 'add', outputs: ['y'] });
  b.output(y!, F, [1, 4, 6, 6]);
  return model;
}

test('fp16 on one layer: only its weights become float16, the rest stays float, and ORT runs it close to the original', async () => {
  const model = twoConvs();
  const m = compressMethod('fp16');
  const layers = m.layers(model, analyzeModel(model).cost);
  assert.deepEqual(layers.map((l) => [l.name, l.ok]), [['a', true], ['b', true]]);
  for (const chosen of [['a'], ['a', 'b']]) {
    const c = cloneModel(model);
    m.compress(c, chosen, 'combined');
    const half = c.graph.initializers.filter((t) => t.dataType === DataType.FLOAT16).map((t) => t.name).sort();
    assert.deepEqual(half, chosen.map((n) => `w${n}`).sort(), `float16 weights for ${chosen}`);
    assert.equal(c.graph.nodes.find((n) => n.name === 'relu')!.inputs[0]!.producer!.opType, 'Cast', 'the Relu (kept in float) reads a Cast up');
    const inputs = [{ name: 'x', elemType: F, shape: [1, 4, 6, 6] }];
    const a = (await runOrt(writeModel(model), makeInputs(inputs, 3))).y!.data as Float32Array;
    const b = (await runOrt(writeModel(c), makeInputs(inputs, 3))).y!.data as Float32Array;
    const scale = Math.max(...Array.from(a, Math.abs));
    const err = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!))) / scale;
    assert.ok(err > 0 && err < 5e-3, `${chosen}: max rel error ${err}`);
  }
});

test('int8 lists its layers with the refusal reasons; low-rank says why a layer does not pay', () => {
  const model = twoConvs();
  const cost = analyzeModel(model).cost;
  const q = compressMethod('int8-static', { ranges: new Map([['x', { min: -1, max: 1 }]]) }).layers(model, cost);
  assert.deepEqual(q.map((l) => [l.name, l.ok]), [['a', true], ['b', false]]);
  assert.match(q[1]!.reason!, /no calibrated range for 'relu_out'/);
  assert.ok(q[0]!.gain.size > 0 && q[0]!.sizeBytes === 576);
  const lr = compressMethod('low-rank', { lowRank: { rank: 4 } }).layers(model, cost);
  assert.match(lr[0]!.reason!, /Conv 'a' has only 144 weights: factoring would not pay off/);
});
