// Reads bytes of a file only when it is a regular file, never more than its size said and never
// more than a limit: a FIFO, a device (/dev/zero), a socket or a folder is refused before a byte is
// read, so no read can block forever or grow without bound. The file is opened non-blocking (a FIFO
// with no writer then opens at once instead of waiting) and its type and size are taken from the
// open descriptor (fstat), so what is checked is what is read; a file that changes size while it is
// read is an error, not a silently short or long buffer. A file kept open for positional reads
// (RegularFile) carries the stamp it was opened with (device, inode, size, modification time), so a
// later read can refuse another version of it.
import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats, type Stats } from 'node:fs';
import { ModelLimitError, UsageError } from '../core/errors';

/** The hard ceiling: protobuf (and so ONNX Runtime) cannot parse a message of 2 GiB or more, and Node reads at most that much into one buffer. */
export const HARD_MAX_BYTES = 2 ** 31 - 1;
/** Default for the largest model file (or single external tensor) read: 1 GiB. */
export const DEFAULT_MAX_MODEL_MB = 1024;
/** The environment variable that changes it (in MiB, at most 2047). */
export const MAX_MODEL_MB_ENV = 'LAYERLENS_MAX_MODEL_MB';

/** The largest file (or external tensor) LayerLens reads at once, in bytes: `LAYERLENS_MAX_MODEL_MB` or 1 GiB. */
export function maxModelBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_MODEL_MB_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_MODEL_MB * 2 ** 20;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0) {
    throw new UsageError(`${MAX_MODEL_MB_ENV}='${raw}' is not a positive number of MiB: set it to e.g. 2000, or unset it for the default of ${DEFAULT_MAX_MODEL_MB}`);
  }
  return Math.min(Math.floor(mb * 2 ** 20), HARD_MAX_BYTES);
}

