// Files written without ever leaving a half-written one under a name a user reads: bytes go to a
// private file in the target's folder (created exclusively, so nothing else is overwritten), are
// flushed to disk, and the file is renamed to its name (atomic on one file system), then the folder
// is flushed so the rename survives a crash. Every failure is a typed FileSystemError naming the
// target, and the private file is removed. Written by hand because Node's fs has no atomic write and
// npm's write-file-atomic names its temporary `FILE.<hash>` (no process id, not hidden), so a killed
// run's leftover could not be told from a user's file and cleaned up (private-names.ts).
import { closeSync, copyFileSync, constants, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { guard } from './fs-error';
import { removeStaleFiles, tempFor } from './private-names';

/** Bytes in all chunks. */
function total(chunks: readonly Uint8Array[]): number {
  return chunks.reduce((s, c) => s + c.length, 0);
}

/**
 * Writes `chunks` to a new file at `path`, which must not exist (O_EXCL), and flushes it; on failure
 * the partial file is removed and the error names `nameForErrors` (the file the user asked for).
 */
export function writeNewFile(path: string, chunks: readonly Uint8Array[], nameForErrors = path): void {
  const bytes = total(chunks);
  const fd = guard('write', nameForErrors, () => openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644));
  try {
    guard('write', nameForErrors, () => {
      for (const c of chunks) {
        let off = 0;
        while (off < c.length) off += writeSync(fd, c, off, c.length - off);
      }
      fsyncSync(fd);
    }, { bytes });
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  }
  guard('write', nameForErrors, () => closeSync(fd), { bytes });
}

/** Renames `from` to `to` (replacing `to`), as a typed error naming `to` when it fails. */
export function renameFile(from: string, to: string): void {
  guard('write', to, () => renameSync(from, to));
}

/** Flushes a folder's entries (the renames in it) to disk; file systems that cannot are let be. */
export function syncFolder(folder: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a folder; the rename itself is done
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Writes `chunks` to `path` atomically (private file beside it, flush, rename). */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  removeStaleFiles(dirname(path));
  const tmp = tempFor(path);
  writeNewFile(tmp, chunks, path);
  try {
    renameFile(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncFolder(dirname(path));
}

/** Copies `from` to `to` atomically (a backup is either complete or absent). */
export function copyFileAtomic(from: string, to: string): void {
  const tmp = tempFor(to);
  try {
    guard('create the copy', to, () => copyFileSync(from, tmp, constants.COPYFILE_EXCL));
    const fd = guard('create the copy', to, () => openSync(tmp, 'r'));
    try {
      guard('create the copy', to, () => fsyncSync(fd));
    } finally {
      closeSync(fd);
    }
    renameFile(tmp, to);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncFolder(dirname(to));
}
