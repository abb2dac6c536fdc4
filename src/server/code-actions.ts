// Quick fixes: a rewrite rule whose check passes at a node becomes a code action on that node (and
// "fix all" per rule as a source action). Applying one runs the rule on the model file, verifies the
// result in ONNX Runtime (worker process), and writes it atomically beside the original, or in place
// keeping a .bak — nothing is written when verification fails.
import { copyFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeActionKind, type CodeAction, type Range } from 'vscode-languageserver';
import { RULES, createRule, isRegistered, listSites, runPass } from '../core/passes';
import { loadModelFile } from '../node/model-file';
import { saveModel } from '../node/model-save';
import { verifyRewrite } from '../node/verify';
import { ApplyFixCommand, modelUriOf, type ApplyFixArgs, type ApplyFixResult } from '../protocol/requests';
import type { DocumentState } from './documents';

function overlaps(a: Range, b: Range): boolean {
  return !(a.end.line < b.start.line || b.end.line < a.start.line);
}

export function codeActions(state: DocumentState, uri: string, range: Range): CodeAction[] {
  const modelUri = modelUriOf(uri);
  const a = state.analysis;
  if (!modelUri || !a || !state.parse.model) return []; // fixes apply to model files (text views)
  const inRange = new Set(state.parse.map.nodes.filter((n) => overlaps(n.range, range)).map((n) => n.node));
  const out: CodeAction[] = [];
  const sites = listSites(RULES.filter((r) => r.family === 'fuse' || r.family === 'cleanup'), { model: state.parse.model, shapes: a.shapes });
  for (const s of sites) {
    if (!s.check.ok || !s.site.nodes.some((n) => inRange.has(n))) continue;
    const args: ApplyFixArgs = { modelUri, ruleId: s.rule.id, anchor: s.site.anchor.displayName };
    out.push({ title: `${s.rule.title} (verified in ONNX Runtime, new file)`, kind: CodeActionKind.QuickFix, command: { title: s.rule.title, command: ApplyFixCommand, arguments: [args] } });
  }
  for (const rule of new Set(sites.filter((s) => s.check.ok).map((s) => s.rule))) {
    const args: ApplyFixArgs = { modelUri, ruleId: rule.id };
    out.push({ title: `${rule.title}: everywhere`, kind: CodeActionKind.SourceFixAll, command: { title: rule.title, command: ApplyFixCommand, arguments: [args] } });
  }
  // Whole-model quantization and pruning (each verified before it is written, like the fixes).
  const whole: [string, string, ApplyFixArgs['options']?][] = [
    ['Quantize model: int8 dynamic (MatMul/Gemm weights)', 'quantize-int8-dynamic'],
    ['Quantize model: int4 weight-only (MatMulNBits, block 32)', 'quantize-int4-weight', { blockSize: 32, symmetric: true }],
    ['Quantize model: float16', 'quantize-fp16-compute'],
    ['Prune model: 50 % of Conv channels', 'prune-channel', { ratio: 0.5 }],
  ];
  for (const [title, ruleId, options] of whole) {
    const args: ApplyFixArgs = { modelUri, ruleId, ...(options ? { options } : {}) };
    out.push({ title, kind: `${CodeActionKind.Source}.layerlens`, command: { title, command: ApplyFixCommand, arguments: [args] } });
  }
  return out;
}

export async function applyFix(args: ApplyFixArgs): Promise<ApplyFixResult> {
  const path = fileURLToPath(args.modelUri);
  const rule = isRegistered(args.ruleId) ? createRule(args.ruleId, args.options) : RULES.find((r) => r.id === args.ruleId);
  if (!rule) throw new Error(`no rule '${args.ruleId}'`);
  const original = loadModelFile(path);
  const work = loadModelFile(path).model;
  const r = runPass(work, [rule], args.anchor ? { only: [args.anchor] } : {});
  if (r.applied.length === 0) return { written: null, applied: 0, passed: false, failures: r.refused.map((x) => x.reason), before: null, after: null };
  const target = args.write === 'in-place' ? path : join(dirname(path), basename(path).replace(/\.onnx$/, '') + `.${rule.id}.onnx`);
  const candidate = join(dirname(path), `.${basename(target)}.candidate-${process.pid}.onnx`);
  const saved = saveModel(work, candidate);
  // Verification runs the model, so every symbolic input dim needs a size: given ones, else 1.
  const dims: Record<string, number> = {};
  for (const v of original.model.graph.inputs) {
    if (v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') dims[d] = args.dims?.[d] ?? 1;
  }
  const v = await verifyRewrite({ path, model: original.model, fileBytes: statSync(path).size }, { path: candidate, model: work, fileBytes: saved.bytes + saved.externalBytes }, rule.tolerance, { runs: 10, bindings: { dims } });
  if (!v.passed) {
    rmSync(candidate, { force: true });
    return { written: null, applied: r.applied.length, passed: false, failures: v.failures, before: v.before, after: v.after };
  }
  if (args.write === 'in-place') copyFileSync(path, `${path}.bak`);
  renameSync(candidate, target);
  return { written: target, applied: r.applied.length, passed: true, failures: [], before: v.before, after: v.after };
}
