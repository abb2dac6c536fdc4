// `layerlens optimize IN -o OUT --quantize KIND|--decompose --min-cosine C [--max-abs-error E]
// [--min-top1 A]`: compression within an error budget (src/node/compress/within-budget.ts): the layers
// most sensitive stay in float, the rest are compressed, chosen for size and latency gain; the result
// goes through the one write path, verified in ONNX Runtime with the budget as its tolerance.
import { analyzeModel } from '../../core/analysis/analyze';
import { describeBudget, describeError, type Budget } from '../../core/compress/budget';
import { sensitivityJson } from '../../core/compress/sensitivity';
import { ErrorBudgetUnmetError, LayerLensError, UsageError } from '../../core/errors';
import type { Model } from '../../core/ir/model';
import type { Bindings } from '../../core/shape/types';
import { writeSampleFiles } from '../../node/compress/samples';
import { compressWithinBudget, type BudgetOutcome } from '../../node/compress/within-budget';
import { writeVerified, type Candidate, type InputFiles } from '../../node/files/write-model';
import { inputSpecs } from '../../node/ort/profile';
import { verifyRewrite, type Verification } from '../../node/ort/verify';
import { exitHandlersOnSignal } from '../errors';
import { bytes, safe, si } from '../format';
import { kindFrom, methodFrom, samplesFrom, type CompressFlags } from './compress-flags';

class BudgetVerificationError extends LayerLensError {
  readonly exitCode = 1;
}

export interface BudgetRun {
  inPath: string;
  out: string;
  original: Model;
  input: InputFiles;
  bindings: Bindings;
  inPlace: boolean;
  /** Layers the search may compress (--only node names); all candidates when empty. */
  only: string[];
  flags: CompressFlags & { fuse?: boolean; prune?: string; verify: boolean; force?: boolean; json?: boolean; timeout: number };
}

/** The energies a budgeted factorization chooses from per layer when no rank or energy is given. */
const LADDER = [0.9, 0.95, 0.99];

export async function optimizeWithinBudget(budget: Budget, run: BudgetRun): Promise<void> {
  const { flags } = run;
  const kind = kindFrom(flags);
  if (!kind) throw new UsageError(`an error budget (${describeBudget(budget)}) needs what to compress: --quantize int8|int8-static|int4|fp16 or --decompose`);
  if (flags.fuse || flags.prune !== undefined) throw new UsageError('an error budget applies to one compression (--quantize KIND or --decompose): run --fuse or --prune in a separate optimize step');
  const specs = inputSpecs(analyzeModel(run.original, { bindings: run.bindings }).report);
  const samples = samplesFrom(flags, run.original, specs);
  const method = await methodFrom(kind, flags, run.original, samples, run.bindings);
  const controller = new AbortController();
  const outcome = await exitHandlersOnSignal(() =>
    compressWithinBudget({
      model: run.original,
      path: run.inPath,
      samples,
      bindings: run.bindings,
      method,
      budget,
      ...(run.only.length ? { only: run.only } : {}),
      ...(kind === 'low-rank' && flags.decomposeRank === undefined && flags.decomposeEnergy === undefined ? { energyLadder: LADDER } : {}),
      signal: controller.signal,
      timeoutMs: flags.timeout * 1000,
      onProgress: flags.json ? undefined : (m) => process.stderr.write(`budget: ${m}\n`),
    }),
  );
  if (outcome.compressed.length === 0) {
    const why = outcome.kept.slice(0, 12).map((k) => `${k.name}: ${k.reason}`).join('; ');
    throw new ErrorBudgetUnmetError(`no layer can be compressed by ${kind} within the budget (${describeBudget(budget)}): ${why || 'the model has no candidate layer'}${outcome.kept.length > 12 ? `; … (${outcome.kept.length - 12} more)` : ''}. Nothing was written`);
  }
  // Verification on the write path: sample 0 (what the search ran first) through the profiler's
  // worker, with the budget as the tolerance. With several samples the search already held every one
  // of them to the budget; top-1 agreement is a figure over all of them, so it is not re-checked on one.
  const sample = samples.from === 'generated' ? null : writeSampleFiles(samples.sets[0]!);
  const tolerance: Budget = { ...budget };
  if (samples.sets.length > 1) delete tolerance.minTop1;
  try {
    const verify = async (c: Candidate): Promise<{ write: boolean; verified: Verification }> => {
      const v = await verifyRewrite(
        { path: run.inPath, model: run.original, fileBytes: run.input.bytes },
        { path: c.path, model: outcome.model, fileBytes: c.bytes + c.externalBytes },
        tolerance,
        { bindings: run.bindings, timeoutMs: flags.timeout * 1000, ...(sample ? { inputFiles: sample.files } : {}) },
      );
      if (!v.passed && !flags.force) {
        process.stdout.write(render(outcome, v, null, flags.json) + '\n');
        throw new BudgetVerificationError(`the compressed model is outside the budget in verification (${v.failures.join('; ')}): nothing was written (use --force to write anyway)`);
      }
      return { write: true, verified: v };
    };
    const written = await exitHandlersOnSignal(() => writeVerified({ model: outcome.model, target: run.out, input: run.input, inPlace: run.inPlace, ...(flags.verify ? { verify } : {}) }));
    process.stdout.write(render(outcome, written.verified, run.out, flags.json) + '\n');
  } finally {
    sample?.cleanup();
  }
}

