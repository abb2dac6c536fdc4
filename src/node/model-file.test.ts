// External data through the file host: read lazily, confined to the model's folder (symlinks
// resolved), checked against the file's size; and ONNX Runtime runs the same files.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExternalDataError, ModelFormatError } from '../core/errors';
import { newModel } from '../core/ir/builder';
import { DataType } from '../core/ir/data-type';
import { Tensor } from '../core/ir/tensor';
import { writeModel } from '../core/onnx/writer';
import { makeInputs, runOrt } from '../../test/support/ort';
import { loadModelFile } from './model-file';

/** y = x · W with W [4, 3] kept in `location` at `offset`. */
function externalModel(dir: string, location: string, offset = 0): string {
  const { model, b } = newModel('ext');
  const x = b.input('x', DataType.FLOAT, [2, 4]);
  const w = new Tensor('W', DataType.FLOAT, [4, 3], {
    kind: 'external',
    ref: { location, offset, length: 48, entries: [['location', location], ['offset', String(offset)], ['length', '48']] },
    reader: null,
  });
  model.graph.initializers.push(w);
  const wv = model.graph.define('W');
  wv.initializer = w;
  const [y] = b.node('MatMul', [x, wv], {}, { outputs: ['y'] });
  b.output(y!, DataType.FLOAT, [2, 3]);
  const path = join(dir, 'model.onnx');
  writeFileSync(path, writeModel(model));
  return path;
}

const weights = Float32Array.from({ length: 12 }, (_, i) => i + 1);

test('external weights are read only when asked, and correctly; ORT agrees', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-ext-'));
  const path = externalModel(dir, 'weights.bin', 8);
  const file = new Uint8Array(8 + 48);
  file.set(new Uint8Array(weights.buffer), 8);
  writeFileSync(join(dir, 'weights.bin'), file);
  const { model } = loadModelFile(path);
  const w = model.graph.initializers[0]!;
  assert.equal(w.isExternal, true);
  assert.equal(w.byteLength, 48);
  assert.deepEqual([...w.toNumbers()], [...weights]);
  const feeds = makeInputs([{ name: 'x', elemType: DataType.FLOAT, shape: [2, 4] }]);
  const out = await runOrt(path, feeds);
  const x = feeds.x!.data as Float32Array;
  const expect00 = x[0]! * 1 + x[1]! * 4 + x[2]! * 7 + x[3]! * 10;
  assert.ok(Math.abs((out.y!.data as Float32Array)[0]! - expect00) < 1e-5);
});

test('a missing or short external file is an ExternalDataError when the data is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-ext-'));
  const path = externalModel(dir, 'weights.bin');
  const { model } = loadModelFile(path); // loading does not touch the data
  assert.throws(() => model.graph.initializers[0]!.toNumbers(), (e: unknown) => e instanceof ExternalDataError && /does not exist/.test(e.message));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(20));
  assert.throws(() => model.graph.initializers[0]!.rawBytes(), (e: unknown) => e instanceof ExternalDataError && /has 20 bytes/.test(e.message));
});

test('a symlink that points outside the model folder is refused', () => {
  const outside = mkdtempSync(join(tmpdir(), 'll-outside-'));
  writeFileSync(join(outside, 'secret.bin'), new Uint8Array(48));
  const dir = mkdtempSync(join(tmpdir(), 'll-ext-'));
  mkdirSync(join(dir, 'data'));
  symlinkSync(join(outside, 'secret.bin'), join(dir, 'data', 'w.bin'));
  const path = externalModel(dir, 'data/w.bin');
  const { model } = loadModelFile(path);
  assert.throws(() => model.graph.initializers[0]!.rawBytes(), (e: unknown) => e instanceof ExternalDataError && /outside the model's folder/.test(e.message));
});

test('a folder or a missing path is a ModelFormatError naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-dir-'));
  assert.throws(() => loadModelFile(dir), (e: unknown) => e instanceof ModelFormatError && /is a folder/.test(e.message));
  assert.throws(() => loadModelFile(join(dir, 'nope.onnx')), (e: unknown) => e instanceof ModelFormatError && /ENOENT/.test(e.message));
});
