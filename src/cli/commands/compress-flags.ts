// Flags shared by `layerlens sensitivity` and `layerlens optimize`'s budgeted compression: which
// method (--quantize KIND or --decompose with --decompose-rank/--decompose-energy), the error budget
// (--min-cosine, --max-abs-error, --min-top1), and the input samples (--inputs-from a folder of
// tensors or of images, --samples N generated sets).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { budgetProblem, type Budget } from '../../core/compress/budget';
import type { CompressKind, CompressMethod } from '../../core/compress/methods';
import { UsageError } from '../../core/errors';
import type { Model } from '../../core/ir/model';
import type { InputSpec } from '../../core/profile/runtime';
import type { Bindings } from '../../core/shape/types';
import { buildMethod } from '../../node/compress/build-method';
import { loadSamples, type Samples } from '../../node/compress/samples';
import { imageFiles } from '../../node/image-inputs';
import { inputFiles } from './profile';

export interface CompressFlags {
  quantize?: string;
  decompose?: boolean;
  decomposeRank?: number;
  decomposeEnergy?: number;
  blockSize?: string;
  asymmetric?: boolean;
  calibration?: string;
  minCosine?: number;
  maxAbsError?: number;
  minTop1?: number;
  inputsFrom?: string;
  samples?: number;
}

export function parseShare(text: string): number {
  const n = Number(text);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a number between 0 and 1, e.g. 0.95 (got '${text}')`);
  return n;
}

function parseNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number (got '${text}')`);
  return n;
}

function parseRank(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) throw new InvalidArgumentError(`expected a whole number >= 1 (got '${text}')`);
  return n;
}

/** --decompose, --decompose-rank, --decompose-energy. */
export function withDecomposeOptions(cmd: Command): Command {
  return cmd
    .option('--decompose', 'low-rank factorization of MatMul/Gemm/Conv weights (SVD); with a budget, the rank is chosen per layer')
    .option('--decompose-rank <r>', 'factor every layer at rank R (implies --decompose)', parseRank)
    .option('--decompose-energy <e>', 'factor at the smallest rank keeping this share of the singular-value energy, e.g. 0.95 (implies --decompose)', parseShare);
}

/** --min-cosine, --max-abs-error, --min-top1. */
export function withBudgetOptions(cmd: Command): Command {
  return cmd
    .option('--min-cosine <c>', 'error budget: every output keeps at least this cosine similarity with the original (e.g. 0.999)', parseNumber)
    .option('--max-abs-error <e>', 'error budget: no output value moves by more than E', parseNumber)
    .option('--min-top1 <a>', 'error budget (classifiers): top-1 agreement with the original of at least A (0..1)', parseNumber);
}

/** --inputs-from, --samples. */
export function withSampleOptions(cmd: Command): Command {
  return cmd
    .option('--inputs-from <path>', 'real inputs: a folder of NAME.npy / NAME.pb / input_K.pb tensors, one tensor file, or a folder of PNG/JPEG images (one sample each, resized to the input)')
    .option('--samples <n>', 'input samples: generated sets when no --inputs-from (default 1), most images used (default 16)', (t) => {
      const n = Number(t);
      if (!/^\d+$/.test(t) || n < 1) throw new InvalidArgumentError(`expected a whole number >= 1 (got '${t}')`);
      return n;
    });
}

/** The budget the flags give, or null when they give none. */
export function budgetFrom(flags: CompressFlags): Budget | null {
  const b: Budget = {
    ...(flags.minCosine !== undefined ? { minCosine: flags.minCosine } : {}),
    ...(flags.maxAbsError !== undefined ? { maxAbsError: flags.maxAbsError } : {}),
    ...(flags.minTop1 !== undefined ? { minTop1: flags.minTop1 } : {}),
  };
  if (Object.keys(b).length === 0) return null;
  const problem = budgetProblem(b);
  if (problem) throw new UsageError(`error budget: ${problem}`);
  return b;
}

const KINDS: Record<string, CompressKind> = { int8: 'int8', 'int8-static': 'int8-static', int4: 'int4', fp16: 'fp16' };

/** The method the flags choose (one of --quantize KIND or --decompose); null when they choose none. */
export function kindFrom(flags: CompressFlags): CompressKind | null {
  const decompose = !!(flags.decompose || flags.decomposeRank !== undefined || flags.decomposeEnergy !== undefined);
  if (flags.decomposeRank !== undefined && flags.decomposeEnergy !== undefined) throw new UsageError('give --decompose-rank or --decompose-energy, not both');
  if (decompose && flags.quantize !== undefined) throw new UsageError('give --quantize KIND or --decompose, not both: compress in two steps');
  if (flags.quantize !== undefined) {
    const k = KINDS[flags.quantize];
    if (!k) throw new UsageError(`--quantize ${flags.quantize}: with an error budget or for sensitivity, expected ${Object.keys(KINDS).join(', ')}`);
    return k;
  }
  return decompose ? 'low-rank' : null;
}

/** The samples the flags give: images, tensor files, or generated sets. */
export function samplesFrom(flags: CompressFlags, model: Model, specs: InputSpec[]): Samples {
  if (flags.inputsFrom) {
    const images = imageFiles(flags.inputsFrom);
    if (images.length) return loadSamples(specs, { images: images.slice(0, flags.samples ?? 16) });
    const names = model.graph.inputs.filter((v) => !v.initializer).map((v) => v.name);
    return loadSamples(specs, { files: inputFiles(flags.inputsFrom, names)! });
  }
  return loadSamples(specs, { generated: flags.samples ?? 1 });
}

/** The method for `kind` with the flags' options; int8-static is calibrated on the samples. */
export async function methodFrom(kind: CompressKind, flags: CompressFlags, model: Model, samples: Samples, bindings: Bindings): Promise<CompressMethod> {
  if (kind === 'int4') {
    const blockSize = Number(flags.blockSize ?? 32);
    if (!Number.isInteger(blockSize)) throw new UsageError(`--block-size ${flags.blockSize}: expected a power of 2 between 16 and 256`);
    return buildMethod(kind, { blockSize, symmetric: !flags.asymmetric }, model, samples, bindings);
  }
  if (kind === 'low-rank') return buildMethod(kind, { lowRank: flags.decomposeRank !== undefined ? { rank: flags.decomposeRank } : { energy: flags.decomposeEnergy ?? 0.95 } }, model, samples, bindings);
  const calibration = flags.calibration ?? 'minmax';
  if (calibration !== 'minmax' && calibration !== 'percentile') throw new UsageError(`--calibration ${calibration}: expected minmax or percentile`);
  if (kind === 'int8-static' && samples.from === 'generated') process.stderr.write('warning: calibrating on generated inputs: give real samples with --inputs-from for ranges you can trust\n');
  return buildMethod(kind, { calibration }, model, samples, bindings);
}