export function budgetJson(o: BudgetOutcome, v: Verification | null, out: string | null): object {
  return {
    output: out,
    kind: o.method.kind,
    ruleId: o.method.ruleId,
    budget: o.budget,
    compressed: o.compressed,
    kept: o.kept,
    error: o.error,
    search: { order: o.search.order, runs: o.search.steps.map((s) => ({ layers: s.compressed.length, use: Number.isFinite(s.use) ? s.use : null, passed: s.passed })) },
    applied: o.pass.applied,
    sensitivity: sensitivityJson(o.sensitivity),
    verification: v,
  };
}

function render(o: BudgetOutcome, v: Verification | null, out: string | null, json?: boolean): string {
  if (json) return JSON.stringify(budgetJson(o, v, out), null, 2);
  const candidates = o.compressed.length + o.kept.length;
  const lines = [`${o.method.kind} within the budget ${describeBudget(o.budget)}: ${o.compressed.length} of ${candidates} candidate layer(s) compressed, ${o.search.steps.length} combined model(s) run in the search, on ${o.sensitivity.samples} ${o.sensitivity.inputs} input sample(s)`];
  lines.push(`compressed: ${o.compressed.map(safe).join(', ')}`);
  for (const a of o.pass.applied) if (a.note) lines.push(`  at ${safe(a.anchor)}: ${safe(a.note)}`);
  if (o.kept.length) lines.push(`left ${o.method.kind === 'low-rank' ? 'unfactored' : 'in float'}:`);
  for (const k of o.kept.slice(0, 30)) lines.push(`  ${safe(k.name)} (${safe(k.opType)}): ${safe(k.reason)}`);
  if (o.kept.length > 30) lines.push(`  (${o.kept.length - 30} more; --json lists all)`);
  if (o.error) lines.push(`over all ${o.sensitivity.samples} sample(s), the chosen model: ${describeError(o.error, o.budget)}`);
  if (v) {
    for (const x of v.outputs) lines.push(`output ${safe(x.name)}: max abs error ${x.maxAbsError.toExponential(2)}, max rel error ${x.maxRelError.toExponential(2)}, cosine ${x.cosine.toFixed(6)}${x.top1 !== null ? `, top-1 agreement ${(100 * x.top1).toFixed(1)} %` : ''}`);
    lines.push(`size ${bytes(v.before.fileBytes)} -> ${bytes(v.after.fileBytes)}; params ${si(v.before.params)} -> ${si(v.after.params)}; MACs ${si(v.before.macs)} -> ${si(v.after.macs)}`);
    lines.push(`latency (medians, same run, ${v.latencyChange.pairs} paired runs) ${v.latencyChange.text}`);
    lines.push(v.passed ? 'verification passed (the budget is the tolerance)' : `verification FAILED: ${v.failures.join('; ')}`);
  } else lines.push('not verified (--no-verify)');
  if (out) lines.push(`wrote ${safe(out)}`);
  return lines.join('\n');
}
