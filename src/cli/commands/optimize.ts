// `layerlens optimize IN -o OUT --fuse`: verified rewrites. The rewritten model is written as a
// candidate beside OUT, run against IN in ONNX Runtime, and renamed to OUT only if it stays within the
// rules' tolerance (or --force), through the one write path (src/node/files/write-model.ts). Nothing
// IN reads is ever replaced; IN itself only with --in-place, which keeps IN.bak.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { LayerLensError, UsageError } from '../../core/errors';
import { createRule, isRegistered, registeredRules, RULES, rulesOf, runPass, UnknownRuleError, weightSparsity } from '../../core/passes';
import type { StaticOptions } from '../../core/passes/quantize/int8-static';
import type { Model } from '../../core/ir/model';
import type { RewriteRule, Tolerance } from '../../core/passes/types';
import { loadModelFile } from '../../node/model-file';
import { tfliteUnsupported } from '../../core/tflite';
import { checkTarget, filesReadBy, writeVerified, type Candidate } from '../../node/files/write-model';
import { cloneModel } from '../../core/passes/graph-edit';
import { verifyRewrite, type Verification } from '../../node/ort/verify';
import { exitHandlersOnSignal } from '../errors';
import { bytes, si, safe } from '../format';
import { inputFiles } from './profile';
import { calibrate } from '../../node/ort/calibrate';
import { inputSpecs } from '../../node/ort/profile';
import { analyzeModel } from '../../core/analysis/analyze';
import { bindingsFrom, type BindingFlags, parsePositiveInt, withBindingOptions } from '../options';
import { budgetFrom, withBudgetOptions, withDecomposeOptions, type CompressFlags } from './compress-flags';
import { optimizeWithinBudget } from './optimize-budget';
import { imageFiles } from '../../node/image-inputs';
import { loadSamples, writeSampleFiles } from '../../node/compress/samples';

interface OptimizeFlags extends BindingFlags, Omit<CompressFlags, 'blockSize' | 'calibration'> {
  output?: string;
  fuse?: boolean;
  quantize?: string;
  prune?: string;
  pruneMode: string;
  pruneScope: 'layer' | 'global';
  blockSize: string;
  calibration: string;
  calibrationSamples: string;
  asymmetric?: boolean;
  only?: string[];
  verify: boolean;
  force?: boolean;
  inPlace?: boolean;
  json?: boolean;
  timeout: number;
}

class VerificationError extends LayerLensError {
  readonly exitCode = 1;
}

/**
 * The tolerance for a combination of rules: that of its lossiest member, per figure (an exact fusion
 * next to fp16 storage is held to fp16's bound, not to the fusion's). A figure that some applied
 * rule does not bound (pruning bounds nothing) is not checked. `rules` are the rule objects the pass
 * ran (their options can change the tolerance); ids not among them are looked up in RULES.
 */
export function combined(ids: string[], rules: readonly RewriteRule[] = RULES): Tolerance {
  const find = (id: string): RewriteRule | undefined => rules.find((r) => r.id === id) ?? RULES.find((r) => r.id === id);
  const applied = [...new Set(ids)].map(find).filter((r): r is RewriteRule => !!r);
  const t: Tolerance = {};
  const loosest = (key: keyof Tolerance, pick: (a: number, b: number) => number): void => {
    if (applied.length === 0 || applied.some((r) => r.tolerance[key] === undefined)) return;
    t[key] = applied.map((r) => r.tolerance[key]!).reduce((x, y) => pick(x, y));
  };
  loosest('maxRelError', Math.max);
  loosest('maxAbsError', Math.max);
  loosest('minCosine', Math.min);
  loosest('minTop1', Math.min);
  return t;
}

/** The registry id behind each --quantize kind (the rules register under these ids). */
const QUANTIZE_IDS: Record<string, string> = {
  int8: 'quantize-int8-dynamic',
  'int8-static': 'quantize-int8-static',
  int4: 'quantize-int4-weight',
  'int8-weight': 'quantize-int8-weight',
  fp16: 'quantize-fp16-compute',
  'fp16-weights': 'quantize-fp16',
};

