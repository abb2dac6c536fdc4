import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataType } from '../../core/ir/data-type';
import { Tensor } from '../../core/ir/tensor';
import { FolderExternalData } from '../../node/model-file';
import { weightStats } from './weight-stats';

function direct(xs: number[]): { min: number; max: number; mean: number; std: number; zeros: number; nonFinite: number } {
  const f = xs.filter(Number.isFinite);
  const mean = f.reduce((s, x) => s + x, 0) / f.length;
  return {
    min: f.reduce((m, x) => Math.min(m, x), Infinity),
    max: f.reduce((m, x) => Math.max(m, x), -Infinity),
    mean,
    std: Math.sqrt(f.reduce((s, x) => s + (x - mean) ** 2, 0) / f.length),
    zeros: xs.filter((x) => x === 0).length,
    nonFinite: xs.length - f.length,
  };
}

function near(a: number | null, b: number, rel: number, what: string): void {
  assert.ok(a !== null && Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('float32 across several chunks, with zeros, NaN and infinities: the same figures as one direct pass', () => {
  let s = 3;
  const n = (1 << 20) * 2 + 1234;
  const xs = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 0 : Math.fround(((s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296) * 10 + 5)));
  xs[5] = NaN;
  xs[n - 1] = Infinity;
  xs[1 << 20] = -Infinity;
  const t = Tensor.fromNumbers('w', DataType.FLOAT, [n], xs);
  const got = weightStats(t, 1);
  const want = direct(xs);
  assert.equal(got.elements, n);
  assert.equal(got.min, want.min);
  assert.equal(got.max, want.max);
  near(got.mean, want.mean, 1e-12, 'mean');
  near(got.std, want.std, 1e-9, 'std');
  assert.equal(got.zeroFraction, want.zeros / n);
  assert.equal(got.nonFinite, 3);
  assert.equal(got.input, 1);
  assert.equal(got.dtype, 'float');
});

test('int4 (packed two a byte) split across chunks, and float16', () => {
  const n = (1 << 20) + 5;
  const xs = Array.from({ length: n }, (_, i) => ((i * 7) % 16) - 8);
  const got = weightStats(Tensor.fromNumbers('q', DataType.INT4, [n], xs), 0);
  const want = direct(xs);
  assert.equal(got.min, -8);
  assert.equal(got.max, 7);
  near(got.mean, want.mean, 1e-12, 'mean');
  near(got.std, want.std, 1e-12, 'std');
  assert.equal(got.zeroFraction, want.zeros / n);
  const h = weightStats(Tensor.fromNumbers('h', DataType.FLOAT16, [4], [0.5, -2, 0, 1.5]), 0);
  assert.deepEqual([h.min, h.max, h.mean, h.zeroFraction, h.dtype], [-2, 1.5, 0, 0.25, 'float16']);
});

test('strings have no statistics; unreadable external data gives the typed error, not an exception', () => {
  const str = weightStats(new Tensor('s', DataType.STRING, [1], { kind: 'string', values: [new Uint8Array([65])] }), 0);
  assert.equal(str.mean, null);
  assert.match(str.note ?? '', /no numeric statistics/);
  const dir = mkdtempSync(join(tmpdir(), 'll-ws-'));
  const ext = new Tensor('e', DataType.FLOAT, [2], { kind: 'external', ref: { location: 'gone.bin', offset: 0, length: 8, entries: [] }, reader: new FolderExternalData(dir) });
  const got = weightStats(ext, 2);
  assert.match(got.error ?? '', /^ExternalDataError: external data file 'gone.bin' does not exist/);
  assert.equal(got.elements, 2);
});
