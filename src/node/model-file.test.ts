// Model files and external data through the file host: only regular files, bounded by their size
// and by LAYERLENS_MAX_MODEL_MB; external data confined to the model's folder (symlinks resolved)
// and checked at load, read lazily; ONNX Runtime loads (or refuses) the same files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExternalDataError, ModelFormatError, ModelLimitError, UsageError } from '../core/errors';
import { newModel } from '../core/ir/builder';
import { DataType } from '../core/ir/data-type';
import { Tensor } from '../core/ir/tensor';
import { writeModel } from '../core/onnx/writer';
import { externalInit, modelBytes, node, tensorInfo } from '../../test/support/craft';
import { realModelPath, SAMPLE } from '../../test/support/models';
import { makeInputs, ort, runOrt } from '../../test/support/ort';
import { loadModelFile } from './model-file';
import { MAX_MODEL_MB_ENV, maxModelBytes } from './regular-file';

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

test('a missing or short external file is refused at load, naming the tensor, as ORT refuses it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-ext-'));
  const path = externalModel(dir, 'weights.bin');
  // ORT: "External data path does not exist"; LayerLens used to load it and fail only when the data was read.
  await assert.rejects(ort.InferenceSession.create(path), /External data path does not exist/);
  assert.throws(() => loadModelFile(path), (e: unknown) => e instanceof ExternalDataError && /tensor 'W' keeps its data in 'weights.bin', which does not exist next to the model/.test(e.message));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(20));
  await assert.rejects(ort.InferenceSession.create(path));
  assert.throws(() => loadModelFile(path), (e: unknown) => e instanceof ExternalDataError && /tensor 'W' wants bytes 0..48 of 'weights.bin', which has 20 bytes/.test(e.message));
});

test('a missing external file behind an initializer no node reads is a warning, as ORT loads that model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-ext-'));
  const path = join(dir, 'model.onnx');
  writeFileSync(path, modelBytes({ input: [tensorInfo('x', [2])], output: [tensorInfo('y', [2])], initializer: [externalInit('unused', [2], 'gone.bin')], node: [node('Relu', ['x'], ['y'])] }));
  await (await ort.InferenceSession.create(path)).release();
  const { model } = loadModelFile(path);
  assert.deepEqual(model.warnings, ["tensor 'unused' keeps its data in 'gone.bin', which does not exist next to the model; no node reads it (ONNX Runtime drops it), so the model is analysed without it"]);
});

