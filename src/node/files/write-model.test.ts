// The write path without ONNX Runtime: which writes it refuses (every file the input reads, found
// through links and aliased folders), and what a commit leaves (the data file named after the final
// file, the model naming it, no private file). End-to-end runs in ORT are in test/passes/optimize-cli
// and test/server/write-path.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WriteConflictError } from '../../core/errors';
import { newModel } from '../../core/ir/builder';
import { DataType } from '../../core/ir/data-type';
import { Tensor } from '../../core/ir/tensor';
import { readModel } from '../../core/onnx/reader';
import { writeModel } from '../../core/onnx/writer';
import { loadModelFile } from '../model-file';
import { checkWrites, commitCandidate, discardCandidate, filesReadBy, stageCandidate, writeVerified } from './write-model';

const F = DataType.FLOAT;
const W = Float32Array.from({ length: 12 }, (_, i) => i + 0.5);

/** `dir/name` whose weight W sits at `offset` of `dir/location`. */
function model(dir: string, name: string, location: string, offset = 0): string {
  const { model: m, b } = newModel('w');
  const x = b.input('x', F, [2, 4]);
  const w = new Tensor('W', F, [4, 3], { kind: 'external', ref: { location, offset, length: 48, entries: [['location', location], ['offset', String(offset)], ['length', '48']] }, reader: null });
  m.graph.initializers.push(w);
  const wv = m.graph.define('W');
  wv.initializer = w;
  const [y] = b.node('MatMul', [x, wv], {}, { name: 'mm', outputs: ['y'] });
  b.output(y!, F, [2, 3]);
  const bytes = new Uint8Array(offset + 48);
  bytes.set(new Uint8Array(W.buffer), offset);
  writeFileSync(join(dir, location), bytes);
  writeFileSync(join(dir, name), writeModel(m));
  return join(dir, name);
}

const refused = (f: () => unknown, why: RegExp): void => assert.throws(f, (e: Error) => e instanceof WriteConflictError && why.test(e.message) && e.name === 'WriteConflictError');

test('a write is refused when it would replace a file the input reads: its data, through a link, through an aliased folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-wm-'));
  const a = model(dir, 'a.onnx', 'b.onnx.data', 64);
  const input = filesReadBy(a, loadModelFile(a).model);
  assert.equal(input.bytes, readFileSync(a).length + 64 + 48);
  refused(() => checkWrites(join(dir, 'b.onnx'), { input, inPlace: false, withData: true }), /b\.onnx\.data would be replaced by the result's external data, but .*a\.onnx reads it/);
  checkWrites(join(dir, 'b.onnx'), { input, inPlace: false, withData: false }); // no data file written: no clash
  refused(() => checkWrites(join(dir, 'b.onnx.data'), { input, inPlace: false, withData: false }), /b\.onnx\.data would be replaced by the result,/);
  refused(() => checkWrites(a, { input, inPlace: false, withData: false }), /is the model being rewritten/);
  // The same folder under another name (a link to it).
  const alias = join(mkdtempSync(join(tmpdir(), 'll-wm-alias-')), 'same');
  symlinkSync(dir, alias);
  refused(() => checkWrites(join(alias, 'b.onnx'), { input, inPlace: false, withData: true }), /would be replaced/);
  refused(() => checkWrites(join(dir, 'sub', '..', 'b.onnx'), { input, inPlace: false, withData: true }), /would be replaced/);

  // The data file named through a link: the link and the file it points to are both read.
  const dir2 = mkdtempSync(join(tmpdir(), 'll-wm-link-'));
  const c = model(dir2, 'c.onnx', 'store.bin');
  const linked = join(dir2, 'c2.onnx');
  const { model: m } = loadModelFile(c);
  const t = m.graph.initializers[0]!;
  if (t.storage.kind !== 'external') throw new Error('external expected');
  t.storage.ref.location = 'w.bin';
  t.storage.ref.entries = [['location', 'w.bin'], ['offset', '0'], ['length', '48']];
  writeFileSync(linked, writeModel(m));
  symlinkSync('store.bin', join(dir2, 'w.bin'));
  const input2 = filesReadBy(linked, loadModelFile(linked).model);
  refused(() => checkWrites(join(dir2, 'w.bin'), { input: input2, inPlace: false, withData: false }), /w\.bin would be replaced by the result/);
  refused(() => checkWrites(join(dir2, 'store.bin'), { input: input2, inPlace: false, withData: false }), /store\.bin would be replaced by the result/);
  symlinkSync('store.bin', join(dir2, 'out.onnx.data')); // OUT.data is a link to what the input reads: the rename replaces the link only
  checkWrites(join(dir2, 'out.onnx'), { input: input2, inPlace: false, withData: true });
});

