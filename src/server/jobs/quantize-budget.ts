// The editor's "Quantize within an error budget…": the jobs worker runs the budget search of
// src/node/compress/within-budget.ts on the model file (generated inputs, symbolic dims bound as the
// fixes bind them), verifies the chosen model with the budget as tolerance through the one write
// path, and keeps it as a preview that commitFix/discardFix (fix-candidates.ts) finish, under the
// method's rule id. Nothing is written when no layer fits the budget or verification fails.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeModel } from '../../core/analysis/analyze';
import { budgetProblem, describeBudget, type Budget } from '../../core/compress/budget';
import { ErrorBudgetUnmetError, UsageError } from '../../core/errors';
import { buildMethod } from '../../node/compress/build-method';
import { loadSamples } from '../../node/compress/samples';
import { compressWithinBudget } from '../../node/compress/within-budget';
import { guard } from '../../node/files/fs-error';
import { filesReadBy, writeVerified } from '../../node/files/write-model';
import { loadModelFile } from '../../node/model-file';
import { inputSpecs } from '../../node/ort/profile';
import { verifyRewrite } from '../../node/ort/verify';
import type { QuantizeWithinBudgetArgs, QuantizeWithinBudgetResult } from '../../protocol/compress';
import { outputFigures } from './apply-fix';
import { newFileTarget, rememberPreview } from './fix-candidates';

export async function quantizeWithinBudget(args: QuantizeWithinBudgetArgs, signal?: AbortSignal, progress?: (m: string) => void): Promise<QuantizeWithinBudgetResult> {
  const path = fileURLToPath(args.modelUri);
  const budget: Budget = {
    ...(args.minCosine !== undefined ? { minCosine: args.minCosine } : {}),
    ...(args.maxAbsError !== undefined ? { maxAbsError: args.maxAbsError } : {}),
    ...(args.minTop1 !== undefined ? { minTop1: args.minTop1 } : {}),
  };
  const problem = budgetProblem(budget);
  if (problem) throw new UsageError(`error budget: ${problem}`);
  const stamp = guard('read', path, () => statSync(path));
  const original = loadModelFile(path).model;
  const input = filesReadBy(path, original);
  const dims: Record<string, number> = {};
  for (const v of original.graph.inputs) {
    if (v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') dims[d] = args.dims?.[d] ?? 1;
  }
  const bindings = { dims };
  const samples = loadSamples(inputSpecs(analyzeModel(original, { bindings }).report), {});
  const method = await buildMethod(args.kind, {}, original, samples, bindings);
  const outcome = await compressWithinBudget({ model: original, path, samples, bindings, method, budget, ...(args.kind === 'low-rank' ? { energyLadder: [0.9, 0.95, 0.99] } : {}), ...(signal ? { signal } : {}), ...(progress ? { onProgress: progress } : {}) });
  if (outcome.compressed.length === 0) {
    throw new ErrorBudgetUnmetError(`no layer can be compressed by ${args.kind} within the budget (${describeBudget(budget)}): ${outcome.kept.slice(0, 6).map((k) => `${k.name}: ${k.reason}`).join('; ') || 'the model has no candidate layer'}`);
  }
  const written = await writeVerified({
    model: outcome.model,
    target: newFileTarget(path, method.ruleId),
    input,
    inPlace: false,
    keep: true,
    verify: async (c) => {
      const v = await verifyRewrite({ path, model: original, fileBytes: input.bytes }, { path: c.path, model: outcome.model, fileBytes: c.bytes + c.externalBytes }, budget, { runs: 10, bindings });
      return { write: v.passed, verified: v };
    },
  });
  const v = written.verified!;
  const notes = outcome.pass.applied.flatMap((a) => (a.note ? [{ layer: a.anchor, note: a.note }] : []));
  const base = { ruleId: method.ruleId, compressed: outcome.compressed, kept: outcome.kept, notes, applied: outcome.pass.applied.length, passed: v.passed, failures: v.failures, before: v.before, after: v.after, latencyChange: v.latencyChange, outputs: outputFigures(v.outputs) };
  if (written.kind !== 'kept') return { written: null, ...base };
  rememberPreview(written.candidate, { model: path, ruleId: method.ruleId, stamp, input });
  return { written: null, ...base, candidate: written.candidate.path };
}
