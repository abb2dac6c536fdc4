// Loads a model from disk: the only place the file system meets the ONNX reader. External data is
// read lazily through a reader confined to the model's folder (symlinks resolved before the check).
import { closeSync, fstatSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ExternalDataError, ModelFormatError } from '../core/errors';
import type { Model } from '../core/ir/model';
import type { ExternalDataReader } from '../core/ir/tensor';
import { checkExternalLocation } from '../core/onnx/external-location';
import { readModel } from '../core/onnx/reader';
import { isTfliteBytes, readTflite } from '../core/tflite';

/** External data confined to `folder`: every location must resolve, after symlinks, inside it. */
export class FolderExternalData implements ExternalDataReader {
  private readonly root: string;

  constructor(folder: string) {
    this.root = realpathSync(folder);
  }

  private resolveInside(location: string): string {
    checkExternalLocation(location, location);
    const full = resolve(this.root, location);
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      throw new ExternalDataError(
        `external data file '${location}' does not exist next to the model (looked for ${full}): copy it beside the .onnx file`,
      );
    }
    const rel = relative(this.root, real);
    if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) {
      throw new ExternalDataError(
        `external data '${location}' resolves to ${real}, outside the model's folder ${this.root} (through a symlink): refused`,
      );
    }
    return real;
  }

  size(location: string): number {
    return statSync(this.resolveInside(location)).size;
  }

  read(location: string, offset: number, length: number | undefined): Uint8Array {
    const path = this.resolveInside(location);
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = length ?? size - offset;
      if (offset < 0 || len < 0 || offset + len > size) {
        throw new ExternalDataError(
          `external data '${location}' has ${size} bytes; bytes ${offset}..${offset + len} were asked for: the file is truncated`,
        );
      }
      const buf = new Uint8Array(len);
      let done = 0;
      while (done < len) {
        const n = readSync(fd, buf, done, len - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return buf;
    } finally {
      closeSync(fd);
    }
  }
}

export interface LoadedModel {
  model: Model;
  path: string;
  bytes: Uint8Array;
  /** The file's format: by content (TFLite's identifier "TFL3" at bytes 4..8), else by extension. */
  format: 'onnx' | 'tflite';
  /** Milliseconds spent reading the file and decoding it. */
  readMs: number;
  decodeMs: number;
}

/** Read and decode an ONNX or TFLite file; every failure is a LayerLensError naming the file. */
export function loadModelFile(path: string): LoadedModel {
  const t0 = performance.now();
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ModelFormatError(`${path} is a folder, not an ONNX file`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    throw new ModelFormatError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const t1 = performance.now();
  const folder = new FolderExternalData(dirname(resolve(path)));
  const format = isTfliteBytes(bytes) || /\.tflite$/i.test(path) ? 'tflite' : 'onnx';
  const model = format === 'tflite'
    ? readTflite(bytes, { externalData: folder, fileName: basename(path) })
    : readModel(bytes, { externalData: folder });
  const t2 = performance.now();
  return { model, path, bytes, format, readMs: t1 - t0, decodeMs: t2 - t1 };
}
