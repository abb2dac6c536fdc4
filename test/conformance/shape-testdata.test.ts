// Shape inference against ONNX's operator test suite (Debian's libonnx-testdata): for every model
// ONNX Runtime can load, every graph output's inferred shape must equal the dims of the expected
// output in test_data_set_0 (prints the share; asserts at least 95 %); and in every model of two or
// more nodes, every intermediate tensor ORT computes on the test data must have exactly ORT's shape,
// unknown only where it depends on the values of an integer or bool input.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DataType, isFloatType } from '../../src/core/ir/data-type';
import type { Value } from '../../src/core/ir/graph';
import { formatShape, isConcrete } from '../../src/core/ir/shape';
import { readModel, tensorFromProto } from '../../src/core/onnx/reader';
import { inferShapes } from '../../src/core/shape';
import { ort } from '../support/ort';
import { testCases } from '../support/testdata';
import { observeShapes } from './shape-oracle';

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

const ORT_TYPES: Partial<Record<number, [ort.Tensor.Type, new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView]>> = {
  [DataType.FLOAT]: ['float32', Float32Array], [DataType.DOUBLE]: ['float64', Float64Array],
  [DataType.INT64]: ['int64', BigInt64Array], [DataType.INT32]: ['int32', Int32Array], [DataType.INT8]: ['int8', Int8Array],
  [DataType.UINT8]: ['uint8', Uint8Array], [DataType.BOOL]: ['bool', Uint8Array],
};

/** True when `v` is computed from the values (not only the shape) of an integer or bool graph input. */
function fromIntegerInputValues(v: Value, seen = new Set<Value>()): boolean {
  if (seen.has(v)) return false;
  seen.add(v);
  const t = v.type;
  if (v.isGraphInput() && !v.initializer) return t?.kind !== 'tensor' || !isFloatType(t.elemType);
  const p = v.producer;
  if (!p || p.opType === 'Shape' || p.opType === 'Size') return false;
  return p.inputs.some((i) => i && fromIntegerInputValues(i, seen));
}

test('libonnx-testdata: every intermediate tensor of the multi-node models has ORT\'s shape', async () => {
  let models = 0;
  let tensors = 0;
  let known = 0;
  const wrong: string[] = [];
  for (const c of testCases()) {
    const bytes = readFileSync(c.modelPath);
    const model = readModel(bytes);
    const real = model.graph.inputs.filter((v) => !v.initializer);
    if (model.graph.nodes.length < 2 || c.inputs.length !== real.length) continue;
    const inputs: Record<string, number[]> = {};
    const feeds: Record<string, ort.Tensor> = {};
    const usable = c.inputs.every((p, i) => {
      const v = real[i]!;
      let t;
      try {
        t = tensorFromProto(p, null);
      } catch {
        return false; // test data our reader refuses (covered by the reader's own tests)
      }
      const spec = ORT_TYPES[t.dataType];
      if (!spec || t.storage.kind === 'string') return false;
      if (v.type?.kind === 'tensor' && v.type.shape?.some((d) => typeof d !== 'number')) inputs[v.name] = [...t.dims];
      const raw = new Uint8Array(t.rawBytes()); // a copy at offset 0 (a Buffer's slice() is a view)
      feeds[v.name] = new ort.Tensor(spec[0], new spec[1](raw.buffer, 0, t.elementCount) as Float32Array, [...t.dims]);
      return true;
    });
    if (!usable) continue;
    let observed;
    try {
      observed = await observeShapes(bytes, model, feeds);
    } catch {
      continue; // ORT cannot load or run it
    }
    models++;
    const shapes = inferShapes(model, { inputs });
    for (const o of observed) {
      tensors++;
      const got = shapes.shapeOf(o.value);
      if (isConcrete(got)) {
        known++;
        if (got.length !== o.dims.length || got.some((d, k) => d !== o.dims[k])) wrong.push(`${c.name} ${o.node}: ${formatShape(got)} vs ORT ${formatShape(o.dims)}`);
      } else if (!fromIntegerInputValues(o.value)) {
        wrong.push(`${c.name} ${o.node}: unknown ${formatShape(got)}, ORT ${formatShape(o.dims)}`);
      }
    }
  }
  console.log(`intermediate shapes: ${known}/${tensors} tensors of ${models} multi-node testdata models known (the rest depend on integer input values)`);
  assert.ok(models > 100, `${models} models`);
  assert.deepEqual(wrong, []);
});
