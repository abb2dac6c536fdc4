// .tflite files through the built CLI and the file loader: `layerlens analyze` and `export` work on
// them (figures equal to the in-process analysis, whose layers are hand-checked in
// src/core/tflite/real-models.test.ts); the loader finds TFLite by content, and a file that only
// claims to be TFLite by its name gets a typed error with exit code 1, no stack trace.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ModelFormatError } from '../../src/core/errors';
import { loadModelFile } from '../../src/node/model-file';
import { runCli } from '../support/cli';
import { realModelPath } from '../support/models';

test('analyze --json on a .tflite: every node costed, totals and outputs as read', () => {
  const r = runCli(['analyze', realModelPath('face-detection-short.tflite'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    model: { opsets: Record<string, number>; nodeCount: number };
    totals: { macs: number; params: number };
    nodes: { opType: string; macs: number | null }[];
    outputs: { name: string; shape: number[] }[];
    unknownOps: unknown[];
  };
  assert.deepEqual(report.model.opsets, { tflite: 3 });
  assert.equal(report.model.nodeCount, 164);
  assert.equal(report.totals.macs, 30_760_960);
  assert.equal(report.totals.params, 101_390);
  assert.ok(report.nodes.every((n) => n.macs !== null));
  assert.deepEqual(report.unknownOps, []);
  assert.deepEqual(report.outputs.map((o) => [o.name, o.shape]), [['regressors', [1, 896, 16]], ['classificators', [1, 896, 1]]]);
});

test('export csv and json of a .tflite: one row per operator, the custom op included', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-tflite-'));
  const csv = join(dir, 'selfie.csv');
  const r = runCli(['export', realModelPath('selfie-segmentation.tflite'), '--format', 'csv', '-o', csv]);
  assert.equal(r.status, 0, r.stderr);
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(rows.length, 1 + 246);
  assert.ok(rows.some((l) => l.includes('"tflite.custom.Convolution2DTransposeBias"') && l.includes(',1048576,')), 'the transposed convolution row');
  const json = join(dir, 'selfie.json');
  assert.equal(runCli(['export', realModelPath('selfie-segmentation.tflite'), '--format', 'json', '-o', json]).status, 0);
  assert.ok(readFileSync(json, 'utf8').includes('HARD_SWISH'));
});

test('the loader tells TFLite by content; a non-TFLite file named .tflite is a typed error (exit 1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-tflite-'));
  const renamed = join(dir, 'model.bin');
  copyFileSync(realModelPath('selfie-segmentation.tflite'), renamed);
  const loaded = loadModelFile(renamed);
  assert.equal(loaded.format, 'tflite');
  assert.equal(loaded.model.graph.nodes.length, 246);
  const fake = join(dir, 'fake.tflite');
  writeFileSync(fake, 'this is not a model at all');
  assert.throws(() => loadModelFile(fake), ModelFormatError);
  const r = runCli(['analyze', fake]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^ModelFormatError: bytes 4\.\.8 are ' is ', not TFLite's identifier 'TFL3'/m);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const truncated = join(dir, 'truncated.tflite');
  writeFileSync(truncated, readFileSync(realModelPath('face-detection-short.tflite')).subarray(0, 5000));
  const t = runCli(['analyze', truncated]);
  assert.equal(t.status, 1);
  assert.match(t.stderr, /^ModelFormatError: truncated or corrupt TFLite file/m);
});

test('optimize refuses a .tflite up front with a typed usage error (not ONNX Runtime\'s protobuf error), writing nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-tflite-opt-'));
  const out = join(dir, 'out.tflite');
  const r = runCli(['optimize', realModelPath('face-detection-short.tflite'), '-o', out, '--fuse']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^UsageError: optimize needs an ONNX model, and this is a TFLite file/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  assert.throws(() => readFileSync(out));
});