/** The rules the flags ask for, from the registry; a kind whose rule is not registered is a usage error (exit 2). */
export function chooseRules(flags: Pick<OptimizeFlags, 'fuse' | 'quantize' | 'prune' | 'pruneMode' | 'pruneScope' | 'blockSize' | 'asymmetric' | 'decompose' | 'decomposeRank' | 'decomposeEnergy'>): RewriteRule[] {
  const rules: RewriteRule[] = [];
  if (flags.fuse) rules.push(...rulesOf('fuse-all'));
  if (flags.quantize !== undefined) {
    const id = QUANTIZE_IDS[flags.quantize];
    if (!id) throw new UsageError(`--quantize ${flags.quantize}: expected int8, int8-static, int4, int8-weight, fp16 or fp16-weights`);
    if (!isRegistered(id)) throw new UnknownRuleError(id, `--quantize ${flags.quantize}`);
    if (flags.quantize === 'int4' || flags.quantize === 'int8-weight') {
      const blockSize = Number(flags.blockSize);
      if (!Number.isInteger(blockSize)) throw new UsageError(`--block-size ${flags.blockSize}: expected a power of 2 between 16 and 256`);
      rules.push(createRule(id, { blockSize, symmetric: !flags.asymmetric }));
    } else if (flags.quantize !== 'int8-static') {
      rules.push(createRule(id)); // int8-static is built after calibration
    }
  }
  if (flags.prune !== undefined) {
    const ratio = Number(flags.prune);
    if (!(ratio > 0 && ratio < 1)) throw new UsageError(`--prune ${flags.prune}: give a ratio between 0 and 1, e.g. 0.5`);
    if (flags.pruneScope !== 'layer' && flags.pruneScope !== 'global') throw new UsageError(`--prune-scope ${flags.pruneScope}: expected layer or global`);
    if (flags.pruneMode !== 'unstructured' && flags.pruneMode !== 'channel') throw new UsageError(`--prune-mode ${flags.pruneMode}: expected unstructured or channel`);
    const id = `prune-${flags.pruneMode}`;
    rules.push(createRule(id, { ratio, scope: flags.pruneScope }, `--prune-mode ${flags.pruneMode}`));
  }
  if (flags.decompose || flags.decomposeRank !== undefined || flags.decomposeEnergy !== undefined) {
    if (flags.decomposeRank !== undefined && flags.decomposeEnergy !== undefined) throw new UsageError('give --decompose-rank or --decompose-energy, not both');
    rules.push(createRule('decompose-low-rank', flags.decomposeRank !== undefined ? { rank: flags.decomposeRank } : { energy: flags.decomposeEnergy ?? 0.95 }, '--decompose'));
  }
  if (rules.length === 0 && flags.quantize !== 'int8-static') {
    throw new UsageError(`choose what to do: --fuse, --quantize ${Object.keys(QUANTIZE_IDS).join('|')}, --prune RATIO [--prune-mode unstructured|channel], --decompose [--decompose-rank R | --decompose-energy E]`);
  }
  return rules;
}

/**
 * Splits --only into rule ids and node names; a word that is neither a registered rule nor a node of
 * the model is a usage error (a typo would otherwise apply nothing, silently).
 */
export function splitOnly(only: string[] | undefined, model: Model): { rules: string[]; nodes: string[] } {
  if (!only?.length) return { rules: [], nodes: [] };
  const known = new Set(registeredRules().map((r) => r.id));
  const nodes = new Set([...model.graph.nodes].map((n) => n.displayName));
  const unknown = only.filter((o) => !known.has(o) && !nodes.has(o));
  if (unknown.length) {
    throw new UsageError(`--only ${unknown.map((u) => `'${u}'`).join(', ')}: neither a rule id (${[...known].join(', ')}) nor a node of the model (names as 'layerlens analyze' shows them)`);
  }
  return { rules: only.filter((o) => known.has(o)), nodes: only.filter((o) => !known.has(o)) };
}

