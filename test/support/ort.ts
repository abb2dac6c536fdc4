// onnxruntime-node for tests, in process: the independent oracle for output shapes and values.
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { DataType } from '../../src/core/ir/data-type';
import type { Model } from '../../src/core/ir/model';
import { isConcrete } from '../../src/core/ir/shape';
import type { ShapeInference } from '../../src/core/shape/types';

// Models that ORT rejects are expected in some tests: keep its own error log quiet.
ort.env.logLevel = 'fatal';

const ORT_TYPES: Partial<Record<DataType, ort.Tensor.Type>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.INT64]: 'int64',
  [DataType.INT32]: 'int32',
  [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8',
  [DataType.BOOL]: 'bool',
  [DataType.FLOAT16]: 'float16',
};

/** The model's graph inputs with their bound (concrete) shapes, as makeInputs takes them. */
export function boundInputs(model: Model, shapes: ShapeInference): { name: string; elemType: DataType; shape: number[] }[] {
  return model.graph.inputs
    .filter((v) => !v.initializer)
    .map((v) => {
      const t = shapes.typeOf(v);
      assert.ok(t?.kind === 'tensor' && isConcrete(t.shape), `input ${v.name} bound`);
      return { name: v.name, elemType: t.elemType, shape: [...t.shape] as number[] };
    });
}

/** Deterministic inputs of the given types and concrete shapes (values in [-1, 1), ints small). */
export function makeInputs(specs: { name: string; elemType: DataType; shape: number[] }[], seed = 1): Record<string, ort.Tensor> {
  let s = seed;
  const rand = (): number => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of specs) {
    const n = spec.shape.reduce((a, d) => a * d, 1);
    const type = ORT_TYPES[spec.elemType];
    if (!type) throw new Error(`no ORT type for input '${spec.name}' (${spec.elemType})`);
    let data: ort.Tensor.DataType;
    if (type === 'float32') data = Float32Array.from({ length: n }, () => rand() * 2 - 1);
    else if (type === 'float64') data = Float64Array.from({ length: n }, () => rand() * 2 - 1);
    else if (type === 'int64') data = BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rand() * 4)));
    else if (type === 'int32') data = Int32Array.from({ length: n }, () => Math.floor(rand() * 4));
    else if (type === 'bool') data = Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
    else data = Uint8Array.from({ length: n }, () => Math.floor(rand() * 4));
    feeds[spec.name] = new ort.Tensor(type, data, spec.shape);
  }
  return feeds;
}

export async function runOrt(model: Uint8Array | string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model as Uint8Array, { graphOptimizationLevel: 'disabled' });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

export { ort };
