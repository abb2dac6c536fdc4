// The input samples a sensitivity analysis or a budget search runs on: generated (sample k with seed
// 42 + k, so that sample 0 is exactly what verification generates), one set of tensor files
// (`--inputs-from` NAME.npy / NAME.pb), or images (one sample per image, the image-like input taking
// it, other inputs generated). For verification through the profiler's worker, which reads inputs
// from files, sample 0 can be written as .npy files (writeSampleFiles).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType } from '../../core/ir/data-type';
import type { InputSpec } from '../../core/profile/runtime';
import { decodeImage, imageInput, imageToInput } from '../image-inputs';
import { checkInput, generateInput, loadInputFile, NPY_TYPES, type InputData } from '../ort/inputs';

export interface SampleSource {
  /** Tensor files by input name (one sample). */
  files?: Record<string, string>;
  /** Image files (one sample each). */
  images?: string[];
  /** Generated samples when neither is given (default 1). */
  generated?: number;
}

export interface Samples {
  sets: InputData[][];
  /** Where they come from, for reports: 'generated', 'files' or 'images'. */
  from: 'generated' | 'files' | 'images';
}

export function loadSamples(specs: readonly InputSpec[], src: SampleSource): Samples {
  if (src.images?.length) {
    const target = imageInput(specs);
    const sets = src.images.map((path) => specs.map((s) => (s === target ? imageToInput(decodeImage(path), s, path) : generateInput(s, 42))));
    return { sets, from: 'images' };
  }
  if (src.files && Object.keys(src.files).length) {
    const set = specs.map((s) => {
      const file = src.files![s.name];
      if (!file) return generateInput(s, 42);
      const d = loadInputFile(file, s.name);
      checkInput(d, s);
      return d;
    });
    return { sets: [set], from: 'files' };
  }
  const n = Math.max(1, src.generated ?? 1);
  return { sets: Array.from({ length: n }, (_, k) => specs.map((s) => generateInput(s, 42 + k))), from: 'generated' };
}

const NPY_DESCR: Partial<Record<DataType, string>> = Object.fromEntries(Object.entries(NPY_TYPES).map(([descr, t]) => [t, descr]));

/** One tensor as a .npy file (format version 1.0: magic, header padded to 64 bytes, raw data). */
export function npyBytes(d: InputData): Uint8Array {
  const descr = NPY_DESCR[d.elemType];
  if (!descr) throw new Error(`npy: no NumPy type for ${DataType[d.elemType]}`);
  const shape = d.shape.length === 1 ? `(${d.shape[0]},)` : `(${d.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(d.bytes)]);
}

/** Writes a sample as NAME.npy files in a new temporary folder; `cleanup` deletes it. */
export function writeSampleFiles(set: readonly InputData[]): { files: Record<string, string>; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-sample-'));
  const files: Record<string, string> = {};
  set.forEach((d, k) => {
    const p = join(dir, `input_${k}.npy`);
    writeFileSync(p, npyBytes(d));
    files[d.name] = p;
  });
  return { files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
