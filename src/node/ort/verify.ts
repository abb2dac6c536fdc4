// Verification of a rewrite: the original and the rewritten model run in ONNX Runtime (in the worker
// process) on the same inputs; outputs are compared and latency measured in the same run (pairs of
// runs back to back, their order alternating). A result outside the rule's tolerance is a failure.
import { analyzeModel } from '../../core/analysis/analyze';
import type { Model } from '../../core/ir/model';
import type { Tolerance } from '../../core/passes/types';
import { latencyChange, type LatencyChange } from '../../core/profile/latency-change';
import type { Bindings } from '../../core/shape/types';
import { LayerLensError } from '../../core/errors';
import { inputSpecs } from './profile';
import { talk } from './runtime';
import type { OutputData } from './worker';

/**
 * Verification could not run: ONNX Runtime rejected a model, crashed or timed out (in its own
 * process: the caller carries on). The message says which and what to do.
 */
export class VerificationRunError extends LayerLensError {
  readonly exitCode = 1;
}

export interface OutputComparison {
  name: string;
  maxAbsError: number;
  /** max |a-b| / max |a| */
  maxRelError: number;
  cosine: number;
  /** Share of rows whose argmax agrees, for outputs that look like class scores (rank ≥ 2, last dim > 1). */
  top1: number | null;
  /** Set when the outputs cannot be compared at all (missing, other shape). */
  problem?: string;
}

export interface Verification {
  outputs: OutputComparison[];
  before: { fileBytes: number; params: number; macs: number; medianMs: number };
  after: { fileBytes: number; params: number; macs: number; medianMs: number };
  /** Whether latency changed beyond run-to-run noise (src/core/profile/latency-change.ts). */
  latencyChange: LatencyChange;
  passed: boolean;
  failures: string[];
}

function decode(o: OutputData): Float64Array {
  const b = Buffer.from(o.values, 'base64');
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
}

/**
 * Compares one output of the original (a) with the rewritten model's (b). NaN where the original has
 * NaN counts as agreement; NaN or ±Infinity on one side only is an infinite error. Outputs of
 * different shapes compare as infinitely different (and the shapes are named in the failure).
 */
export function compareOutputs(a: OutputData, b: OutputData | undefined): OutputComparison {
  if (!b) return { name: a.name, maxAbsError: Infinity, maxRelError: Infinity, cosine: 0, top1: null, problem: `the rewritten model has no output '${a.name}'` };
  if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) {
    return { name: a.name, maxAbsError: Infinity, maxRelError: Infinity, cosine: 0, top1: null, problem: `output '${a.name}' has shape [${b.dims.join(',')}], the original [${a.dims.join(',')}]` };
  }
  const x = decode(a);
  const y = decode(b);
  let maxAbs = 0;
  let maxA = 0;
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (Number.isNaN(p) && Number.isNaN(q)) continue;
    if (!Number.isFinite(p) || !Number.isFinite(q)) {
      if (p !== q) maxAbs = Infinity;
      continue;
    }
    maxAbs = Math.max(maxAbs, Math.abs(p - q));
    maxA = Math.max(maxA, Math.abs(p));
    dot += p * q;
    nx += p * p;
    ny += q * q;
  }
  const cosine = nx === 0 && ny === 0 ? 1 : nx === 0 || ny === 0 ? 0 : dot / Math.sqrt(nx * ny);
  let top1: number | null = null;
  const last = a.dims[a.dims.length - 1] ?? 0;
  if (a.dims.length >= 2 && last > 1) {
    const rows = x.length / last;
    let agree = 0;
    for (let r = 0; r < rows; r++) {
      let ia = 0;
      let ib = 0;
      for (let k = 1; k < last; k++) {
        if (x[r * last + k]! > x[r * last + ia]!) ia = k;
        if (y[r * last + k]! > y[r * last + ib]!) ib = k;
      }
      if (ia === ib) agree++;
    }
    top1 = rows ? agree / rows : null;
  }
  return { name: a.name, maxAbsError: maxAbs, maxRelError: maxA ? maxAbs / maxA : maxAbs, cosine, top1 };
}

