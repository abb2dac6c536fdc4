// Reads bytes of a file only when it is a regular file, never more than its size said and never
// more than a limit: a FIFO, a device (/dev/zero), a socket or a folder is refused before a byte is
// read, so no read can block forever or grow without bound. The file is opened non-blocking (a FIFO
// with no writer then opens at once instead of waiting) and its type and size are taken from the
// open descriptor (fstat), so what is checked is what is read; a file that changes size while it is
// read is an error, not a silently short or long buffer.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
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
export function notRegular(st: Stats): string | null {
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
}

/**
 * Bytes [offset, offset+length) of the regular file at `path` (which the caller has already
 * resolved and confined); every refusal goes through `fail`, except a read past the limit, which is
 * a ModelLimitError saying how to raise it.
 */
export function readRegularFile(path: string, fail: FileErrorFactory, range: ReadRange = {}): { bytes: Uint8Array; size: number } {
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
    const st = fstatSync(fd);
    const kind = notRegular(st);
    if (kind) throw fail(`is ${kind}, not a regular file: only regular files are read, so that no read can block or run without end`);
    const size = st.size;
    const offset = range.offset ?? 0;
    const length = range.length ?? size - offset;
    if (offset < 0 || length < 0 || offset + length > size) {
      throw fail(`has ${size} bytes; bytes ${offset}..${offset + length} were asked for: the file is truncated or belongs to another model`);
    }
    const max = range.maxBytes ?? maxModelBytes();
    if (length > max) {
      throw new ModelLimitError(
        `${range.what ?? path} is ${length} bytes, more than the limit of ${max} bytes (${+(max / 2 ** 20).toFixed(2)} MiB) ` +
          `LayerLens reads at once: raise it with ${MAX_MODEL_MB_ENV}=<MiB> (at most 2047; see docs/limits.md)`,
      );
    }
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, bytes, done, length - done, offset + done);
      if (n === 0) throw fail(`shrank while it was read (got ${done} of ${length} bytes): read it again once it is no longer being written`);
      done += n;
    }
    // A whole-file read must see the end exactly where fstat said it was.
    if (range.length === undefined && readSync(fd, new Uint8Array(1), 0, 1, offset + length) !== 0) {
      throw fail(`grew while it was read (past ${size} bytes): read it again once it is no longer being written`);
    }
    return { bytes, size };
  } finally {
    closeSync(fd);
  }
}
