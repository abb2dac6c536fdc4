// The private names the write path gives its files beside a target, and the cleanup of those a killed
// run left behind. Every private name starts with a dot, names the target, and carries the writer's
// process id: `.OUT.candidate-<pid>-<n>.onnx` (+ `.data`) for a candidate model and
// `.OUT.tmp-<pid>-<n>` for a file on its way to its name. A leftover is removed only when it matches
// one of these patterns exactly, is a regular file (never a link or a folder), lies in the folder
// being written to, and its process is gone. Earlier versions staged in `.OUT.layerlens-XXXXXX`
// folders without a process id: those are removed once a day old. (A process id says nothing about
// another machine's processes: on a folder shared between machines, a leftover of a run still going
// on another machine would be taken for stale.)
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const CANDIDATE = /^\.(.+)\.candidate-(\d+)(?:-\d+)?\.onnx(\.data)?$/;
const TEMP = /^\..+\.tmp-(\d+)-\d+$/;
const LEGACY_STAGE = /^\..+\.layerlens-[A-Za-z0-9]{6}$/;
const LEGACY_STAGE_AGE_MS = 24 * 3600_000;

let seq = 0;

/** A fresh hidden candidate name for `target`, in the target's folder. */
export function candidateFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.candidate-${process.pid}-${++seq}.onnx`);
}

/** A fresh temporary name for a file on its way to `path`, in the same folder. */
export function tempFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${++seq}`);
}

/** The target a candidate file name (a base name) was made for, or null when it is not a candidate's name. */
export function candidateTarget(name: string): { target: string; pid: number; data: boolean } | null {
  const m = CANDIDATE.exec(name);
  return m ? { target: m[1]!, pid: Number(m[2]), data: m[3] !== undefined } : null;
}

/** Whether a process with this id runs on this machine (one we may not signal still runs). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the leftovers of killed runs in `folder` (see the header for what counts as one). Returns
 * the paths removed; a file that cannot be removed is left (this is housekeeping, never a failure).
 */
export function removeStaleFiles(folder: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith('.')) continue;
    const pid = candidateTarget(name)?.pid ?? (TEMP.exec(name) ? Number(TEMP.exec(name)![1]) : null);
    const legacy = pid === null && LEGACY_STAGE.test(name);
    if (pid === null && !legacy) continue;
    const path = join(folder, name);
    try {
      const st = lstatSync(path);
      if (pid !== null) {
        if (!st.isFile() || processAlive(pid)) continue;
        rmSync(path);
      } else {
        if (!st.isDirectory() || now - st.mtimeMs < LEGACY_STAGE_AGE_MS) continue;
        rmSync(path, { recursive: true }); // rm does not follow links inside
      }
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove: leave it
    }
  }
  return removed;
}
