// Budget files on disk: found (layerlens.budget.json in a folder or one of its parents), read and
// validated (core/budget/validate.ts), and their `files` globs resolved relative to the file's folder:
// fast-glob walks the folder for the models an entry names, picomatch decides whether a given model
// is one of them. Both are the npm ecosystem's standard glob tools; globs are matched on paths
// relative to the budget file's folder with '/' separators, on every platform.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import fg from 'fast-glob';
import { BUDGET_FILE_NAME, parseBudgetFile } from '../../core/budget/validate';
import type { BudgetFile, BudgetTarget } from '../../core/budget/types';
import { BudgetFileError } from '../../core/errors';

/** Folders a walk for models never enters. */
export const IGNORED = ['**/node_modules/**', '**/.git/**'];

/** The budget file in `dir` or the nearest parent folder, or null. */
export function findBudgetFile(dir: string): string | null {
  let d = resolve(dir);
  for (;;) {
    const f = join(d, BUDGET_FILE_NAME);
    if (existsSync(f) && statSync(f).isFile()) return f;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/** Reads and validates a budget file; every problem is a BudgetFileError naming the key. */
export function loadBudgetFile(path: string): BudgetFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BudgetFileError(`cannot read the budget file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, path);
  }
  return parseBudgetFile(text, path);
}

/** The folder a budget file's globs and baselines are relative to. */
export function budgetDir(b: BudgetFile): string {
  return dirname(resolve(b.path));
}

function relativePosix(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

/** The budget entries whose globs match the model at `modelPath`. */
export function targetsFor(b: BudgetFile, modelPath: string): BudgetTarget[] {
  const rel = relativePosix(budgetDir(b), resolve(modelPath));
  return b.targets.filter((t) => picomatch(t.files, { dot: true })(rel));
}

/** Every model file an entry's globs match (absolute paths, sorted). */
export function modelsOfTarget(b: BudgetFile, t: BudgetTarget): string[] {
  return fg.sync(t.files, { cwd: budgetDir(b), absolute: true, dot: true, onlyFiles: true, ignore: IGNORED }).map((p) => resolve(p)).sort();
}

/** The baseline model of an entry, absolute, when it names one. */
export function baselineOf(b: BudgetFile, t: BudgetTarget): string | undefined {
  return t.baseline === undefined ? undefined : resolve(budgetDir(b), t.baseline);
}