test('in place: refused when the input keeps its weights in IN.data (its .bak needs them), allowed otherwise', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-wm-inplace-'));
  const own = model(dir, 'own.onnx', 'own.onnx.data');
  refused(() => checkWrites(own, { input: filesReadBy(own, loadModelFile(own).model), inPlace: true, withData: true }), /own\.onnx\.data would be replaced by the result's external data, but .*own\.onnx \(kept as own\.onnx\.bak\) reads it .*write the result to a new file instead/);
  const other = model(dir, 'other.onnx', 'weights.bin');
  checkWrites(other, { input: filesReadBy(other, loadModelFile(other).model), inPlace: true, withData: true });
});

test('stage → commit: the data file is renamed after the final file, the model names it, nothing private is left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-wm-commit-'));
  const src = model(dir, 'in.onnx', 'weights.bin', 100);
  const loaded = loadModelFile(src);
  const input = filesReadBy(src, loaded.model);
  const before = readdirSync(dir).sort();
  const out = join(dir, 'out.onnx');
  const c = stageCandidate(loaded.model, out, { input, inPlace: false });
  assert.match(c.path, /\/\.out\.onnx\.candidate-\d+-\d+\.onnx$/);
  assert.equal(c.dataPath, `${c.path}.data`);
  assert.equal(c.externalBytes, 48);
  const staged = readModel(readFileSync(c.path)).graph.initializers[0]!;
  assert.equal(staged.storage.kind === 'external' && staged.storage.ref.location, `${c.path.split('/').pop()}.data`, 'the candidate runs from its own data file');
  const w = commitCandidate(c, out, { input, inPlace: false });
  assert.deepEqual(w, { written: out, data: `${out}.data`, backup: null });
  assert.deepEqual(readdirSync(dir).sort(), [...before, 'out.onnx', 'out.onnx.data'].sort());
  const result = loadModelFile(out).model.graph.initializers[0]!;
  assert.equal(result.storage.kind === 'external' && result.storage.ref.location, 'out.onnx.data');
  assert.deepEqual(new Float32Array(result.rawBytes().slice().buffer), W);

  // A candidate staged for a new file, committed in place: renamed to IN.data, IN kept as IN.bak.
  const inBytes = readFileSync(src);
  const c2 = stageCandidate(loaded.model, join(dir, 'in.fix.onnx'), { input, inPlace: false });
  const w2 = commitCandidate(c2, src, { input, inPlace: true });
  assert.deepEqual(w2, { written: src, data: `${src}.data`, backup: `${src}.bak` });
  assert.deepEqual(readFileSync(`${src}.bak`), inBytes);
  const inPlace = loadModelFile(src).model.graph.initializers[0]!;
  assert.equal(inPlace.storage.kind === 'external' && inPlace.storage.ref.location, 'in.onnx.data');
  assert.deepEqual(new Float32Array(inPlace.rawBytes().slice().buffer), W);
  assert.deepEqual(readdirSync(dir).sort(), [...before, 'out.onnx', 'out.onnx.data', 'in.onnx.bak', 'in.onnx.data'].sort());
  // The backup still reads the original data file, which nothing replaced.
  assert.deepEqual(new Float32Array(loadModelFile(`${src}.bak`).model.graph.initializers[0]!.rawBytes().slice().buffer), W);
});

test('writeVerified: a refused or failing verification leaves nothing; a kept preview can be discarded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-wm-verify-'));
  const src = model(dir, 'in.onnx', 'weights.bin');
  const loaded = loadModelFile(src);
  const input = filesReadBy(src, loaded.model);
  const before = readdirSync(dir).sort();
  const out = join(dir, 'out.onnx');
  const no = await writeVerified({ model: loaded.model, target: out, input, inPlace: false, verify: async () => ({ write: false, verified: 'outside tolerance' }) });
  assert.equal(no.kind, 'refused');
  assert.equal(no.verified, 'outside tolerance');
  assert.deepEqual(readdirSync(dir).sort(), before);
  await assert.rejects(writeVerified({ model: loaded.model, target: out, input, inPlace: false, verify: () => Promise.reject(new Error('ORT crashed')) }), /ORT crashed/);
  assert.deepEqual(readdirSync(dir).sort(), before);
  const kept = await writeVerified({ model: loaded.model, target: out, input, inPlace: false, keep: true, verify: async (c) => ({ write: true, verified: c.bytes }) });
  assert.equal(kept.kind, 'kept');
  assert.equal(readdirSync(dir).length, before.length + 2);
  assert.deepEqual(discardCandidate(kept.candidate).sort(), [kept.candidate.path, kept.candidate.dataPath].sort());
  assert.deepEqual(readdirSync(dir).sort(), before);
  mkdirSync(join(dir, 'out2.onnx.data'));
  await assert.rejects(writeVerified({ model: loaded.model, target: join(dir, 'out2.onnx'), input, inPlace: false }), (e: Error) => e.name === 'FileSystemError' && /out2\.onnx\.data, where the result's external data goes: it is a folder/.test(e.message));
  assert.deepEqual(readdirSync(dir).sort(), [...before, 'out2.onnx.data'].sort());
});
