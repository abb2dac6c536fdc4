// Applying a fix (the quick fixes of features/code-actions.ts, in the jobs worker): runs the rule on
// the model file, verifies the result in ONNX Runtime (worker process), and writes it atomically
// beside the original, or in place keeping a .bak, or keeps it as a preview to commit or discard
// later — nothing is written when verification fails.
import { copyFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RULES, UnknownRuleError, createRule, isRegistered, runPass } from '../../core/passes';
import { loadModelFile } from '../../node/model-file';
import { saveModel } from '../../node/model-save';
import { verifyRewrite, type OutputComparison } from '../../node/verify';
import type { ApplyFixArgs, ApplyFixResult, OutputComparisonFigures } from '../../protocol/requests';
import { candidateFor, newFileTarget, rememberPreview } from './fix-candidates';

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The comparison figures of verify.ts as plain JSON (infinite errors become null). */
export function outputFigures(outputs: readonly OutputComparison[]): OutputComparisonFigures[] {
  return outputs.map((o) => ({ name: o.name, maxAbsError: finite(o.maxAbsError), maxRelError: finite(o.maxRelError), cosine: o.cosine, top1: o.top1, ...(o.problem ? { problem: o.problem } : {}) }));
}

/**
 * Runs the rule on the model file, saves the result as a hidden candidate beside it, verifies it in
 * ONNX Runtime, and then renames it into place — or, for `write: 'preview'`, keeps the candidate and
 * returns its path for a later commit or discard (fix-candidates.ts). Nothing is written on failure.
 */
export async function applyFix(args: ApplyFixArgs): Promise<ApplyFixResult> {
  const path = fileURLToPath(args.modelUri);
  const rule = isRegistered(args.ruleId) ? createRule(args.ruleId, args.options) : RULES.find((r) => r.id === args.ruleId);
  if (!rule) throw new UnknownRuleError(args.ruleId);
  const read = statSync(path); // the model as the fix sees it (a preview is committed only while it stays so)
  const original = loadModelFile(path);
  const work = loadModelFile(path).model;
  const r = runPass(work, [rule], args.anchor ? { only: [args.anchor] } : {});
  if (r.applied.length === 0) return { written: null, applied: 0, passed: false, failures: r.refused.map((x) => x.reason), before: null, after: null, outputs: [] };
  const target = args.write === 'in-place' ? path : newFileTarget(path, rule.id);
  const candidate = candidateFor(target);
  const saved = saveModel(work, candidate);
  const drop = (): void => {
    rmSync(candidate, { force: true });
    if (saved.externalBytes) rmSync(`${candidate}.data`, { force: true });
  };
  // Verification runs the model, so every symbolic input dim needs a size: given ones, else 1.
  const dims: Record<string, number> = {};
  for (const v of original.model.graph.inputs) {
    if (v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') dims[d] = args.dims?.[d] ?? 1;
  }
  let v;
  try {
    v = await verifyRewrite({ path, model: original.model, fileBytes: read.size }, { path: candidate, model: work, fileBytes: saved.bytes + saved.externalBytes }, rule.tolerance, { runs: 10, bindings: { dims } });
  } catch (e) {
    drop();
    throw e;
  }
  const outputs = outputFigures(v.outputs);
  if (!v.passed) {
    drop();
    return { written: null, applied: r.applied.length, passed: false, failures: v.failures, before: v.before, after: v.after, outputs };
  }
  if (args.write === 'preview') {
    rememberPreview(candidate, path, rule.id, read);
    return { written: null, applied: r.applied.length, passed: true, failures: [], before: v.before, after: v.after, outputs, candidate };
  }
  if (args.write === 'in-place') copyFileSync(path, `${path}.bak`);
  renameSync(candidate, target);
  return { written: target, applied: r.applied.length, passed: true, failures: [], before: v.before, after: v.after, outputs };
}
