// Loads a model from disk (ONNX or TFLite): the only place the file system meets the readers. Only
// regular files are read (regular-file.ts: no FIFOs, devices, sockets or folders; bounded by their
// size and by maxModelBytes()). An ONNX file larger than WHOLE_FILE_MAX is read through positional
// reads without its large tensor payloads (core/onnx/skeleton.ts), which stay in the file and are
// read when a tensor's data is asked for — each read checks that the file is still the version that
// was loaded (device, inode, size, modification time) and refuses another with a FileChangedError,
// never returning other bytes. A smaller one is read whole in one read and decoded as it is (its
// weights stay views into that buffer): reading a few MB costs less than the pass that skips them.
// A TFLite file is read whole (flatbuffers index into one buffer; its weights stay views into it); its
// reader (with the ~500 KB generated schema) is loaded only when a TFLite file is met.
// External data is confined to the model's folder (symlinks resolved before the check) and checked at
// load — every location must resolve inside the folder to a regular file holding the bytes its
// tensors claim — then read lazily, only when a tensor's data is asked for, under the same version check.
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ExternalDataError, FileChangedError, ModelFormatError } from '../core/errors';
import type { Model } from '../core/ir/model';
import type { ExternalDataReader, FileRangeReader } from '../core/ir/tensor';
import { checkExternalLocation } from '../core/onnx/external-location';
import { readModel, readModelFile } from '../core/onnx/reader';
import { externalTensors } from '../core/onnx/structure-check';
import { isTfliteBytes } from '../core/tflite/domains';
import { notRegular, readRegularFile, RegularFile, sameStamp, stampChange, type FileErrorFactory, type FileStamp } from './regular-file';

