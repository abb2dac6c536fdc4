// Verified fix candidates: the rewritten model is saved under a hidden name beside the original
// (`.model.<rule>.onnx.candidate-<pid>-<n>.onnx`, its external data in the same name + `.data`),
// verified, then renamed into place by the one write path (src/node/files/write-model.ts) — at once,
// or later when a preview is committed. Runs in the jobs worker, which remembers the previews it made
// (and the model's mtime and size then), so only those can be committed, and only while the model is
// unchanged. Discarding deletes only files named like candidates inside their model's folder.
import { existsSync, lstatSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES, registeredRules } from '../../core/passes';
import type { CommitFixArgs, CommitFixResult, DiscardFixArgs, DiscardFixResult } from '../../protocol/fixes';
import { checkWrites, commitCandidate, discardCandidate, type Candidate, type InputFiles } from '../../node/files/write-model';
import { candidateTarget } from '../../node/files/private-names';
import { FixCandidateError } from '../shared/errors';

/** Where a fix of `ruleId` on `model` is written as a new file: `model.<rule>.onnx` beside it. */
export function newFileTarget(model: string, ruleId: string): string {
  return join(dirname(model), basename(model).replace(/\.onnx$/i, '') + `.${ruleId}.onnx`);
}

interface Preview {
  candidate: Candidate;
  model: string;
  ruleId: string;
  /** The model's mtime and size when it was read for the fix. */
  stamp: { mtimeMs: number; size: number };
  /** The files the model read then (no commit may replace them). */
  input: InputFiles;
}
const previews = new Map<string, Preview>();

/** Remembers a verified preview (its candidate, and the model as it was read for the fix). */
export function rememberPreview(candidate: Candidate, p: Omit<Preview, 'candidate'>): void {
  previews.set(candidate.path, { candidate, model: p.model, ruleId: p.ruleId, stamp: { mtimeMs: p.stamp.mtimeMs, size: p.stamp.size }, input: p.input });
}

/**
 * Renames a previewed candidate (and its external data) into place through the write path: as
 * `model.<rule>.onnx` (+ `.data`), or in place keeping `model.onnx.bak`. A commit the write path
 * refuses keeps the preview; one that fails while writing deletes it (preview again).
 */
export function commitFix(args: CommitFixArgs): CommitFixResult {
  const model = fileURLToPath(args.modelUri);
  const p = previews.get(args.candidate);
  if (!p) throw new FixCandidateError(`${args.candidate} is not a fix preview of this server (or was already committed or discarded): preview the fix again`);
  if (p.model !== model || p.ruleId !== args.ruleId) throw new FixCandidateError(`${args.candidate} is a preview of ${p.ruleId} on ${p.model}, not of ${args.ruleId} on ${model}`);
  if (args.write !== 'new-file' && args.write !== 'in-place') throw new FixCandidateError(`write must be 'new-file' or 'in-place', not ${JSON.stringify(args.write)}`);
  const c = p.candidate;
  if (!existsSync(c.path) || (c.dataPath && !existsSync(c.dataPath))) {
    previews.delete(args.candidate);
    discardCandidate(c);
    throw new FixCandidateError(`${args.candidate} (or its data file) no longer exists: preview the fix again`);
  }
  let st;
  try {
    st = statSync(model);
  } catch {
    throw new FixCandidateError(`${model} no longer exists: the preview cannot be committed`);
  }
  if (st.mtimeMs !== p.stamp.mtimeMs || st.size !== p.stamp.size) throw new FixCandidateError(`${model} changed since the preview was made: preview the fix again`);
  const inPlace = args.write === 'in-place';
  const target = inPlace ? model : newFileTarget(model, args.ruleId);
  checkWrites(target, { input: p.input, inPlace, withData: c.dataPath !== null }); // refused: the preview stays (commit it the other way)
  previews.delete(args.candidate);
  try {
    const w = commitCandidate(c, target, { input: p.input, inPlace });
    return { written: w.written, ...(w.backup ? { backup: w.backup } : {}) };
  } finally {
    discardCandidate(c); // nothing left after a commit; after a failure, the candidate
  }
}

/** The model a candidate name belongs to, if it lies beside the candidate. */
function modelOfName(dir: string, target: string): string | null {
  if (existsSync(join(dir, target))) return join(dir, target); // an in-place candidate names the model itself
  const ids = new Set([...RULES.map((r) => r.id), ...registeredRules().map((r) => r.id)]);
  for (const id of ids) {
    const suffix = `.${id}.onnx`;
    if (target.endsWith(suffix) && existsSync(join(dir, target.slice(0, -suffix.length) + '.onnx'))) return join(dir, target.slice(0, -suffix.length) + '.onnx');
  }
  return null;
}

/** Deletes a candidate (and its `.data`), refusing any file that is not one inside its model's folder. */
export function discardFix(args: DiscardFixArgs): DiscardFixResult {
  const c = args.candidate;
  const refuse = (why: string): never => {
    throw new FixCandidateError(`refusing to delete ${JSON.stringify(c)}: ${why}; only fix candidates (.<model>.<rule>.onnx.candidate-<pid>-<n>.onnx beside their model) can be discarded`);
  };
  if (typeof c !== 'string' || !isAbsolute(c) || normalize(c) !== c || resolve(c) !== c) refuse('not a plain absolute path');
  const dir = dirname(c);
  const m = candidateTarget(basename(c));
  if (!m || m.data) refuse('not a candidate file name');
  const model = args.modelUri ? fileURLToPath(args.modelUri) : modelOfName(dir, m!.target);
  if (!model) refuse(`no model it belongs to lies beside it in ${dir}`);
  if (dirname(resolve(model!)) !== dir) refuse(`it is not in the folder of ${model}`);
  let realDir: string;
  try {
    realDir = realpathSync(dir);
  } catch {
    return { deleted: [] };
  }
  if (realDir !== realpathSync(dirname(resolve(model!)))) refuse('its folder is not the model folder');
  const present = [c, `${c}.data`].filter((f) => {
    let st;
    try {
      st = lstatSync(f);
    } catch {
      return false; // already gone
    }
    if (!st.isFile()) refuse(`${f} is not a regular file`);
    return true;
  });
  for (const f of present) rmSync(f);
  previews.delete(c);
  const deleted = present;
  return { deleted };
}
