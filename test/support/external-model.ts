// A small model whose weight lives in an external data file, for the write-path suites:
// x[2,4] -> MatMul(W, external) -> Identity -> y, so `--fuse` (fuse-identity) rewrites it and the
// result keeps W in external data. `prefix` bytes of other data may sit before W in the file, so
// that a data file written by LayerLens (W at offset 0) differs from the original.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import { Tensor } from '../../src/core/ir/tensor';
import { writeModel } from '../../src/core/onnx/writer';
import { makeInputs, runOrt } from './ort';

export const W_VALUES = Float32Array.from({ length: 12 }, (_, i) => (i - 5) / 4);

/** Writes `<dir>/<name>` and its data file `<dir>/<location>`; returns the model's path. */
export function externalModel(dir: string, o: { name?: string; location?: string; prefix?: number; scale?: number } = {}): string {
  const loc = o.location ?? 'weights.bin';
  const prefix = o.prefix ?? 0;
  const { model, b } = newModel('ext');
  const x = b.input('x', DataType.FLOAT, [2, 4]);
  const w = new Tensor('W', DataType.FLOAT, [4, 3], { kind: 'external', ref: { location: loc, offset: prefix, length: 48, entries: [['location', loc], ['offset', String(prefix)], ['length', '48']] }, reader: null });
  model.graph.initializers.push(w);
  const wv = model.graph.define('W');
  wv.initializer = w;
  const [m] = b.node('MatMul', [x, wv], {}, { name: 'mm' });
  const [y] = b.node('Identity', [m!], {}, { name: 'id', outputs: ['y'] });
  b.output(y!, DataType.FLOAT, [2, 3]);
  const data = new Uint8Array(prefix + 48);
  data.fill(0x3f, 0, prefix); // other floats (0.747…) before W
  data.set(new Uint8Array(W_VALUES.map((v) => v * (o.scale ?? 1)).buffer), prefix);
  writeFileSync(join(dir, loc), data);
  const path = join(dir, o.name ?? 'in.onnx');
  writeFileSync(path, writeModel(model));
  return path;
}

/** The model's output y for a fixed input, from ONNX Runtime reading the file (and its data) from disk. */
export async function outputOf(path: string): Promise<number[]> {
  const out = await runOrt(path, makeInputs([{ name: 'x', elemType: DataType.FLOAT, shape: [2, 4] }], 5));
  return Array.from(out.y!.data as Float32Array);
}

/**
 * x[1,n] -> MatMul(W[n,n], external in `<name>.data`) -> Identity -> y: 4·n² bytes of weights, for
 * writes that take a while or do not fit.
 */
export function bigExternalModel(dir: string, n: number, name = 'big.onnx'): string {
  const loc = `${name}.data`;
  const { model, b } = newModel('big');
  const x = b.input('x', DataType.FLOAT, [1, n]);
  const bytes = 4 * n * n;
  const w = new Tensor('W', DataType.FLOAT, [n, n], { kind: 'external', ref: { location: loc, offset: 0, length: bytes, entries: [['location', loc], ['offset', '0'], ['length', String(bytes)]] }, reader: null });
  model.graph.initializers.push(w);
  const wv = model.graph.define('W');
  wv.initializer = w;
  const [m] = b.node('MatMul', [x, wv], {}, { name: 'mm' });
  const [y] = b.node('Identity', [m!], {}, { name: 'id', outputs: ['y'] });
  b.output(y!, DataType.FLOAT, [1, n]);
  writeFileSync(join(dir, loc), new Uint8Array(Float32Array.from({ length: n * n }, (_, i) => ((i % 97) - 48) / 64).buffer));
  const path = join(dir, name);
  writeFileSync(path, writeModel(model));
  return path;
}