export function registerOptimize(program: Command): void {
  withBudgetOptions(withDecomposeOptions(withBindingOptions(program.command('optimize'))))
    .description('rewrite a model (fuse, quantize, prune), verified in ONNX Runtime before it is written')
    .argument('<in>', 'the .onnx file to optimize (never modified unless --in-place)')
    .option('-o, --output <out>', 'where to write the result')
    .option('--fuse', 'exact rewrites: fold BatchNormalization and per-channel Mul/Add into Conv, Pad into Conv/pools, MatMul+Add -> Gemm, Transposes, LayerNorm/GELU, constant shape arithmetic, Identity/Dropout, dead code')
    .option('--quantize <kind>', 'int8 (dynamic, MatMul) | int8-static (QDQ Conv/MatMul, calibrated) | int4 | int8-weight (weight-only blockwise, MatMulNBits) | fp16 (float16 model, float interface) | fp16-weights (float16 storage only)')
    .option('--calibration <method>', 'int8-static: minmax | percentile (99.99)', 'minmax')
    .option('--calibration-samples <n>', 'int8-static: generated input sets to calibrate on (ignored with --inputs-from)', '8')
    .option('--block-size <n>', 'block size for int4/int8-weight (16..256, power of 2)', '32')
    .option('--asymmetric', 'int4/int8-weight with zero points (default: symmetric)')
    .option('--prune <ratio>', 'zero this share of each layer\'s weights (with --prune-mode unstructured)')
    .option('--prune-scope <scope>', 'unstructured pruning: layer (each layer loses RATIO) | global (one threshold for the model)', 'layer')
    .option('--prune-mode <mode>', 'unstructured (zeros, same MACs) | channel (removes Conv output channels: fewer MACs)', 'unstructured')
    .option('--only <names...>', 'apply only at these nodes (names as analyze shows them) or only these rule ids')
    .option('--no-verify', 'write without running both models in ONNX Runtime')
    .option('--force', 'write even if verification fails')
    .option('--in-place', 'replace IN (keeping IN.bak)')
    .option('--inputs-from <path>', 'verification inputs: a folder of NAME.npy / NAME.pb / input_K.pb files, one file, or a folder of PNG/JPEG images (resized to the input)')
    .option('--samples <n>', 'with an error budget: generated input sets (default 1), or most images used (default 16)', parsePositiveInt)
    .option('--timeout <seconds>', 'stop verification after this long (ONNX Runtime runs in its own process)', parsePositiveInt, 600)
    .option('--json', 'print one JSON object')
    .action(async (inPath: string, flags: OptimizeFlags) => {
      const budget = budgetFrom(flags);
      const chosen = budget ? [] : chooseRules(flags);
      const out = flags.inPlace ? inPath : flags.output;
      if (!out) throw new UsageError('give -o OUT (or --in-place to replace the input, keeping a .bak)');
      if (!flags.inPlace && resolve(out) === resolve(inPath)) throw new UsageError('-o is the input file: use --in-place to replace it (a .bak is kept)');
      checkTarget(out); // a folder that is missing or read-only fails now, not after verification
      const bindings = bindingsFrom(flags);
      const original = loadModelFile(inPath);
      if (original.format === 'tflite') throw tfliteUnsupported('optimize');
      const input = filesReadBy(inPath, original.model);
      const work = cloneModel(original.model); // the copy to rewrite
      const only = splitOnly(flags.only, original.model);
      if (budget) {
        if (only.rules.length) throw new UsageError(`--only ${only.rules.join(' ')}: with an error budget, --only names layers (nodes), not rules`);
        return optimizeWithinBudget(budget, { inPath, out, original: original.model, input, bindings, inPlace: !!flags.inPlace, only: only.nodes, flags });
      }
      const names = original.model.graph.inputs.filter((v) => !v.initializer).map((v) => v.name);
      // Images: the first one, resized to the input, is the verification input (written as .npy).
      const images = flags.inputsFrom ? imageFiles(flags.inputsFrom) : [];
      const imageSample = images.length ? writeSampleFiles(loadSamples(inputSpecs(analyzeModel(original.model, { bindings }).report), { images: images.slice(0, 1) }).sets[0]!) : null;
      if (imageSample) process.once('exit', imageSample.cleanup);
      const files = imageSample ? imageSample.files : flags.inputsFrom ? inputFiles(flags.inputsFrom, names) : undefined;
      if (flags.quantize === 'int8-static') {
        if (flags.calibration !== 'minmax' && flags.calibration !== 'percentile') throw new UsageError(`--calibration ${flags.calibration}: expected minmax or percentile`);
        if (!files) process.stderr.write('warning: calibrating on generated inputs: give real samples with --inputs-from for ranges you can trust\n');
        const ranges = await calibrate(original.model, {
          method: flags.calibration,
          samples: files ? 1 : Math.max(1, Number(flags.calibrationSamples) || 8),
          inputs: inputSpecs(analyzeModel(original.model, { bindings }).report),
          ...(files ? { inputFiles: files } : {}),
          bindings,
        });
        chosen.push(createRule<StaticOptions>('quantize-int8-static', { ranges }, '--quantize int8-static'));
      }
      const rules = chosen.filter((r) => !only.rules.length || only.rules.includes(r.id));
      if (rules.length === 0) throw new UsageError(`--only ${only.rules.join(' ')}: none of these rules is among those the flags chose (${chosen.map((r) => r.id).join(', ')})`);
      const sparsityBefore = weightSparsity(work.graph.nodes);
      const result = runPass(work, rules, { bindings, ...(only.nodes.length ? { only: only.nodes } : {}) });
      const sparsityAfter = weightSparsity(work.graph.nodes);
      const sparsity = { before: sparsityBefore.total ? sparsityBefore.zeros / sparsityBefore.total : 0, after: sparsityAfter.total ? sparsityAfter.zeros / sparsityAfter.total : 0 };
      // The one write path (src/node/files/write-model.ts): candidate beside OUT, verified, renamed.
      const verify = async (c: Candidate): Promise<{ write: boolean; verified: Verification }> => {
        const verification = await verifyRewrite(
          { path: inPath, model: original.model, fileBytes: input.bytes },
          { path: c.path, model: work, fileBytes: c.bytes + c.externalBytes },
          combined(result.applied.map((a) => a.rule), rules),
          { bindings, timeoutMs: flags.timeout * 1000, ...(files ? { inputFiles: files } : {}) },
        );
        if (!verification.passed && !flags.force) {
          process.stdout.write(render(result, verification, null, sparsity, flags.json) + '\n');
          throw new VerificationError(`the rewritten model is outside tolerance (${verification.failures.join('; ')}): nothing was written (use --force to write anyway)`);
        }
        return { write: true, verified: verification };
      };
      const written = await exitHandlersOnSignal(() => writeVerified({ model: work, target: out, input, inPlace: !!flags.inPlace, ...(flags.verify ? { verify } : {}) }));
      process.stdout.write(render(result, written.verified, out, sparsity, flags.json) + '\n');
    });
}

