// `layerlens check` without its output: find and read the budget file, pick the models (those given,
// or every model the entries' globs match), read each (a bad model becomes that model's error, not a
// crash), measure or skip latency, read the baseline for increase limits, and judge every entry.
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { evaluateBudget } from '../../core/budget/evaluate';
import { modelStatus, type CheckReport, type ModelReport } from '../../core/budget/report';
import type { BudgetFile, BudgetTarget, Check, LatencyMeasurement, LatencySource, ModelFigures } from '../../core/budget/types';
import { BUDGET_FILE_NAME, needsBaseline, needsLatency } from '../../core/budget/validate';
import { BudgetFileError, FileAccessError, LayerLensError, UsageError } from '../../core/errors';
import type { Bindings } from '../../core/shape/types';
import { baselineOf, findBudgetFile, loadBudgetFile, modelsOfTarget, targetsFor } from './budget-file';
import { figuresOf, readBudgetModel, type BudgetModel } from './model-figures';

export interface CheckOptions {
  /** Models named on the command line; empty: every model the budget file's globs match. */
  models: string[];
  budget?: string;
  /** A baseline model (one model checked) or a folder mirroring the working folder. */
  baseline?: string;
  /** --input/--dim: applied on top of each entry's bindings. */
  bindings?: Bindings;
  /** null: latency limits are skipped (--skip-latency). */
  latency: LatencySource | null;
  cwd: string;
  /** An increase limit with no baseline: a usage error (the CLI), or left out and said so (the editor). */
  missingBaseline?: 'error' | 'skip';
  /** Which files may be read (the language server: its workspace folders); a model or baseline outside is that model's FileAccessError. */
  readable?: (path: string) => boolean;
}

function display(cwd: string, p: string): string {
  const r = relative(cwd, p);
  return (r.startsWith('..') ? resolve(p) : r).split(sep).join('/');
}

function merged(a: Bindings, b: Bindings | undefined): Bindings {
  return { inputs: { ...a.inputs, ...b?.inputs }, dims: { ...a.dims, ...b?.dims } };
}

/** The models to check and the entries that apply to each. */
function selection(b: BudgetFile, models: string[]): Map<string, BudgetTarget[]> {
  const out = new Map<string, BudgetTarget[]>();
  if (models.length > 0) {
    for (const m of models) {
      const ts = targetsFor(b, m);
      if (ts.length === 0) {
        throw new UsageError(`${m} matches no entry of ${b.path} (its globs: ${b.targets.map((t) => t.files.join(', ')).join('; ')}): add it to a "files" list, or name the budget file with --budget`);
      }
      out.set(resolve(m), ts);
    }
    return out;
  }
  for (const t of b.targets) {
    const found = modelsOfTarget(b, t);
    if (found.length === 0) throw new BudgetFileError(`${b.path}: ${t.where}.files (${t.files.join(', ')}) matches no file: check the globs (they are relative to the budget file's folder)`, b.path, `${t.where}.files`);
    for (const m of found) if (!out.has(m)) out.set(m, targetsFor(b, m));
  }
  return out;
}

function baselineFor(o: CheckOptions, b: BudgetFile, t: BudgetTarget, model: string, count: number): string | undefined {
  if (o.baseline) {
    const base = resolve(o.cwd, o.baseline);
    if (!existsSync(base)) throw new UsageError(`--baseline ${o.baseline}: no such file or folder`);
    if (statSync(base).isDirectory()) {
      // A model the baseline folder lacks is new: it has no increase to judge.
      const p = join(base, relative(o.cwd, model));
      return existsSync(p) ? p : undefined;
    }
    if (count > 1) throw new UsageError(`--baseline ${o.baseline} is one file but ${count} models are checked: give a folder that mirrors the working folder, or set "baseline" per entry in ${BUDGET_FILE_NAME}`);
    return base;
  }
  const own = baselineOf(b, t);
  if (own === undefined && needsBaseline(t) && o.missingBaseline !== 'skip') {
    const key = Object.entries(t.model).find(([, l]) => l?.maxIncreasePercent !== undefined)![0];
    throw new UsageError(`${t.where}.budgets.${key}.maxIncreasePercent needs a baseline model: add "baseline" to ${t.where} in ${b.path}, or pass --baseline OLD.onnx`);
  }
  return own;
}

