// The one write path for a rewritten model, used by the CLI's `optimize` and the server's fixes:
//   1. check: the target's folder exists and is writable, the target (and TARGET.data when the result
//      has external data) is not a folder, and nothing the write would replace is a file the input
//      model reads — the input itself (unless in place), its external data files, every symbolic link
//      on the way to them (compared as real folder + name, so links and `..` cannot hide a clash);
//   2. stage: the result is written beside the target under a private name
//      (`.TARGET.candidate-<pid>-<n>.onnx`, its external data in the same name + `.data`, both created
//      exclusively), after removing leftovers of killed runs in that folder (private-names.ts);
//   3. verify: the caller runs the candidate (verify.ts) and says whether to write it (a candidate
//      still pending when the process exits normally, e.g. on Ctrl-C in the CLI, is deleted then);
//   4. commit: in place, the input is first copied to `IN.bak` (atomically); the data file is renamed
//      to `TARGET.data` and the model, whose tensors are changed to name `TARGET.data` (only that
//      location string changes), is renamed to TARGET. A preview stops after 3 and commits later,
//      possibly to another target (new file or in place); a refused candidate is deleted.
// Renames are atomic on one file system; the data file and the model are two renames (data first).
// Every file system failure is a FileSystemError naming the file and what to do; a write that would
// replace a file the input reads is a WriteConflictError. Nothing half-written keeps a user's name.
import { accessSync, constants, lstatSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FileSystemError, WriteConflictError } from '../../core/errors';
import type { Model } from '../../core/ir/model';
import { copyFileAtomic, renameFile, syncFolder, writeNewFile } from './atomic-file';
import { encodeModel, hasExternalTensors } from './encode-model';
import { guard } from './fs-error';
import { externalLocations } from './model-tensors';
import { candidateFor, removeStaleFiles, tempFor } from './private-names';
import { relocateExternalData } from './relocate-data';

/** The files an input model reads, which no write may replace. */
export interface InputFiles {
  /** The model file as given. */
  path: string;
  /** Its real folder + name. */
  entry: string;
  /** Real folder + name of every file entry read (links along the way included) → what it is, for messages. */
  read: Map<string, string>;
  /** Bytes of the model file plus its external data files. */
  bytes: number;
}

/** Real folder + name of `p` (the entry a rename to `p` replaces); the folder must exist. */
function entryOf(p: string): string {
  const full = resolve(p);
  return join(realpathSync(dirname(full)), basename(full));
}

/** The entries met on the way from `p` to the file it names: `p` itself, each link's target in turn. */
function entriesAlong(p: string): string[] {
  const out: string[] = [];
  let cur = resolve(p);
  for (let hops = 0; hops < 40; hops++) {
    let e: string;
    try {
      e = entryOf(cur);
    } catch {
      break; // a folder on the way is missing: the model's loader reports that
    }
    out.push(e);
    let st;
    try {
      st = lstatSync(e);
    } catch {
      break;
    }
    if (!st.isSymbolicLink()) break;
    cur = resolve(dirname(e), readlinkSync(e));
  }
  return out;
}

/** The files `model`, read from `path`, reads: the model file and its external data, links resolved. */
export function filesReadBy(path: string, model: Model): InputFiles {
  const read = new Map<string, string>();
  for (const e of entriesAlong(path)) read.set(e, path);
  let bytes = guard('read', path, () => statSync(path).size);
  for (const loc of externalLocations(model)) {
    const data = join(dirname(resolve(path)), loc);
    for (const e of entriesAlong(data)) read.set(e, `${basename(path)}'s external data ${loc}`);
    try {
      bytes += statSync(data).size;
    } catch {
      // a missing data file fails when the model's weights are read; here it counts nothing
    }
  }
  return { path, entry: entryOf(path), read, bytes };
}

/**
 * Checks that `target` can be written: its folder exists, is a folder and is writable, and `target`
 * (and `TARGET.data` when `withData`) is not a folder. Call it early, before long work.
 */
export function checkTarget(target: string, withData = false): void {
  const dir = dirname(resolve(target));
  const st = guard('write', target, () => statSync(dir));
  if (!st.isDirectory()) throw new FileSystemError(`cannot write ${target}: ${dir} is a file, not a folder: choose a path whose folders exist`, target, 'ENOTDIR');
  guard('write', target, () => accessSync(dir, constants.W_OK));
  const isFolder = (p: string): boolean => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  if (isFolder(target)) throw new FileSystemError(`cannot write ${target}: it is a folder: name a file to write instead (e.g. ${join(target, basename(target) || 'model')}.onnx)`, target, 'EISDIR');
  if (withData && isFolder(`${target}.data`)) {
    throw new FileSystemError(`cannot write ${target}.data, where the result's external data goes: it is a folder: remove or rename it, or choose another name for the result`, `${target}.data`, 'EISDIR');
  }
}

export interface WriteTarget {
  input: InputFiles;
  /** The target is the input itself (written in place, the input kept as `IN.bak`). */
  inPlace: boolean;
}

/** Throws unless writing `target` (and its data file, its backup) leaves every file the input reads as it is. */
export function checkWrites(target: string, opts: WriteTarget & { withData: boolean }): void {
  checkTarget(target, opts.withData);
  const { input } = opts;
  const entry = entryOf(target);
  if (opts.inPlace && entry !== input.entry) throw new Error(`write-model: in place, the target ${target} must be the input ${input.path}`);
  if (!opts.inPlace && entry === input.entry) {
    throw new WriteConflictError(`${target} is the model being rewritten: write it in place (its original kept as .bak) or choose another name`);
  }
  const writes: [string, string][] = [];
  if (!opts.inPlace) writes.push([target, 'the result']);
  if (opts.withData) writes.push([`${target}.data`, "the result's external data"]);
  if (opts.inPlace) writes.push([`${target}.bak`, 'the backup of the original']);
  for (const [path, what] of writes) {
    const reader = input.read.get(entryOf(path));
    if (reader === undefined) continue;
    const advice = opts.inPlace ? 'write the result to a new file instead' : 'choose another name for the result';
    const kept = opts.inPlace ? ` (kept as ${basename(target)}.bak)` : '';
    throw new WriteConflictError(`${path} would be replaced by ${what}, but ${input.path}${kept} reads it (${reader}): ${advice}`);
  }
}