/** Checks comparisons against a tolerance; returns one readable line per figure outside it. */
export function failuresOf(outputs: readonly OutputComparison[], tolerance: Tolerance): string[] {
  const failures: string[] = [];
  for (const o of outputs) {
    if (o.problem) {
      failures.push(o.problem);
      continue;
    }
    if (tolerance.maxAbsError !== undefined && !(o.maxAbsError <= tolerance.maxAbsError)) failures.push(`output '${o.name}': max abs error ${o.maxAbsError.toExponential(2)} > ${tolerance.maxAbsError}`);
    if (tolerance.maxRelError !== undefined && !(o.maxRelError <= tolerance.maxRelError)) failures.push(`output '${o.name}': max rel error ${o.maxRelError.toExponential(2)} > ${tolerance.maxRelError}`);
    if (tolerance.minCosine !== undefined && !(o.cosine >= tolerance.minCosine)) failures.push(`output '${o.name}': cosine ${o.cosine.toFixed(6)} < ${tolerance.minCosine}`);
    if (tolerance.minTop1 !== undefined && o.top1 !== null && !(o.top1 >= tolerance.minTop1)) failures.push(`output '${o.name}': top-1 agreement ${o.top1} < ${tolerance.minTop1}`);
    if (Object.keys(tolerance).length === 0 && o.maxAbsError === Infinity) failures.push(`output '${o.name}': NaN or infinity where the original has finite values`);
  }
  return failures;
}

/** Timed pairs go on past `runs` until they took this long (ms)... */
export const MIN_TIME_MS = 500;
/** ...or this many pairs were timed. */
export const MAX_PAIRS = 1000;

/**
 * Runs both models on the same inputs and compares outputs against `tolerance`; times `runs` pairs at
 * least (more for a fast model: MIN_TIME_MS, MAX_PAIRS) and tells whether latency changed beyond the
 * run-to-run spread (src/core/profile/latency-change.ts).
 */
export async function verifyRewrite(
  original: { path: string; model: Model; fileBytes: number },
  rewritten: { path: string; model: Model; fileBytes: number },
  tolerance: Tolerance,
  opts: { bindings?: Bindings; runs?: number; minTimeMs?: number; inputFiles?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Verification> {
  const before = analyzeModel(original.model, { bindings: opts.bindings ?? {} }).report;
  const after = analyzeModel(rewritten.model, { bindings: opts.bindings ?? {} }).report;
  const inputs = inputSpecs(before); // a UsageError if symbolic dims are unbound
  let m;
  try {
    m = await talk(
      {
        type: 'compare',
        otherModelPath: rewritten.path,
        req: { modelPath: original.path, inputs, ...(opts.inputFiles ? { inputFiles: opts.inputFiles } : {}), mode: 'deployed', runs: opts.runs ?? 20, warmup: 3 },
        minTimeMs: opts.minTimeMs ?? MIN_TIME_MS,
        maxPairs: MAX_PAIRS,
      },
      { timeoutMs: opts.timeoutMs ?? 600_000 },
    );
  } catch (e) {
    const msg = (e as Error).message.replace(/^profiling/, 'the run');
    const hint = /cannot load|longer than|cancelled/.test(msg) ? '' : ' (if the original model fails on generated inputs, e.g. it branches on an input\'s value, give real inputs with --inputs-from)';
    throw new VerificationRunError(`verification could not run both models in ONNX Runtime: ${msg}${hint}`);
  }
  if (m.type !== 'compared') throw new VerificationRunError('verification: the ONNX Runtime worker answered with the wrong message');
  const outputs = m.a.map((o) => compareOutputs(o, m.b.find((x) => x.name === o.name)));
  const failures = failuresOf(outputs, tolerance);
  const change = latencyChange(m.aRunsMs, m.bRunsMs);
  return {
    outputs,
    before: { fileBytes: original.fileBytes, params: before.totals.params, macs: before.totals.macs, medianMs: change.beforeMs },
    after: { fileBytes: rewritten.fileBytes, params: after.totals.params, macs: after.totals.macs, medianMs: change.afterMs },
    latencyChange: change,
    passed: failures.length === 0,
    failures,
  };
}
