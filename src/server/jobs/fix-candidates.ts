// Verified fix candidates: the rewritten model is saved under a hidden name beside the original
// (`.model.<rule>.onnx.candidate-<pid>-<n>.onnx`), verified, then renamed into place — at once, or
// later when a preview is committed. Runs in the jobs worker, which remembers the previews it made
// (and the model's mtime and size then), so only those can be committed, and only while the model is
// unchanged. Discarding deletes only files named like candidates inside their model's folder.
import { copyFileSync, existsSync, lstatSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES, registeredRules } from '../../core/passes';
import type { CommitFixArgs, CommitFixResult, DiscardFixArgs, DiscardFixResult } from '../../protocol/requests';
import { FixCandidateError } from '../shared/errors';

const CANDIDATE = /^\.(.+\.onnx)\.candidate-\d+(?:-\d+)?\.onnx$/;

let seq = 0;

/** Where a fix of `ruleId` on `model` is written as a new file: `model.<rule>.onnx` beside it. */
export function newFileTarget(model: string, ruleId: string): string {
  return join(dirname(model), basename(model).replace(/\.onnx$/i, '') + `.${ruleId}.onnx`);
}

/** A fresh hidden candidate name for `target`, in the target's folder. */
export function candidateFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.candidate-${process.pid}-${++seq}.onnx`);
}

interface Preview {
  model: string;
  ruleId: string;
  mtimeMs: number;
  size: number;
}
const previews = new Map<string, Preview>();

/** Remembers a verified preview; `stamp` is the model's mtime and size when it was read for the fix. */
export function rememberPreview(candidate: string, model: string, ruleId: string, stamp: { mtimeMs: number; size: number }): void {
  previews.set(candidate, { model, ruleId, mtimeMs: stamp.mtimeMs, size: stamp.size });
}

/** Renames a previewed candidate into place (in-place keeps `model.onnx.bak`). */
export function commitFix(args: CommitFixArgs): CommitFixResult {
  const model = fileURLToPath(args.modelUri);
  const p = previews.get(args.candidate);
  if (!p) throw new FixCandidateError(`${args.candidate} is not a fix preview of this server (or was already committed or discarded): preview the fix again`);
  if (p.model !== model || p.ruleId !== args.ruleId) throw new FixCandidateError(`${args.candidate} is a preview of ${p.ruleId} on ${p.model}, not of ${args.ruleId} on ${model}`);
  if (args.write !== 'new-file' && args.write !== 'in-place') throw new FixCandidateError(`write must be 'new-file' or 'in-place', not ${JSON.stringify(args.write)}`);
  if (!existsSync(args.candidate)) {
    previews.delete(args.candidate);
    throw new FixCandidateError(`${args.candidate} no longer exists: preview the fix again`);
  }
  let st;
  try {
    st = statSync(model);
  } catch {
    throw new FixCandidateError(`${model} no longer exists: the preview cannot be committed`);
  }
  if (st.mtimeMs !== p.mtimeMs || st.size !== p.size) throw new FixCandidateError(`${model} changed since the preview was made: preview the fix again`);
  previews.delete(args.candidate);
  if (args.write === 'in-place') {
    const backup = `${model}.bak`;
    copyFileSync(model, backup);
    renameSync(args.candidate, model);
    return { written: model, backup };
  }
  const target = newFileTarget(model, args.ruleId);
  renameSync(args.candidate, target);
  return { written: target };
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
  const m = CANDIDATE.exec(basename(c));
  if (!m) refuse('not a candidate file name');
  const model = args.modelUri ? fileURLToPath(args.modelUri) : modelOfName(dir, m![1]!);
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
