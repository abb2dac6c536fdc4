import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CACHE_SIZE, cachedKeys, cachedModel, invalidate, sitesOf, viewJsonOf } from './model-cache';

const SAMPLE = join(__dirname, '..', '..', '..', 'samples', 'tiny-cnn.onnx');

test('one entry per (file version, dims); other dims share the decoded model; view and sites computed once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-cache-'));
  const path = join(dir, 'a.onnx');
  copyFileSync(SAMPLE, path);
  const a = cachedModel(path, { batch: 1 });
  assert.equal(cachedModel(path, { batch: 1 }), a);
  const b = cachedModel(path, { batch: 2 });
  assert.notEqual(b, a);
  assert.equal(b.model, a.model);
  assert.equal(b.analysis.report.totals.macs, 2 * a.analysis.report.totals.macs);
  assert.equal(viewJsonOf(a), viewJsonOf(a));
  assert.equal((JSON.parse(viewJsonOf(a)) as { nodes: { kind: string }[] }).nodes.filter((n) => n.kind === 'op').length, 15);
  assert.equal(sitesOf(a), sitesOf(a));
  assert.ok(sitesOf(a).some((s) => s.rule.id === 'fuse-conv-batchnorm'));
  // A new version of the file replaces the old entries of that path.
  utimesSync(path, 1_600_000_000, 1_600_000_000);
  const c = cachedModel(path, { batch: 1 });
  assert.notEqual(c.model, a.model);
  assert.deepEqual(cachedKeys().filter((k) => k.path === path).map((k) => k.dims), [{ batch: 1 }]);
  assert.equal(invalidate(path), 1);
  assert.equal(cachedKeys().filter((k) => k.path === path).length, 0);
});

test(`at most ${CACHE_SIZE} entries, the least recently used dropped first`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-cache-'));
  const paths = [0, 1, 2, 3, 4].map((i) => join(dir, `m${i}.onnx`));
  for (const p of paths) copyFileSync(SAMPLE, p);
  for (const p of paths.slice(0, 4)) cachedModel(p, {});
  cachedModel(paths[0]!, {}); // used again: now the most recent
  cachedModel(paths[4]!, {});
  assert.deepEqual(cachedKeys().map((k) => k.path), [paths[2], paths[3], paths[0], paths[4]]);
});