/** External data confined to `folder`: every location must resolve, after symlinks, inside it, to a regular file. */
export class FolderExternalData implements ExternalDataReader {
  private readonly root: string;
  /** Each location's version when it was first looked at (the model's load): later reads must find it. */
  private readonly stamps = new Map<string, FileStamp>();

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
    const st = statSync(real, { bigint: true }); // real has no symlinks left: this is the file itself
    const kind = notRegular(st);
    if (kind) throw new ExternalDataError(`external data '${location}' is ${kind}, not a regular file: refused (only regular files are read)`);
    if (!this.stamps.has(location)) this.stamps.set(location, { dev: st.dev, ino: st.ino, size: Number(st.size), mtimeNs: st.mtimeNs });
    return Number(st.size);
  }

  size(location: string): number {
    const size = this.statInside(location);
    if (size === 'missing') throw this.missing(location);
    return size;
  }

  read(location: string, offset: number, length: number | undefined): Uint8Array {
    const path = this.resolveInside(location);
    const fail = (why: string): Error => new ExternalDataError(`external data '${location}' (${path}) ${why}`);
    const stamp = this.stamps.get(location);
    const expect = stamp && { stamp, changed: (why: string) => new FileChangedError(`external data '${location}' (${path}) changed on disk after the model was loaded (${why}): its tensors are no longer the model's; load the model again`) };
    return readRegularFile(path, fail, { offset, ...(length !== undefined ? { length } : {}), what: `external data '${location}' (bytes from ${offset})`, ...(expect ? { expect } : {}) }).bytes;
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

/**
 * The TFLite reader, loaded on first use: a plain `require` (the loader stays synchronous), which the
 * bundler turns into a lazy initialiser, so loading ONNX models never runs the generated schema's code.
 */
function tfliteReader(): typeof import('../core/tflite').readTflite {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (see above)
  return (require('../core/tflite') as typeof import('../core/tflite')).readTflite;
}

/** ONNX files up to this size are read whole (see the module comment). */
export const WHOLE_FILE_MAX = 4 * 2 ** 20;

export interface LoadOptions {
  /** Read ONNX files up to this size whole (default WHOLE_FILE_MAX; 0 = leave weights in every file). */
  wholeFileMax?: number;
}

export interface LoadedModel {
  model: Model;
  path: string;
  /** The file's size in bytes. */
  size: number;
  /** The model file as the model reads it: its bytes read so far (to load it, then on demand). */
  file: { readonly bytesRead: number };
  /** The file's format: by content (TFLite's identifier "TFL3" at bytes 4..8), else by extension. */
  format: 'onnx' | 'tflite';
  /** Milliseconds spent reading the file (for ONNX, the pass that leaves the weights in it) and decoding it. */
  readMs: number;
  decodeMs: number;
}

/**
 * The model file, pinned to the version that was opened: reads while it is being loaded use the open
 * descriptor; later ones (a tensor's data on demand) open it again and refuse any other version.
 */
class PinnedModelFile implements FileRangeReader {
  bytesRead = 0;
  private constructor(
    private open: RegularFile | null,
    private readonly real: string,
    private readonly path: string,
    private readonly fail: FileErrorFactory,
    private readonly stamp: FileStamp,
  ) {}

  /** Opens the model file at `path` (a regular file, a symlink to one is fine), at most maxModelBytes(). */
  static open(path: string): PinnedModelFile {
    let real: string;
    try {
      real = realpathSync(path);
    } catch (e) {
      throw new ModelFormatError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    // Say where a symlink led when what it leads to is refused.
    const link = real !== resolve(path) ? `(a link to ${real}) ` : '';
    const fail = (why: string): Error => new ModelFormatError(`${path} ${link}${why}`);
    const f = RegularFile.open(real, fail);
    try {
      RegularFile.checkLimit(f.size, `the model file ${path}`);
      f.checkEnd();
    } catch (e) {
      f.close();
      throw e;
    }
    return new PinnedModelFile(f, real, path, fail, f.stamp);
  }

  get size(): number {
    return this.stamp.size;
  }

  read(offset: number, length: number): Uint8Array {
    const what = { what: `the model file ${this.path} (bytes from ${offset})` };
    let f = this.open;
    if (!f) {
      const changed = (why: string): FileChangedError =>
        new FileChangedError(`the model file ${this.path} changed on disk after it was loaded (${why}): its weights can no longer be read from it; load the model again`);
      // Removed, made unreadable or replaced by something that is not a regular file: changed too.
      f = RegularFile.open(this.real, (why) => changed(`it ${why}`));
      if (!sameStamp(this.stamp, f.stamp)) {
        const why = stampChange(this.stamp, f.stamp);
        f.close();
        throw changed(why);
      }
    }
    try {
      const bytes = f.read(offset, length, what);
      this.bytesRead += length;
      return bytes;
    } finally {
      if (f !== this.open) f.close();
    }
  }

  /** After loading: a file that grew or changed while it was read is refused; the descriptor is closed. */
  loaded(): void {
    try {
      this.open?.checkEnd();
      this.open?.checkUnchanged();
    } finally {
      this.release();
    }
  }

  release(): void {
    this.open?.close();
    this.open = null;
  }
}

/** The bytes of a model file: a regular file (a symlink to one is fine), at most maxModelBytes(). */
export function readModelBytes(path: string): Uint8Array {
  const f = PinnedModelFile.open(path);
  try {
    return f.read(0, f.size);
  } finally {
    f.loaded();
  }
}

/** The text of a hand-written model (.onnxtxt), read under the same rules as a binary model file. */
export function readModelText(path: string): string {
  return new TextDecoder('utf-8').decode(readModelBytes(path));
}

/** Read and decode an ONNX or TFLite file; every failure is a LayerLensError naming the file. */
export function loadModelFile(path: string, options: LoadOptions = {}): LoadedModel {
  const t0 = performance.now();
  const file = PinnedModelFile.open(path);
  const externalData = new FolderExternalData(dirname(resolve(path)));
  let model: Model;
  let format: LoadedModel['format'];
  let readMs: number;
  let decodeMs: number;
  try {
    format = (file.size >= 8 && isTfliteBytes(file.read(0, 8))) || /\.tflite$/i.test(path) ? 'tflite' : 'onnx';
    if (format === 'tflite') {
      const bytes = file.read(0, file.size);
      file.loaded();
      const t1 = performance.now();
      model = tfliteReader()(bytes, { externalData, fileName: basename(path) });
      readMs = t1 - t0;
      decodeMs = performance.now() - t1;
    } else if (file.size <= (options.wholeFileMax ?? WHOLE_FILE_MAX)) {
      const bytes = file.read(0, file.size);
      file.loaded();
      const t1 = performance.now();
      model = readModel(bytes, { externalData });
      readMs = t1 - t0;
      decodeMs = performance.now() - t1;
    } else {
      const r = readModelFile(file, { externalData });
      file.loaded();
      model = r.model;
      readMs = r.decoded.readMs;
      decodeMs = performance.now() - t0 - readMs;
    }
  } catch (e) {
    // A file that grew while it was read says so, rather than what its partial bytes looked like.
    file.loaded();
    throw e;
  }
  checkExternalFiles(model, externalData);
  return { model, path, size: file.size, file, format, readMs, decodeMs };
}