function render(result: ReturnType<typeof runPass>, v: Verification | null, out: string | null, sparsity: { before: number; after: number }, json?: boolean): string {
  if (json) return JSON.stringify({ output: out, applied: result.applied, refused: result.refused, notes: result.notes, removed: result.removed ?? null, weightSparsity: sparsity, verification: v }, null, 2);
  const lines: string[] = [];
  const byRule = new Map<string, number>();
  for (const a of result.applied) byRule.set(a.rule, (byRule.get(a.rule) ?? 0) + 1);
  for (const [rule, n] of byRule) lines.push(`applied ${rule} at ${n} place(s)`);
  for (const a of result.applied) if (a.note) lines.push(`  note at ${safe(a.anchor)}: ${safe(a.note)}`);
  if (result.applied.length === 0) lines.push('no rewrite applied');
  if (result.removed && (result.removed.nodes || result.removed.initializers)) {
    lines.push(`removed ${result.removed.nodes} node(s) and ${result.removed.initializers} initializer(s) nobody reads`);
  }
  for (const r of result.refused.slice(0, 20)) lines.push(`refused ${r.rule} at ${safe(r.anchor)}: ${safe(r.reason)}`);
  if (result.refused.length > 20) lines.push(`(${result.refused.length - 20} more refusals; --json lists all)`);
  for (const n of result.notes) lines.push(`note (${n.rule}): ${safe(n.note)}`);
  if (sparsity.after !== sparsity.before) {
    lines.push(`weight sparsity (Conv/MatMul/Gemm) ${(100 * sparsity.before).toFixed(1)} % -> ${(100 * sparsity.after).toFixed(1)} % (ONNX Runtime gets no speed from zeros; they compress)`);
  }
  if (v) {
    for (const o of v.outputs) {
      lines.push(`output ${safe(o.name)}: max abs error ${o.maxAbsError.toExponential(2)}, max rel error ${o.maxRelError.toExponential(2)}, cosine ${o.cosine.toFixed(6)}${o.top1 !== null ? `, top-1 agreement ${(100 * o.top1).toFixed(1)} %` : ''}`);
    }
    lines.push(`size ${bytes(v.before.fileBytes)} -> ${bytes(v.after.fileBytes)}; params ${si(v.before.params)} -> ${si(v.after.params)}; MACs ${si(v.before.macs)} -> ${si(v.after.macs)}`);
    lines.push(`latency (medians, same run, ${v.latencyChange.pairs} paired runs) ${v.latencyChange.text}`);
    lines.push(v.passed ? 'verification passed' : `verification FAILED: ${v.failures.join('; ')}`);
  } else {
    lines.push('not verified (--no-verify)');
  }
  if (out) lines.push(`wrote ${safe(out)}`);
  return lines.join('\n');
}
