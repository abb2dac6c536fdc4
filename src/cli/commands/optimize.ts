// `layerlens optimize IN -o OUT --fuse`: verified rewrites. The rewritten model is written to a temp
// file beside OUT, run against IN in ONNX Runtime, and renamed to OUT only if it stays within the
// rules' tolerance (or --force). IN is never modified unless --in-place, which keeps IN.bak.
import type { Command } from 'commander';
import { copyFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LayerLensError, UsageError } from '../../core/errors';
import { RULES, rulesOf, runPass } from '../../core/passes';
import type { Tolerance } from '../../core/passes/types';
import { loadModelFile } from '../../node/model-file';
import { saveModel } from '../../node/model-save';
import { verifyRewrite, type Verification } from '../../node/verify';
import { bytes, si, safe } from '../format';
import { bindingsFrom, type BindingFlags, withBindingOptions } from '../options';

interface OptimizeFlags extends BindingFlags {
  output?: string;
  fuse?: boolean;
  quantize?: string;
  prune?: string;
  only?: string[];
  verify: boolean;
  force?: boolean;
  inPlace?: boolean;
  json?: boolean;
}

class VerificationError extends LayerLensError {
  readonly exitCode = 1;
}

/** The strictest tolerance among the rules that were applied. */
function combined(ids: string[]): Tolerance {
  const t: Tolerance = {};
  for (const r of RULES.filter((x) => ids.includes(x.id))) {
    if (r.tolerance.maxRelError !== undefined) t.maxRelError = Math.min(t.maxRelError ?? Infinity, r.tolerance.maxRelError);
    if (r.tolerance.minCosine !== undefined) t.minCosine = Math.max(t.minCosine ?? -Infinity, r.tolerance.minCosine);
    if (r.tolerance.minTop1 !== undefined) t.minTop1 = Math.max(t.minTop1 ?? -Infinity, r.tolerance.minTop1);
  }
  return t;
}

export function registerOptimize(program: Command): void {
  withBindingOptions(program.command('optimize'))
    .description('rewrite a model (fuse; quantize and prune to come), verified in ONNX Runtime before it is written')
    .argument('<in>', 'the .onnx file to optimize (never modified unless --in-place)')
    .option('-o, --output <out>', 'where to write the result')
    .option('--fuse', 'fold Conv+BatchNormalization, merge MatMul+Add into Gemm, remove Identity/Dropout, drop dead nodes')
    .option('--quantize <kind>', 'int8 | int8-static | int4 | fp16 (not available yet)')
    .option('--prune <ratio>', 'prune to a ratio (not available yet)')
    .option('--only <names...>', 'apply only at these nodes (names as analyze shows them) or only these rule ids')
    .option('--no-verify', 'write without running both models in ONNX Runtime')
    .option('--force', 'write even if verification fails')
    .option('--in-place', 'replace IN (keeping IN.bak)')
    .option('--json', 'print one JSON object')
    .action(async (inPath: string, flags: OptimizeFlags) => {
      if (flags.quantize || flags.prune) {
        throw new UsageError(`--${flags.quantize ? 'quantize' : 'prune'} is not available in this version yet; --fuse is`);
      }
      if (!flags.fuse) throw new UsageError('choose what to do: --fuse');
      const out = flags.inPlace ? inPath : flags.output;
      if (!out) throw new UsageError('give -o OUT (or --in-place to replace the input, keeping a .bak)');
      if (!flags.inPlace && resolve(out) === resolve(inPath)) throw new UsageError('-o is the input file: use --in-place to replace it (a .bak is kept)');
      const bindings = bindingsFrom(flags);
      const original = loadModelFile(inPath);
      const work = loadModelFile(inPath).model; // a second copy to rewrite
      const ruleIds = new Set(RULES.map((r) => r.id));
      const onlyRules = flags.only?.filter((o) => ruleIds.has(o));
      const onlyNodes = flags.only?.filter((o) => !ruleIds.has(o));
      const rules = rulesOf('fuse-all').filter((r) => !onlyRules?.length || onlyRules.includes(r.id));
      const result = runPass(work, rules, { bindings, ...(onlyNodes?.length ? { only: onlyNodes } : {}) });
      const tmp = join(dirname(resolve(out)), `.${basename(out)}.candidate-${process.pid}.onnx`);
      let verification: Verification | null = null;
      try {
        const saved = saveModel(work, tmp);
        if (flags.verify) {
          verification = await verifyRewrite(
            { path: inPath, model: original.model, fileBytes: statSync(inPath).size },
            { path: tmp, model: work, fileBytes: saved.bytes + saved.externalBytes },
            combined(result.applied.map((a) => a.rule)),
            { bindings },
          );
          if (!verification.passed && !flags.force) {
            process.stdout.write(render(result, verification, null, flags.json) + '\n');
            throw new VerificationError(`the rewritten model is outside tolerance (${verification.failures.join('; ')}): nothing was written (use --force to write anyway)`);
          }
        }
        if (flags.inPlace) copyFileSync(inPath, `${inPath}.bak`);
        renameSync(tmp, out);
        if (saved.externalBytes) renameSync(join(dirname(tmp), `${basename(tmp)}.data`), join(dirname(resolve(out)), `${basename(out)}.data`));
      } finally {
        rmSync(tmp, { force: true });
        rmSync(`${tmp}.data`, { force: true });
      }
      process.stdout.write(render(result, verification, out, flags.json) + '\n');
    });
}

function render(result: ReturnType<typeof runPass>, v: Verification | null, out: string | null, json?: boolean): string {
  if (json) return JSON.stringify({ output: out, applied: result.applied, refused: result.refused, verification: v }, null, 2);
  const lines: string[] = [];
  const byRule = new Map<string, number>();
  for (const a of result.applied) byRule.set(a.rule, (byRule.get(a.rule) ?? 0) + 1);
  for (const [rule, n] of byRule) lines.push(`applied ${rule} at ${n} place(s)`);
  if (result.applied.length === 0) lines.push('no rewrite applied');
  for (const r of result.refused.slice(0, 20)) lines.push(`refused ${r.rule} at ${safe(r.anchor)}: ${safe(r.reason)}`);
  if (result.refused.length > 20) lines.push(`(${result.refused.length - 20} more refusals; --json lists all)`);
  if (v) {
    for (const o of v.outputs) {
      lines.push(`output ${safe(o.name)}: max abs error ${o.maxAbsError.toExponential(2)}, max rel error ${o.maxRelError.toExponential(2)}, cosine ${o.cosine.toFixed(6)}${o.top1 !== null ? `, top-1 agreement ${(100 * o.top1).toFixed(1)} %` : ''}`);
    }
    lines.push(`size ${bytes(v.before.fileBytes)} -> ${bytes(v.after.fileBytes)}; params ${si(v.before.params)} -> ${si(v.after.params)}; MACs ${si(v.before.macs)} -> ${si(v.after.macs)}`);
    lines.push(`latency (median, same run, interleaved) ${v.before.medianMs.toFixed(3)} ms -> ${v.after.medianMs.toFixed(3)} ms`);
    lines.push(v.passed ? 'verification passed' : `verification FAILED: ${v.failures.join('; ')}`);
  } else {
    lines.push('not verified (--no-verify)');
  }
  if (out) lines.push(`wrote ${safe(out)}`);
  return lines.join('\n');
}