test('a symlink that points outside the model folder is refused at load, as ORT refuses it', async () => {
  const outside = mkdtempSync(join(tmpdir(), 'll-outside-'));
  writeFileSync(join(outside, 'secret.bin'), new Uint8Array(48));
  const dir = mkdtempSync(join(tmpdir(), 'll-ext-'));
  mkdirSync(join(dir, 'data'));
  symlinkSync(join(outside, 'secret.bin'), join(dir, 'data', 'w.bin'));
  const path = externalModel(dir, 'data/w.bin');
  await assert.rejects(ort.InferenceSession.create(path), /External data path escapes model directory/);
  assert.throws(() => loadModelFile(path), (e: unknown) => e instanceof ExternalDataError && /outside the model's folder/.test(e.message));
  // A link inside the folder to a file inside it is fine.
  writeFileSync(join(dir, 'real.bin'), new Uint8Array(new Float32Array(weights).buffer));
  rmSync(join(dir, 'data', 'w.bin'));
  symlinkSync(join(dir, 'real.bin'), join(dir, 'data', 'w.bin'));
  assert.deepEqual([...loadModelFile(path).model.graph.initializers[0]!.toNumbers()], [...weights]);
});

test('external data that is a FIFO, a device or a folder is refused at load, without reading it', () => {
  for (const make of [
    (p: string) => execFileSync('mkfifo', [p]),
    (p: string) => symlinkSync('/dev/zero', p),
    (p: string) => mkdirSync(p),
  ]) {
    const dir = mkdtempSync(join(tmpdir(), 'll-ext-'));
    const path = externalModel(dir, 'w.bin');
    make(join(dir, 'w.bin'));
    const t0 = performance.now();
    assert.throws(() => loadModelFile(path), (e: unknown) => e instanceof ExternalDataError && /'w\.bin' (is a named pipe \(FIFO\)|is a folder|resolves to \/dev\/zero, outside the model's folder)/.test(e.message), String(make));
    assert.ok(performance.now() - t0 < 5_000);
  }
});

test('the model file itself: only a regular file (a symlink to one is fine), not a FIFO or a device', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-kind-'));
  symlinkSync('/dev/zero', join(dir, 'zero.onnx'));
  execFileSync('mkfifo', [join(dir, 'fifo.onnx')]);
  assert.throws(() => loadModelFile(join(dir, 'zero.onnx')), (e: unknown) => e instanceof ModelFormatError && /zero\.onnx \(a link to \/dev\/zero\) is a character device, not a regular file/.test(e.message));
  assert.throws(() => loadModelFile(join(dir, 'fifo.onnx')), (e: unknown) => e instanceof ModelFormatError && /fifo\.onnx is a named pipe \(FIFO\), not a regular file/.test(e.message));
  symlinkSync(SAMPLE, join(dir, 'link.onnx'));
  assert.equal(loadModelFile(join(dir, 'link.onnx')).model.graph.nodes.length, 15);
});

test('a file that holds more than its size said is refused, not read short: /proc files stat as 0 bytes', () => {
  // A regular file whose reads go past the size fstat gave (procfs reports 0): the same path as a
  // file that grows while it is read.
  assert.throws(() => loadModelFile('/proc/self/status'), (e: unknown) => e instanceof ModelFormatError && /\/status\) grew while it was read \(past 0 bytes\)/.test(e.message));
});

test('model files and external tensors above LAYERLENS_MAX_MODEL_MB are refused before reading; the limit can be raised', () => {
  const saved = process.env[MAX_MODEL_MB_ENV];
  try {
    const dir = mkdtempSync(join(tmpdir(), 'll-size-'));
    const big = join(dir, 'big.onnx');
    writeFileSync(big, '');
    truncateSync(big, 3 * 2 ** 30); // sparse: 3 GiB that take no disk
    delete process.env[MAX_MODEL_MB_ENV];
    assert.throws(() => loadModelFile(big), (e: unknown) => e instanceof ModelLimitError && /the model file .*big\.onnx is 3221225472 bytes, more than the limit of 1073741824 bytes \(1024 MiB\).*LAYERLENS_MAX_MODEL_MB/.test(e.message));
    const rec = realModelPath('ppocr-rec.onnx'); // 10.8 MB
    process.env[MAX_MODEL_MB_ENV] = '5';
    assert.throws(() => loadModelFile(rec), ModelLimitError);
    process.env[MAX_MODEL_MB_ENV] = '20';
    assert.equal(loadModelFile(rec).bytes.length, 10_822_323);
    // An external tensor is read on demand, under the same limit.
    const ext = mkdtempSync(join(tmpdir(), 'll-ext-'));
    const path = externalModel(ext, 'weights.bin');
    writeFileSync(join(ext, 'weights.bin'), new Uint8Array(48));
    const { model } = loadModelFile(path);
    process.env[MAX_MODEL_MB_ENV] = '0.00001'; // 10 bytes
    assert.throws(() => model.graph.initializers[0]!.rawBytes(), (e: unknown) => e instanceof ModelLimitError && /external data 'weights.bin' \(bytes from 0\) is 48 bytes/.test(e.message));
    process.env[MAX_MODEL_MB_ENV] = 'lots';
    assert.throws(() => maxModelBytes(), (e: unknown) => e instanceof UsageError && /LAYERLENS_MAX_MODEL_MB='lots'/.test(e.message));
    assert.equal(maxModelBytes({ [MAX_MODEL_MB_ENV]: '100000' }), 2 ** 31 - 1, 'capped at what protobuf can parse');
  } finally {
    if (saved === undefined) delete process.env[MAX_MODEL_MB_ENV];
    else process.env[MAX_MODEL_MB_ENV] = saved;
  }
});

test('a folder or a missing path is a ModelFormatError naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-dir-'));
  assert.throws(() => loadModelFile(dir), (e: unknown) => e instanceof ModelFormatError && /is a folder/.test(e.message));
  assert.throws(() => loadModelFile(join(dir, 'nope.onnx')), (e: unknown) => e instanceof ModelFormatError && /ENOENT/.test(e.message));
});
