// Which files the server may read and write for its client: those inside the client's workspace
// folders (initialize, workspace/didChangeWorkspaceFolders), the documents the client opened
// (didOpen of a file: document, or of a model's text view), and the models the client said it opened
// (layerlens/didOpenModel: the graph editor, a text view or a comparison of a file outside every
// folder). A fix is written, and a candidate discarded, only beside an allowed model. Anything else is
// a FileAccessError: a request can never make the server read an arbitrary path. Paths are compared
// after '..' and '.' are resolved; a symlink inside a workspace folder is followed (the folder's owner
// put it there), and model files are read as regular files only (src/node/model-file.ts).
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileAccessError, UsageError } from '../../core/errors';

const folders = new Set<string>();
const granted = new Set<string>();

const inside = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** The local path of a `file:` URI (else a UsageError). */
export function pathOf(uri: unknown, what = 'uri'): string {
  if (typeof uri !== 'string' || !uri.startsWith('file:')) throw new UsageError(`${what} must be a file: URI, not ${JSON.stringify(uri)}`);
  try {
    return resolve(fileURLToPath(uri));
  } catch (e) {
    throw new UsageError(`${what} ${JSON.stringify(uri)} is not a usable file URI: ${(e as Error).message}`);
  }
}

/** Workspace folders added (and removed), as URIs. */
export function changeFolders(added: readonly string[], removed: readonly string[] = []): void {
  for (const u of removed) if (u.startsWith('file:')) folders.delete(pathOf(u));
  for (const u of added) if (u.startsWith('file:')) folders.add(pathOf(u));
}

/** The workspace folders' paths (to resolve a workspace-relative setting). */
export function folderPaths(): string[] {
  return [...folders];
}

/** The client opened this file (a document, or a model in one of its editors). */
export function grant(uri: string): void {
  if (uri.startsWith('file:')) granted.add(pathOf(uri));
}

function allowed(path: string): boolean {
  return granted.has(path) || [...folders].some((f) => inside(f, path));
}

function refuse(path: string): never {
  const where = folders.size ? `the workspace folders (${[...folders].join(', ')})` : 'any workspace folder (none is open)';
  throw new FileAccessError(`${path} is outside ${where} and is not a document or model open in the editor: the language server reads and writes only those. Open the file, or its folder, in the editor first`);
}

/** The path of `uri` when the server may read it (else a FileAccessError or UsageError). */
export function checkAccess(uri: unknown, what = 'uri'): string {
  const path = pathOf(uri, what);
  if (!allowed(path)) refuse(path);
  return path;
}

/**
 * Refuses an absolute `path` outside the workspace folders and not beside an allowed file (a fix
 * candidate). Anything else that is not a plain absolute path is refused by the job itself
 * (jobs/fix-candidates.ts), with its own reason.
 */
export function checkBeside(path: unknown): void {
  if (typeof path !== 'string' || !isAbsolute(path)) return;
  const p = resolve(path);
  if (allowed(p) || [...granted].some((g) => dirname(g) === dirname(p))) return;
  refuse(p);
}
