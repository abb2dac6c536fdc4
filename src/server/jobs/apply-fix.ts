// Applying a fix (the quick fixes of features/code-actions.ts, in the jobs worker): runs the rule on
// the model file, verifies the result in ONNX Runtime (worker process), and writes it atomically
// beside the original, or in place keeping a .bak, or keeps it as a preview to commit or discard
// later — nothing is written when verification fails.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RULES, UnknownRuleError, createRule, isRegistered, runPass } from '../../core/passes';
import { loadModelFile } from '../../node/model-file';
import { tfliteUnsupported } from '../../core/tflite';
import { cloneModel } from '../../core/passes/graph-edit';
import { guard } from '../../node/files/fs-error';
import { filesReadBy, writeVerified } from '../../node/files/write-model';
import { verifyRewrite, type OutputComparison } from '../../node/ort/verify';
import type { ApplyFixArgs, ApplyFixResult, OutputComparisonFigures } from '../../protocol/fixes';
import { newFileTarget, rememberPreview } from './fix-candidates';
import { predictedGain } from './predicted-gain';

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The comparison figures of verify.ts as plain JSON (infinite errors become null). */
export function outputFigures(outputs: readonly OutputComparison[]): OutputComparisonFigures[] {
  return outputs.map((o) => ({ name: o.name, maxAbsError: finite(o.maxAbsError), maxRelError: finite(o.maxRelError), cosine: o.cosine, top1: o.top1, ...(o.problem ? { problem: o.problem } : {}) }));
}

/**
 * Runs the rule on the model file (read once, rewritten in a copy), and writes the result through the
 * one write path (src/node/files/write-model.ts): a hidden candidate beside the target, verified in
 * ONNX Runtime, renamed into place — or, for `write: 'preview'`, kept and returned for a later commit
 * or discard (fix-candidates.ts). Nothing is written on failure.
 */
export async function applyFix(args: ApplyFixArgs): Promise<ApplyFixResult> {
  const path = fileURLToPath(args.modelUri);
  const rule = isRegistered(args.ruleId) ? createRule(args.ruleId, args.options) : RULES.find((r) => r.id === args.ruleId);
  if (!rule) throw new UnknownRuleError(args.ruleId);
  const read = guard('read', path, () => statSync(path)); // the model as the fix sees it (a preview is committed only while it stays so)
  const original = loadModelFile(path);
  if (original.format === 'tflite') throw tfliteUnsupported('a verified fix');
  const input = filesReadBy(path, original.model);
  const work = cloneModel(original.model);
  const r = runPass(work, [rule], args.anchor ? { only: [args.anchor] } : {});
  if (r.applied.length === 0) return { written: null, applied: 0, passed: false, failures: r.refused.map((x) => x.reason), before: null, after: null, outputs: [] };
  // Verification runs the model, so every symbolic input dim needs a size: given ones, else 1.
  const dims: Record<string, number> = {};
  for (const v of original.model.graph.inputs) {
    if (v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') dims[d] = args.dims?.[d] ?? 1;
  }
  const inPlace = args.write === 'in-place';
  const outcome = await writeVerified({
    model: work,
    target: inPlace ? path : newFileTarget(path, rule.id),
    input,
    inPlace,
    keep: args.write === 'preview',
    verify: async (c) => {
      const v = await verifyRewrite({ path, model: original.model, fileBytes: input.bytes }, { path: c.path, model: work, fileBytes: c.bytes + c.externalBytes }, rule.tolerance, { runs: 10, bindings: { dims } });
      return { write: v.passed, verified: v };
    },
  });
  const done = outcome.verified;
  if (!done) throw new Error('applyFix: the candidate was not verified');
  const gain = predictedGain(args.target, original.model, work, dims);
  const before = done.before && gain.before !== undefined ? { ...done.before, predictedMs: gain.before } : done.before;
  const after = done.after && gain.after !== undefined ? { ...done.after, predictedMs: gain.after } : done.after;
  const figures = { applied: r.applied.length, passed: done.passed, failures: done.failures, before, after, latencyChange: done.latencyChange, outputs: outputFigures(done.outputs), ...(gain.predictedOn ? { predictedOn: gain.predictedOn } : {}) };
  if (outcome.kind === 'refused') return { written: null, ...figures };
  if (outcome.kind === 'kept') {
    rememberPreview(outcome.candidate, { model: path, ruleId: rule.id, stamp: read, input });
    return { written: null, ...figures, candidate: outcome.candidate.path };
  }
  return { written: outcome.written, ...figures };
}
