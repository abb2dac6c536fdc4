// Weights stay in the model file: loading and analysing a model reads its headers, not its weights
// (counted through the file reader); a weight is read when asked for, bitwise what a whole-file read
// gives; and a model file or external data file changed since the model was loaded is refused with
// a FileChangedError on the next read, never read as other bytes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeModel } from '../core/analysis/analyze';
import { FileChangedError } from '../core/errors';
import { newModel } from '../core/ir/builder';
import { DataType } from '../core/ir/data-type';
import type { Model } from '../core/ir/model';
import { Tensor } from '../core/ir/tensor';
import { FOLD_LIMITS } from '../core/shape/limits';
import { readModel } from '../core/onnx/reader';
import { writeModel } from '../core/onnx/writer';
import { manifest, realModelPath } from '../../test/support/models';
import { tensorSlots } from './files/model-tensors';
import { loadModelFile, WHOLE_FILE_MAX } from './model-file';

/** Bytes of `model`'s tensors left in the file, how many tensors, and the bytes of those small enough for shape inference to fold. */
function inFile(model: Model): { bytes: number; count: number; foldable: number } {
  const seen = new Set<Tensor>();
  let bytes = 0;
  let foldable = 0;
  for (const { tensor } of tensorSlots(model)) {
    if (seen.has(tensor) || tensor.storage.kind !== 'in-file') continue;
    seen.add(tensor);
    bytes += tensor.storage.ref.length;
    if (tensor.elementCount <= FOLD_LIMITS.maxValueElements) foldable += tensor.storage.ref.length;
  }
  return { bytes, count: seen.size, foldable };
}

/** A 4-layer MLP with 1 MiB float weights (512×512), written to a fresh folder (4.2 MB: above WHOLE_FILE_MAX). */
function mlp(): string {
  const { model, b } = newModel('mlp', [{ domain: '', version: 17 }]);
  let x = b.input('x', DataType.FLOAT, ['batch', 512]);
  for (let i = 0; i < 4; i++) {
    const w = b.initializer(`w${i}`, DataType.FLOAT, [512, 512], Float32Array.from({ length: 512 * 512 }, (_, k) => Math.sin(k + i)));
    const [y] = b.node('MatMul', [x, w], {}, { name: `mm${i}` });
    const [r] = b.node('Relu', [y!], {}, { name: `relu${i}` });
    x = r!;
  }
  b.output(x, DataType.FLOAT, ['batch', 512]);
  const dir = mkdtempSync(join(tmpdir(), 'll-lazy-'));
  const path = join(dir, 'mlp.onnx');
  writeFileSync(path, writeModel(model));
  return path;
}

test('loading and analysing a model reads its headers, not its 4 MiB of weights; a weight is read when asked for', () => {
  const path = mlp();
  const size = readFileSync(path).length;
  assert.ok(size > WHOLE_FILE_MAX, 'large enough for the pass');
  const loaded = loadModelFile(path);
  const left = inFile(loaded.model);
  assert.equal(left.count, 4);
  assert.equal(left.bytes, 4 * 2 ** 20);
  const loadRead = loaded.file.bytesRead;
  assert.ok(loadRead <= size - left.bytes + (left.count + 1) * 8192, `read ${loadRead} bytes of a ${size}-byte file to load it`);
  const { report } = analyzeModel(loaded.model, { bindings: { dims: { batch: 1 } } });
  assert.equal(report.totals.params, 4 * 512 * 512, 'parameters counted from the dims');
  assert.equal(loaded.file.bytesRead, loadRead, 'the analysis read nothing more');
  const w2 = loaded.model.graph.initializers[2]!;
  assert.ok(Buffer.from(w2.rawBytes()).equals(readModel(readFileSync(path)).graph.initializers[2]!.rawBytes()));
  assert.equal(loaded.file.bytesRead, loadRead + 2 ** 20, 'one weight read: exactly its bytes');
});

test('real models: loading reads little more than the file without its weights; the analysis reads only constants shape inference folds', () => {
  for (const m of manifest()) {
    const loaded = loadModelFile(realModelPath(m.file), { wholeFileMax: 0 }); // small ones too
    const left = inFile(loaded.model);
    const loadRead = loaded.file.bytesRead;
    assert.ok(loadRead <= loaded.size - left.bytes + (left.count + 1) * 8192 + 256 * 1024, `${m.file}: read ${loadRead} of ${loaded.size} bytes to load it`);
    analyzeModel(loaded.model, { bindings: m.bindings ?? {} });
    // Shape inference folds constants of at most FOLD_LIMITS.maxValueElements elements (e.g. silero's
    // LSTM biases, sliced into gates): those it may read, once each; no larger weight is read.
    const analysisRead = loaded.file.bytesRead - loadRead;
    assert.ok(analysisRead <= left.foldable, `${m.file}: the analysis read ${analysisRead} bytes of weights (foldable ones: ${left.foldable})`);
  }
});

