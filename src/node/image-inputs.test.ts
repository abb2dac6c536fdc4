// Images as inputs: PNG and JPEG decoded, resized bilinearly (values checked against hand-computed
// ones), laid out NCHW or NHWC from the input's shape, luma for one channel; refusals say why.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataType } from '../core/ir/data-type';
import { decodeImage, imageFiles, imageInput, imageLayout, imageToInput, type Rgba } from './image-inputs';

const F = DataType.FLOAT;
const floats = (b: Uint8Array): Float32Array => new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);

/** A 2×1 image: left pixel (0, 100, 200), right pixel (255, 50, 0). */
const twoPixels: Rgba = { width: 2, height: 1, data: new Uint8Array([0, 100, 200, 255, 255, 50, 0, 255]) };

test('bilinear 2×1 → 4×1: pixel centres aligned, edges clamped (hand-computed)', () => {
  // Output x centres at 0.25, 0.75, 1.25, 1.75 source px; minus 0.5: −0.25 → 0 (clamped), 0.25, 0.75, 1.25 → 1 (clamped).
  // Red: 0, 0.25·255 = 63.75, 0.75·255 = 191.25, 255 (then / 255).
  const d = imageToInput(twoPixels, { name: 'x', elemType: F, shape: [1, 3, 1, 4] });
  const v = floats(d.bytes);
  const red = [0, 63.75, 191.25, 255].map((x) => x / 255);
  const green = [100, 87.5, 62.5, 50].map((x) => x / 255);
  [...red, ...green].forEach((x, i) => assert.ok(Math.abs(v[i]! - x) < 1e-6, `NCHW[${i}] = ${v[i]}, expected ${x}`));
  assert.equal(v.length, 12);
  // NHWC ([1, 2, 4, 3]: 2 rows alike): channels innermost; pixel 1 = (63.75, 87.5, 150) / 255.
  const h = floats(imageToInput(twoPixels, { name: 'x', elemType: F, shape: [1, 2, 4, 3] }).bytes);
  [63.75, 87.5, 150].forEach((x, c) => assert.ok(Math.abs(h[3 + c]! - x / 255) < 1e-6, `NHWC pixel 1 channel ${c}`));
  // One channel: luma 0.299 R + 0.587 G + 0.114 B of the left pixel (0, 100, 200) = 81.5.
  const g = floats(imageToInput(twoPixels, { name: 'x', elemType: F, shape: [1, 1, 1, 4] }).bytes);
  assert.ok(Math.abs(g[0]! - 81.5 / 255) < 1e-6);
});

test('PNG and JPEG files decode; a folder lists its images in name order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-img-'));
  const png = new PNG({ width: 3, height: 2 });
  png.data.set([10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255]);
  writeFileSync(join(dir, 'b.png'), PNG.sync.write(png));
  const flat = { width: 16, height: 8, data: new Uint8Array(16 * 8 * 4).fill(128) };
  writeFileSync(join(dir, 'a.jpg'), jpeg.encode(flat, 95).data);
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  assert.deepEqual(imageFiles(dir).map((p) => p.slice(dir.length + 1)), ['a.jpg', 'b.png']);
  const p = decodeImage(join(dir, 'b.png'));
  assert.deepEqual([p.width, p.height, ...p.data.slice(0, 8)], [3, 2, 10, 20, 30, 255, 40, 50, 60, 255]);
  const j = decodeImage(join(dir, 'a.jpg'));
  assert.deepEqual([j.width, j.height], [16, 8]);
  assert.ok(Math.abs(j.data[0]! - 128) <= 2, 'a flat grey JPEG stays grey');
  assert.throws(() => decodeImage(join(dir, 'notes.txt')), /neither a PNG nor a JPEG file/);
  writeFileSync(join(dir, 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2]));
  assert.throws(() => decodeImage(join(dir, 'broken.png')), /cannot decode the image/);
});

test('which input takes images, and refusals for inputs that are not images', () => {
  assert.deepEqual(imageLayout({ name: 'x', elemType: F, shape: [1, 3, 48, 192] }), { layout: 'NCHW', channels: 3, height: 48, width: 192 });
  assert.deepEqual(imageLayout({ name: 'x', elemType: F, shape: [1, 256, 256, 3] }), { layout: 'NHWC', channels: 3, height: 256, width: 256 });
  assert.equal(imageLayout({ name: 'x', elemType: F, shape: [1, 25, 96] }), null);
  assert.throws(() => imageInput([{ name: 'audio', elemType: F, shape: [1, 25, 96] }]), /no input is a float image \[1,C,H,W\] or \[1,H,W,C\].*audio \[1,25,96\]/);
  assert.throws(() => imageToInput(twoPixels, { name: 'ids', elemType: DataType.INT64, shape: [1, 3, 2, 2] }), /is int64: images are given as float/);
  assert.equal(imageInput([{ name: 'x', elemType: F, shape: [1, 3, 8, 8] }, { name: 'n', elemType: DataType.INT64, shape: [1] }]).name, 'x');
});
