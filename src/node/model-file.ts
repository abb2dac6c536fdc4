// Loads a model from disk (ONNX or TFLite): the only place the file system meets the readers. Only
// regular files are read (regular-file.ts: no FIFOs, devices, sockets or folders; bounded by their
// size and by maxModelBytes()). External data is confined to the model's folder (symlinks resolved before the
// check) and checked at load — every location must resolve inside the folder to a regular file
// holding the bytes its tensors claim — then read lazily, only when a tensor's data is asked for.
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ExternalDataError, ModelFormatError } from '../core/errors';
import type { Model } from '../core/ir/model';
import type { ExternalDataReader } from '../core/ir/tensor';
import { checkExternalLocation } from '../core/onnx/external-location';
import { readModel } from '../core/onnx/reader';
import { externalTensors } from '../core/onnx/structure-check';
import { isTfliteBytes, readTflite } from '../core/tflite';
import { notRegular, readRegularFile } from './regular-file';

/** External data confined to `folder`: every location must resolve, after symlinks, inside it, to a regular file. */
export class FolderExternalData implements ExternalDataReader {
  private readonly root: string;

  constructor(folder: string) {
    this.root = realpathSync(folder);
  }

  /** The real path of `location`, or 'missing'; refuses locations that leave the folder. */
  private locate(location: string): string | 'missing' {
    checkExternalLocation(location, location);
    const full = resolve(this.root, location);
    let real: string;
    try {
      real = realpathSync(full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return 'missing';
      throw new ExternalDataError(`external data '${location}' cannot be resolved (${code ?? (e as Error).message}; looked for ${full}): fix or replace the file`);
    }
    const rel = relative(this.root, real);
    if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) {
      throw new ExternalDataError(
        `external data '${location}' resolves to ${real}, outside the model's folder ${this.root} (through a symlink): refused; copy the file into the model's folder`,
      );
    }
    return real;
  }

  private missing(location: string): ExternalDataError {
    return new ExternalDataError(
      `external data file '${location}' does not exist next to the model (looked for ${resolve(this.root, location)}): copy it beside the .onnx file`,
    );
  }

  private resolveInside(location: string): string {
    const real = this.locate(location);
    if (real === 'missing') throw this.missing(location);
    return real;
  }

  /** Size of a regular file inside the folder, or 'missing'; anything else (FIFO, device, folder, escape) throws. */
  statInside(location: string): number | 'missing' {
    const real = this.locate(location);
    if (real === 'missing') return real;
    const st = statSync(real); // real has no symlinks left: this is the file itself
    const kind = notRegular(st);
    if (kind) throw new ExternalDataError(`external data '${location}' is ${kind}, not a regular file: refused (only regular files are read)`);
    return st.size;
  }

  size(location: string): number {
    const size = this.statInside(location);
    if (size === 'missing') throw this.missing(location);
    return size;
  }

  read(location: string, offset: number, length: number | undefined): Uint8Array {
    const path = this.resolveInside(location);
    const fail = (why: string): Error => new ExternalDataError(`external data '${location}' (${path}) ${why}`);
    return readRegularFile(path, fail, { offset, ...(length !== undefined ? { length } : {}), what: `external data '${location}' (bytes from ${offset})` }).bytes;
  }
}

/**
 * Every external tensor's file must exist inside the folder as a regular file long enough for the
 * tensor (ONNX Runtime refuses a model otherwise: "External data path does not exist", "escapes model
 * directory"). A missing or short file behind a tensor no node reads is a warning, as ONNX Runtime
 * drops unused initializers before it looks at their data; leaving the folder or naming a
 * non-regular file is refused whatever reads it.
 */
function checkExternalFiles(model: Model, reader: FolderExternalData): void {
  const sizes = new Map<string, number | 'missing'>();
  for (const { tensor, used } of externalTensors(model)) {
    if (tensor.storage.kind !== 'external') continue;
    const { location, offset, length } = tensor.storage.ref;
    let size = sizes.get(location);
    if (size === undefined) {
      size = reader.statInside(location);
      sizes.set(location, size);
    }
    const need = offset + (length ?? tensor.byteLength);
    const problem =
      size === 'missing'
        ? `keeps its data in '${location}', which does not exist next to the model`
        : need > size
          ? `wants bytes ${offset}..${need} of '${location}', which has ${size} bytes (truncated, or it belongs to another model)`
          : null;
    if (!problem) continue;
    if (used) {
      throw new ExternalDataError(`tensor '${tensor.name}' ${problem}: copy the model's complete external data file beside the .onnx file`);
    }
    model.warnings.push(`tensor '${tensor.name}' ${problem}; no node reads it (ONNX Runtime drops it), so the model is analysed without it`);
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

/** The bytes of a model file: a regular file (a symlink to one is fine), at most maxModelBytes(). */
export function readModelBytes(path: string): Uint8Array {
  const fail = (why: string): Error => new ModelFormatError(`${path} ${why}`);
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    throw new ModelFormatError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (real !== resolve(path)) {
    // Say where a symlink led when what it leads to is refused.
    const inner = fail;
    return readRegularFile(real, (why) => inner(`(a link to ${real}) ${why}`), { what: `the model file ${path}` }).bytes;
  }
  return readRegularFile(real, fail, { what: `the model file ${path}` }).bytes;
}

/** The text of a hand-written model (.onnxtxt), read under the same rules as a binary model file. */
export function readModelText(path: string): string {
  return new TextDecoder('utf-8').decode(readModelBytes(path));
}

/** Read and decode an ONNX or TFLite file; every failure is a LayerLensError naming the file. */
export function loadModelFile(path: string): LoadedModel {
  const t0 = performance.now();
  const bytes = readModelBytes(path);
  const t1 = performance.now();
  const externalData = new FolderExternalData(dirname(resolve(path)));
  const format = isTfliteBytes(bytes) || /\.tflite$/i.test(path) ? 'tflite' : 'onnx';
  const model = format === 'tflite'
    ? readTflite(bytes, { externalData, fileName: basename(path) })
    : readModel(bytes, { externalData });
  checkExternalFiles(model, externalData);
  const t2 = performance.now();
  return { model, path, bytes, format, readMs: t1 - t0, decodeMs: t2 - t1 };
}