test('a model file changed after loading is refused on the next weight read (rewritten, resized or replaced), never read as other bytes; a small file read whole is unaffected', () => {
  const path = mlp();
  const original = readFileSync(path);
  const later = new Date(Date.now() + 60_000);

  // Rewritten in place, same size, other bytes.
  let model = loadModelFile(path).model;
  const flipped = Buffer.from(original);
  flipped[flipped.length - 10]! ^= 0xff;
  writeFileSync(path, flipped);
  utimesSync(path, later, later);
  assert.throws(() => model.graph.initializers[0]!.rawBytes(), (e: unknown) => e instanceof FileChangedError && /mlp\.onnx changed on disk after it was loaded \(it was rewritten \(its modification time changed\)\).*load the model again/.test(e.message));

  // Truncated.
  writeFileSync(path, original);
  model = loadModelFile(path).model;
  truncateSync(path, original.length - 100);
  assert.throws(() => model.graph.initializers[3]!.toNumbers(), (e: unknown) => e instanceof FileChangedError && new RegExp(`its size went from ${original.length} to ${original.length - 100} bytes`).test(e.message));

  // Replaced by a copy (the same bytes, another file): still refused, as it may not be.
  writeFileSync(path, original);
  model = loadModelFile(path).model;
  writeFileSync(`${path}.new`, original);
  renameSync(`${path}.new`, path);
  assert.throws(() => model.graph.initializers[1]!.rawBytes(), (e: unknown) => e instanceof FileChangedError && /it was replaced by another file/.test(e.message));

  // Saving the changed model's copy fails the same way (the writer reads the weights).
  assert.throws(() => writeModel(model), FileChangedError);
  // Removed.
  model = loadModelFile(path).model;
  renameSync(path, `${path}.moved`);
  assert.throws(() => model.graph.initializers[0]!.rawBytes(), (e: unknown) => e instanceof FileChangedError && /it cannot be opened \(ENOENT\)/.test(e.message));
  renameSync(`${path}.moved`, path);
  // Loaded again, all is well.
  assert.equal(loadModelFile(path).model.graph.initializers[1]!.rawBytes().length, 2 ** 20);
  // Read whole (below the size a pass pays off), the model keeps its bytes: a change is not its concern.
  const whole = loadModelFile(path, { wholeFileMax: original.length }).model;
  truncateSync(path, 0);
  assert.equal(whole.graph.initializers[1]!.rawBytes().length, 2 ** 20);
});

test('an external data file changed after loading is refused on the next read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-lazy-ext-'));
  const { model, b } = newModel('ext', [{ domain: '', version: 17 }]);
  const x = b.input('x', DataType.FLOAT, [1, 4]);
  const entries: [string, string][] = [['location', 'w.bin'], ['offset', '0'], ['length', '64']];
  const t = new Tensor('w', DataType.FLOAT, [4, 4], { kind: 'external', ref: { location: 'w.bin', offset: 0, length: 64, entries }, reader: null });
  model.graph.initializers.push(t);
  const w = model.graph.define('w');
  w.initializer = t;
  const [y] = b.node('MatMul', [x, w], {}, { name: 'mm' });
  b.output(y!, DataType.FLOAT, [1, 4]);
  writeFileSync(join(dir, 'm.onnx'), writeModel(model));
  const data = new Float32Array(16).map((_, i) => i);
  writeFileSync(join(dir, 'w.bin'), new Uint8Array(data.buffer));
  const loaded = loadModelFile(join(dir, 'm.onnx')).model;
  assert.deepEqual([...loaded.graph.initializers[0]!.toNumbers()], [...data]);
  const again = loadModelFile(join(dir, 'm.onnx')).model;
  writeFileSync(join(dir, 'w.bin'), new Uint8Array(new Float32Array(16).fill(7).buffer));
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(dir, 'w.bin'), later, later);
  assert.throws(() => again.graph.initializers[0]!.rawBytes(), (e: unknown) => e instanceof FileChangedError && /external data 'w\.bin' .* changed on disk after the model was loaded/.test(e.message));
});
