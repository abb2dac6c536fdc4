// The file system's refusals as typed errors: a Node system error (EACCES, ENOSPC, EISDIR…) becomes a
// FileSystemError that names the path and says what to do, so the CLI exits 1 with one line and the
// server answers a typed error, never "internal error" with a stack.
import { dirname } from 'node:path';
import { FileSystemError, LayerLensError } from '../../core/errors';

/** A Node system error (it has an errno code such as 'ENOENT'). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && !(e instanceof LayerLensError) && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);
}

/**
 * The typed error for a failed file operation. `action` is what was being done, in words
 * ("write", "read", "create the backup"); `path` is the file it was done to. Errors that are already
 * typed pass through unchanged; anything that is not a system error is returned as it is (a bug).
 */
export function fileError(e: unknown, action: string, path: string, detail?: { bytes?: number }): unknown {
  if (!isSystemError(e)) return e;
  const code = e.code;
  const dir = dirname(path);
  const reading = /^(read|open|stat|lstat|scandir|opendir|readlink|access|realpath)/.test(action);
  const need = detail?.bytes !== undefined ? ` (about ${mib(detail.bytes)} were needed)` : '';
  const what: Record<string, string> = {
    ENOENT: reading ? `${path} does not exist: check the path` : `the folder ${dir} does not exist (or was removed meanwhile): create it first, or choose another place`,
    ENOTDIR: `a part of ${dir} is a file, not a folder: choose a path whose folders exist`,
    EACCES: reading ? `no permission to read it: check the permissions of ${path} and of its folders` : `no permission to write in ${dir}: choose a folder you can write to, or change its permissions`,
    EPERM: `the system does not permit it: check the permissions and attributes of ${path} and ${dir}, or choose another place`,
    EROFS: `${dir} is on a read-only file system: write to another place`,
    ENOSPC: `no space left on the device holding ${dir}${need}: free some space or write to another disk; nothing half-written was left`,
    EDQUOT: `your disk quota is used up on the device holding ${dir}${need}: free some space or write to another disk; nothing half-written was left`,
    EFBIG: `the file is larger than the file system at ${dir} allows${need}: write to another disk`,
    EISDIR: `${path} is a folder: name a file to write instead (e.g. ${path}/model.onnx)`,
    EEXIST: `${path} exists and is in the way (a folder, or created meanwhile by another program): remove it or choose another name`,
    ENOTEMPTY: `${path} is a folder that is not empty: remove it or choose another name`,
    ENAMETOOLONG: `the name ${path} is too long for the file system: choose a shorter name`,
    ELOOP: `${path} goes through too many symbolic links (a loop?): fix the links or choose another path`,
    EMFILE: `too many files are open to ${action} ${path}: close some programs, or raise the limit (ulimit -n)`,
    ENFILE: `the system has too many files open to ${action} ${path}: try again later`,
    EIO: `the device holding ${path} reported an I/O error: check the disk, then try again`,
    EBUSY: `${path} is busy (in use by the system or a mount): choose another name`,
    ETXTBSY: `${path} is in use by a running program: choose another name`,
    EXDEV: `${path} is on another file system than its temporary file: choose a path on one file system`,
  };
  const message = `cannot ${action} ${path}: ${what[code] ?? `${e.message.replace(/^[A-Z0-9]+: /, '')}: check the path and the disk, then try again`}`;
  return new FileSystemError(message, path, code);
}

/** Runs a file operation; a system error becomes the typed error of fileError. */
export function guard<T>(action: string, path: string, f: () => T, detail?: { bytes?: number }): T {
  try {
    return f();
  } catch (e) {
    throw fileError(e, action, path, detail);
  }
}

function mib(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}
