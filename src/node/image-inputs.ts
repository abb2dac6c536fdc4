// Images as model inputs (`--inputs-from` a folder of PNG/JPEG files): decoded with pngjs and
// jpeg-js (pure JavaScript, no native build), resized to the input's height and width by bilinear
// interpolation (pixel centres aligned, as OpenCV's INTER_LINEAR and PIL's bilinear without
// antialiasing), laid out NCHW when dim 1 of the input is 1, 3 or 4, else NHWC when its last dim is;
// values float in [0, 1] (R, G, B in that order; 1 channel: the luma 0.299 R + 0.587 G + 0.114 B;
// 4 channels: RGBA). No mean/std
// normalisation is applied: a model that expects normalised inputs should be given tensors (.npy).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { UsageError } from '../core/errors';
import { DataType, dataTypeName } from '../core/ir/data-type';
import type { InputSpec } from '../core/profile/runtime';
import type { InputData } from './ort/inputs';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** A decoded image: RGBA bytes, row-major. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The image files of a folder, sorted by name (empty when it has none or is not a folder). */
export function imageFiles(dir: string): string[] {
  try {
    if (!statSync(dir).isDirectory()) return IMAGE_EXTENSIONS.has(extname(dir).toLowerCase()) ? [dir] : [];
  } catch {
    return [];
  }
  return readdirSync(dir)
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort()
    .map((f) => join(dir, f));
}

export function decodeImage(path: string): Rgba {
  const bytes = readFileSync(path);
  try {
    if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
      const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
      return { width: j.width, height: j.height, data: j.data };
    }
  } catch (e) {
    throw new UsageError(`${path}: cannot decode the image (${(e as Error).message}): give a PNG or baseline/progressive JPEG file`);
  }
  throw new UsageError(`${path} is neither a PNG nor a JPEG file (by its first bytes)`);
}

/** Where the channels are in an image input's shape: [N, C, H, W] or [N, H, W, C] with C ∈ {1, 3, 4}. */
export function imageLayout(spec: InputSpec): { layout: 'NCHW' | 'NHWC'; channels: number; height: number; width: number } | null {
  const s = spec.shape;
  if (s.length !== 4 || s[0] !== 1) return null;
  const ch = (c: number | undefined): boolean => c === 1 || c === 3 || c === 4;
  // ONNX's own layout first: [1, C, H, W] whenever dim 1 can be channels (a 4-pixel-wide NHWC image is ambiguous).
  if (ch(s[1])) return { layout: 'NCHW', channels: s[1]!, height: s[2]!, width: s[3]! };
  if (ch(s[3])) return { layout: 'NHWC', channels: s[3]!, height: s[1]!, width: s[2]! };
  return null;
}

/** Bilinear sample of channel c at (x, y) in source pixel coordinates (centres at +0.5), edges clamped. */
function sample(img: Rgba, x: number, y: number, c: number): number {
  const fx = Math.min(Math.max(x - 0.5, 0), img.width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), img.height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, img.width - 1);
  const y1 = Math.min(y0 + 1, img.height - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const at = (xx: number, yy: number): number => img.data[(yy * img.width + xx) * 4 + c]!;
  return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) + ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
}

/** The image resized to the input and laid out as it expects (see the header). */
export function imageToInput(img: Rgba, spec: InputSpec, path = 'the image'): InputData {
  const l = imageLayout(spec);
  if (!l) throw new UsageError(`input '${spec.name}' has shape [${spec.shape.join(',')}], not an image of 1, 3 or 4 channels ([1,C,H,W] or [1,H,W,C]): give ${path}'s data as a tensor (.npy) instead`);
  if (spec.elemType !== DataType.FLOAT) throw new UsageError(`input '${spec.name}' is ${dataTypeName(spec.elemType)}: images are given as float in [0, 1]; give a tensor (.npy) instead`);
  const { layout, channels, height, width } = l;
  const out = new Float32Array(channels * height * width);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = (x + 0.5) * sx;
      const py = (y + 0.5) * sy;
      const rgba = [0, 1, 2, 3].map((c) => sample(img, px, py, c) / 255);
      const values = channels === 1 ? [0.299 * rgba[0]! + 0.587 * rgba[1]! + 0.114 * rgba[2]!] : rgba.slice(0, channels);
      values.forEach((v, c) => {
        out[layout === 'NCHW' ? (c * height + y) * width + x : (y * width + x) * channels + c] = v;
      });
    }
  }
  return { name: spec.name, elemType: DataType.FLOAT, shape: [...spec.shape], bytes: new Uint8Array(out.buffer) };
}

/** The one input of `specs` that takes images, or a usage error saying why none does. */
export function imageInput(specs: readonly InputSpec[]): InputSpec {
  const fits = specs.filter((s) => imageLayout(s) && s.elemType === DataType.FLOAT);
  if (fits.length === 1) return fits[0]!;
  const shapes = specs.map((s) => `${s.name} [${s.shape.join(',')}]`).join(', ');
  throw new UsageError(
    fits.length === 0
      ? `images were given, but no input is a float image [1,C,H,W] or [1,H,W,C] with C = 1, 3 or 4 (${shapes}): give tensors (.npy/.pb) instead`
      : `images were given, but ${fits.length} inputs take images (${fits.map((s) => s.name).join(', ')}): give tensors (.npy/.pb) named after each input instead`,
  );
}