/** What is wrong with a non-regular file, in words; null for a regular file. */
export function notRegular(st: Stats | BigIntStats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** An error to raise for a refused or failed read; `why` is a sentence fragment about `path`. */
export type FileErrorFactory = (why: string) => Error;

export interface ReadRange {
  offset?: number;
  /** Bytes to read; undefined = to the end of the file. */
  length?: number;
  /** Refuse reads longer than this (bytes); defaults to maxModelBytes(). */
  maxBytes?: number;
  /** Names the limit in the error (`the model file`, `external tensor 'w'`). */
  what?: string;
  /** The version of the file expected, and the error for another one (`why` says what changed). */
  expect?: { stamp: FileStamp; changed: (why: string) => Error };
}

/** What identifies one version of a file: a rewrite, a replacement (rename over it) or a resize changes it. */
export interface FileStamp {
  dev: bigint;
  ino: bigint;
  size: number;
  mtimeNs: bigint;
}

function stampOf(st: BigIntStats): FileStamp {
  return { dev: st.dev, ino: st.ino, size: Number(st.size), mtimeNs: st.mtimeNs };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** How a stamp differs from an expected one, in words (for the error). */
export function stampChange(was: FileStamp, now: FileStamp): string {
  if (was.dev !== now.dev || was.ino !== now.ino) return 'it was replaced by another file';
  if (was.size !== now.size) return `its size went from ${was.size} to ${now.size} bytes`;
  return 'it was rewritten (its modification time changed)';
}

/**
 * A regular file, open for positional reads: opened non-blocking without following a final symlink,
 * its kind and size taken from the open descriptor; every refusal goes through `fail`. Reads are
 * exact (a file that shrank is an error) and bounded by `maxBytes` (default maxModelBytes()).
 */
export class RegularFile {
  readonly size: number;
  readonly stamp: FileStamp;
  /** Bytes read through this object so far. */
  bytesRead = 0;

  private constructor(
    private fd: number | null,
    st: BigIntStats,
    private readonly fail: FileErrorFactory,
  ) {
    this.stamp = stampOf(st);
    this.size = this.stamp.size;
  }

  static open(path: string, fail: FileErrorFactory): RegularFile {
    let fd: number;
    try {
      // O_NOFOLLOW: the caller resolved symlinks; one swapped in since is refused, not followed.
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENXIO') throw fail('is a socket or a FIFO without a writer, not a regular file: only regular files are read');
      if (code === 'ELOOP') throw fail('became a symbolic link while it was opened');
      throw fail(`cannot be opened (${code ?? (e as Error).message})`);
    }
    try {
      const st = fstatSync(fd, { bigint: true });
      const kind = notRegular(st);
      if (kind) throw fail(`is ${kind}, not a regular file: only regular files are read, so that no read can block or run without end`);
      return new RegularFile(fd, st, fail);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** Refuses a read of `length` bytes past `max`, naming `what` and how to raise the limit. */
  static checkLimit(length: number, what: string, max = maxModelBytes()): void {
    if (length > max) {
      throw new ModelLimitError(
        `${what} is ${length} bytes, more than the limit of ${max} bytes (${+(max / 2 ** 20).toFixed(2)} MiB) ` +
          `LayerLens reads at once: raise it with ${MAX_MODEL_MB_ENV}=<MiB> (at most 2047; see docs/limits.md)`,
      );
    }
  }

  /** Exactly bytes [offset, offset+length). */
  read(offset: number, length: number, limit?: { what: string; maxBytes?: number }): Uint8Array {
    if (this.fd === null) throw new Error('RegularFile.read after close');
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw this.fail(`has ${this.size} bytes; bytes ${offset}..${offset + length} were asked for: the file is truncated or belongs to another model`);
    }
    if (limit) RegularFile.checkLimit(length, limit.what, limit.maxBytes);
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, bytes, done, length - done, offset + done);
      if (n === 0) throw this.fail(`shrank while it was read (got ${done} of ${length} bytes): read it again once it is no longer being written`);
      done += n;
    }
    this.bytesRead += length;
    return bytes;
  }

  /** Refuses a file that holds more than its size said (it grew while read, or /proc-like files that stat as 0). */
  checkEnd(): void {
    if (this.fd !== null && readSync(this.fd, new Uint8Array(1), 0, 1, this.size) !== 0) {
      throw this.fail(`grew while it was read (past ${this.size} bytes): read it again once it is no longer being written`);
    }
  }

  /** Refuses a file rewritten while it was open (its stamp, taken again from the descriptor, differs). */
  checkUnchanged(): void {
    if (this.fd === null) return;
    const now = stampOf(fstatSync(this.fd, { bigint: true }));
    if (!sameStamp(this.stamp, now)) throw this.fail(`changed while it was read (${stampChange(this.stamp, now)}): read it again once it is no longer being written`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * Bytes [offset, offset+length) of the regular file at `path` (which the caller has already
 * resolved and confined); every refusal goes through `fail`, except a read past the limit, which is
 * a ModelLimitError saying how to raise it. With `expect`, a file that is not that version of it
 * (replaced, resized, rewritten) is refused by `changed` before a byte is read.
 */
export function readRegularFile(path: string, fail: FileErrorFactory, range: ReadRange = {}): { bytes: Uint8Array; size: number } {
  const f = RegularFile.open(path, fail);
  try {
    if (range.expect && !sameStamp(range.expect.stamp, f.stamp)) throw range.expect.changed(stampChange(range.expect.stamp, f.stamp));
    const offset = range.offset ?? 0;
    const length = range.length ?? f.size - offset;
    if (offset < 0 || length < 0 || offset + length > f.size) {
      throw fail(`has ${f.size} bytes; bytes ${offset}..${offset + length} were asked for: the file is truncated or belongs to another model`);
    }
    const bytes = f.read(offset, length, { what: range.what ?? path, ...(range.maxBytes !== undefined ? { maxBytes: range.maxBytes } : {}) });
    // A whole-file read must see the end exactly where fstat said it was.
    if (range.length === undefined) f.checkEnd();
    return { bytes, size: f.size };
  } finally {
    f.close();
  }
}