/** A verified-or-not result waiting beside its target under private names. */
export interface Candidate {
  path: string;
  /** Its external data file (null when it has none). */
  dataPath: string | null;
  /** The target it was staged for (its folder is the candidate's folder). */
  target: string;
  /** Bytes of the model file and of its external data. */
  bytes: number;
  externalBytes: number;
}

/** Candidates of this process not yet committed or discarded: deleted when the process (or thread) exits. */
const live = new Map<string, Candidate>();
let exitHook = false;

function track(c: Candidate): void {
  live.set(c.path, c);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const x of live.values()) discardCandidate(x);
  });
}

/** Checks, then writes `model` as a candidate beside `target` (see the header). */
export function stageCandidate(model: Model, target: string, opts: WriteTarget): Candidate {
  checkWrites(target, { ...opts, withData: hasExternalTensors(model) });
  removeStaleFiles(dirname(resolve(target)));
  const path = candidateFor(resolve(target));
  const enc = encodeModel(model, `${basename(path)}.data`);
  const dataPath = enc.data ? `${path}.data` : null;
  try {
    if (enc.data) writeNewFile(dataPath!, enc.data, `${target}.data`);
    writeNewFile(path, [enc.proto], target);
  } catch (e) {
    rmSync(path, { force: true });
    if (dataPath) rmSync(dataPath, { force: true });
    throw e;
  }
  const c = { path, dataPath, target: resolve(target), bytes: enc.proto.length, externalBytes: enc.externalBytes };
  track(c);
  return c;
}

export interface Written {
  written: string;
  /** `TARGET.data`, when the result has external data. */
  data: string | null;
  /** `IN.bak`, in place. */
  backup: string | null;
}

/** Renames a candidate into place as `target` (in its folder), its data as `TARGET.data` (see the header). */
export function commitCandidate(c: Candidate, target: string, opts: WriteTarget): Written {
  const final = resolve(target);
  if (dirname(final) !== dirname(c.path)) throw new Error(`write-model: ${c.path} cannot be committed to another folder (${final})`);
  checkWrites(final, { ...opts, withData: c.dataPath !== null });
  const data = c.dataPath ? `${final}.data` : null;
  let model = c.path;
  if (c.dataPath) {
    const proto = guard('read', c.path, () => readFileSync(c.path));
    model = tempFor(final);
    writeNewFile(model, [relocateExternalData(proto, basename(c.dataPath), basename(data!)).proto], final);
  }
  let backup: string | null = null;
  try {
    if (opts.inPlace) {
      backup = `${final}.bak`;
      copyFileAtomic(opts.input.path, backup);
    }
    if (c.dataPath) renameFile(c.dataPath, data!);
    renameFile(model, final);
  } catch (e) {
    if (model !== c.path) rmSync(model, { force: true });
    throw e;
  }
  if (model !== c.path) rmSync(c.path, { force: true });
  live.delete(c.path);
  syncFolder(dirname(final));
  return { written: final, data, backup };
}

/** Deletes a candidate's files; returns those that were there. */
export function discardCandidate(c: Pick<Candidate, 'path' | 'dataPath'>): string[] {
  live.delete(c.path);
  const deleted: string[] = [];
  for (const f of [c.path, c.dataPath]) {
    if (!f) continue;
    try {
      if (!lstatSync(f).isFile()) continue;
      rmSync(f);
      deleted.push(f);
    } catch {
      // already gone
    }
  }
  return deleted;
}

export type WriteOutcome<T> =
  | ({ kind: 'written'; candidate: Candidate; verified: T | null } & Written)
  /** Verified and kept under its private name (a preview): commit or discard it later. */
  | { kind: 'kept'; candidate: Candidate; verified: T | null }
  /** The verifier said no: the candidate was deleted, nothing was written. */
  | { kind: 'refused'; candidate: Candidate; verified: T };

export interface WriteRequest<T> extends WriteTarget {
  model: Model;
  target: string;
  /**
   * Runs the candidate and says whether to write it, with its findings (returned in the outcome). It
   * may also throw: nothing is written then. Omitted: written unverified.
   */
  verify?: (c: Candidate) => Promise<{ write: boolean; verified: T }>;
  /** Keep the verified candidate instead of writing it (a preview). */
  keep?: boolean;
}

/** Stage → verify → commit (see the header); the candidate never outlives a failure. */
export async function writeVerified<T>(req: WriteRequest<T>): Promise<WriteOutcome<T>> {
  const candidate = stageCandidate(req.model, req.target, req);
  let verdict: { write: boolean; verified: T } | null = null;
  try {
    if (req.verify) verdict = await req.verify(candidate);
  } catch (e) {
    discardCandidate(candidate);
    throw e;
  }
  if (verdict && !verdict.write) {
    discardCandidate(candidate);
    return { kind: 'refused', candidate, verified: verdict.verified };
  }
  const verified = verdict?.verified ?? null;
  if (req.keep) return { kind: 'kept', candidate, verified };
  try {
    return { kind: 'written', candidate, verified, ...commitCandidate(candidate, req.target, req) };
  } finally {
    discardCandidate(candidate); // after a commit nothing is left to delete; after a failure, the candidate
  }
}