/** A file the caller may not read: a FileAccessError, reported as that model's error. */
function refuseUnreadable(o: CheckOptions, path: string, what: string): void {
  if (o.readable && !o.readable(path)) throw new FileAccessError(`the ${what} ${path} is outside the workspace folders: the language server reads only files inside them`);
}

/** Runs every check; a model that cannot be read is reported as that model's error. */
export async function runCheck(o: CheckOptions): Promise<CheckReport> {
  const budgetPath = o.budget ? resolve(o.cwd, o.budget) : findBudgetFile(o.cwd);
  if (!budgetPath) throw new UsageError(`no budget file: pass --budget FILE, or put a ${BUDGET_FILE_NAME} in ${o.cwd} or a parent folder (docs/budgets.md)`);
  const b = loadBudgetFile(budgetPath);
  const chosen = selection(b, o.models);
  let latencySource: string | null = null;
  const models: ModelReport[] = [];
  for (const [path, targets] of chosen) {
    const report: ModelReport = { path: display(o.cwd, path), status: 'pass', targets: targets.map((t) => t.where), checks: [], skipped: [] };
    models.push(report);
    try {
      refuseUnreadable(o, path, 'model');
      const model = readBudgetModel(path);
      if (model.regions) report.regions = model.regions;
      const cache = new Map<string, ModelFigures>();
      const judge = async (m: BudgetModel, file: string, t: BudgetTarget, latency: boolean): Promise<ModelFigures> => {
        const bindings = merged(t.bindings, o.bindings);
        const key = JSON.stringify([file, bindings, latency ? t.latency : null]);
        let f = cache.get(key);
        if (!f) {
          let measured: LatencyMeasurement | undefined;
          if (latency && o.latency) {
            measured = await o.latency.measure(file, bindings, t.latency);
            latencySource = measured.source;
          }
          f = figuresOf(m, bindings, measured);
          cache.set(key, f);
        }
        return f;
      };
      for (const t of targets) {
        const latency = needsLatency(t);
        if (latency && !o.latency) report.skipped.push(`latency limits of ${t.where} (--skip-latency)`);
        const figures = await judge(model, path, t, latency);
        report.figures ??= { macs: figures.macs, flops: figures.flops, params: figures.params, weightBytes: figures.weightBytes, fileBytes: figures.fileBytes, peakActivationBytes: figures.peakActivationBytes, ...(figures.latencyMs ? { latencyMs: figures.latencyMs } : {}) };
        const basePath = baselineFor(o, b, t, path, chosen.size);
        if (!basePath && needsBaseline(t)) report.skipped.push(`increase limits of ${t.where} (${o.baseline ? `a new model: not in the baseline folder ${o.baseline}` : 'no "baseline" model'})`);
        let baseline: ModelFigures | undefined;
        if (basePath && needsBaseline(t)) {
          report.baseline = display(o.cwd, basePath);
          let base: BudgetModel;
          try {
            refuseUnreadable(o, basePath, 'baseline');
            base = readBudgetModel(basePath);
          } catch (e) {
            if (e instanceof LayerLensError && e.exitCode === 1) e.message = `the baseline ${report.baseline} is bad: ${e.message}`;
            throw e;
          }
          baseline = await judge(base, basePath, t, latency && t.model.latencyMs?.maxIncreasePercent !== undefined);
        }
        report.checks.push(...evaluateBudget(t, figures, { ...(baseline ? { baseline } : {}), skipLatency: !o.latency }));
      }
      report.status = modelStatus(report.checks, b.onUnknown);
    } catch (e) {
      if (!(e instanceof LayerLensError) || (e.exitCode !== 1 && !(e instanceof FileAccessError))) throw e;
      report.status = 'error';
      report.error = { name: e.name, message: e.message };
      report.checks = [] as Check[];
    }
  }
  return { budgetFile: display(o.cwd, budgetPath), onUnknown: b.onUnknown, latencySource, models };
}
