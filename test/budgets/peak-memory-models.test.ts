// Peak activation memory on the real models of test/models.json, checked against physics rather than
// against itself: every activation exists at some moment, so the peak is at least the largest node
// output that needs memory of its own (not a Reshape-like alias or an in-place activation, which
// share their input's), plus the graph inputs, live throughout; and no moment can hold more than every
// activation at once, so it is at most inputs + all node outputs (+ the largest body's own peak).
// The timeline must add up: each step's live bytes are the previous step's remainder plus what the
// node allocates (and a body's transient), and the last step leaves inputs + graph outputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { ALIAS_OPS, IN_PLACE_OPS } from '../../src/core/analysis/peak-memory';
import { storageBytes } from '../../src/core/ir/data-type';
import type { Value } from '../../src/core/ir/graph';
import { isConcrete } from '../../src/core/ir/shape';
import type { ShapeInference } from '../../src/core/shape/types';
import { loadModelFile } from '../../src/node/model-file';
import { manifest, realModelPath } from '../support/models';

function bytesOf(v: Value, shapes: ShapeInference): number {
  const t = shapes.typeOf(v);
  assert.ok(t?.kind === 'tensor' && isConcrete(t.shape), `${v.name} concrete`);
  return storageBytes(t.elemType, t.shape.reduce((a, d) => a * d, 1))!;
}

for (const m of manifest()) {
  test(`${m.file}: peak between the largest tensor and the sum of all; the timeline adds up`, () => {
    const { model } = loadModelFile(realModelPath(m.file));
    const { memory, shapes } = analyzeModel(model, { bindings: m.bindings ?? {} });
    const inputs = model.graph.inputs.filter((v) => !v.initializer);
    const inputBytes = inputs.reduce((s, v) => s + bytesOf(v, shapes), 0);
    const hasBodies = model.graph.nodes.some((n) => n.subgraphs().length > 0);
    if (memory.lowerBound) {
      // Only models whose shapes stay open may be lower bounds; say which, never a silent figure.
      assert.ok(memory.unknown.count > 0 && memory.unknown.examples.length > 0, 'a lower bound names its unknown tensors');
      return;
    }
    assert.equal(memory.inputBytes, inputBytes);
    let largest = 0;
    let all = 0;
    for (const n of model.graph.nodes) {
      if (n.opType === 'Constant') continue;
      for (const o of n.outputs) {
        if (!o) continue;
        const b = bytesOf(o, shapes);
        if (!ALIAS_OPS.has(n.opType) && !IN_PLACE_OPS.has(n.opType)) largest = Math.max(largest, b);
        all += b;
      }
    }
    const peak = memory.peakBytes!;
    assert.ok(peak >= inputBytes + largest || hasBodies, `peak ${peak} >= inputs ${inputBytes} + largest ${largest}`);
    if (!hasBodies) assert.ok(peak <= inputBytes + all, `peak ${peak} <= inputs + all outputs ${inputBytes + all}`);
    let prev = inputBytes;
    for (const s of memory.timeline) {
      if (!hasBodies) assert.equal(s.liveBytes, prev + s.allocatedBytes, `${s.node}: live = previous remainder + allocated`);
      assert.ok(s.afterBytes <= s.liveBytes && s.afterBytes >= inputBytes, s.node);
      prev = s.afterBytes;
    }
    assert.equal(Math.max(inputBytes, ...memory.timeline.map((s) => s.liveBytes)), peak);
    const outputs = new Set(model.graph.outputs.filter((v) => v.producer && v.producer.opType !== 'Constant'));
    assert.equal(prev, inputBytes + [...outputs].reduce((s, v) => s + bytesOf(v, shapes), 0), 'the end leaves inputs and outputs');
  });
}

test('a TFLite model: its stored operator order, no ORT buffer sharing, between the same bounds', () => {
  const { model } = loadModelFile(realModelPath('face-detection-short.tflite'));
  const { memory, shapes } = analyzeModel(model, {});
  assert.equal(memory.order, 'tflite-stored');
  assert.equal(memory.lowerBound, false, JSON.stringify(memory.unknown));
  const ran = model.graph.nodes.filter((n) => n.opType !== 'Constant').map((n) => n.displayName);
  assert.deepEqual(memory.timeline.map((s) => s.node), ran);
  assert.ok(memory.timeline.every((s) => s.reuse === undefined));
  const inputs = model.graph.inputs.filter((v) => !v.initializer).reduce((s, v) => s + bytesOf(v, shapes), 0);
  const outs = model.graph.nodes.flatMap((n) => n.outputs.filter((o) => o !== null).map((o) => bytesOf(o!, shapes)));
  assert.ok(memory.peakBytes! >= inputs + Math.max(...outs) && memory.peakBytes! <= inputs + outs.reduce((a, b) => a + b, 0), String(memory.peakBytes));
});
