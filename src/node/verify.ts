// Verification of a rewrite: the original and the rewritten model run in ONNX Runtime (in the worker
// process) on the same inputs; outputs are compared and latency measured in the same run (interleaved
// A/B runs). A result outside the rule's tolerance is a failure.
import { analyzeModel } from '../core/analysis/analyze';
import type { Model } from '../core/ir/model';
import type { Tolerance } from '../core/passes/types';
import { median } from '../core/profile/stats';
import type { Bindings } from '../core/shape/types';
import { inputSpecs } from './profile-model';
import { talk } from './ort-runtime';
import type { OutputData } from './profile-worker';

export interface OutputComparison {
  name: string;
  maxAbsError: number;
  /** max |a-b| / max |a| */
  maxRelError: number;
  cosine: number;
  /** Share of rows whose argmax agrees, for outputs that look like class scores (rank ≥ 2, last dim > 1). */
  top1: number | null;
}

export interface Verification {
  outputs: OutputComparison[];
  before: { fileBytes: number; params: number; macs: number; medianMs: number };
  after: { fileBytes: number; params: number; macs: number; medianMs: number };
  passed: boolean;
  failures: string[];
}

function decode(o: OutputData): Float64Array {
  const b = Buffer.from(o.values, 'base64');
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
}

export function compareOutputs(a: OutputData, b: OutputData): OutputComparison {
  const x = decode(a);
  const y = decode(b);
  let maxAbs = 0;
  let maxA = 0;
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(x[i]! - (y[i] ?? NaN)));
    maxA = Math.max(maxA, Math.abs(x[i]!));
    dot += x[i]! * y[i]!;
    nx += x[i]! * x[i]!;
    ny += y[i]! * y[i]!;
  }
  const cosine = nx === 0 && ny === 0 ? 1 : dot / Math.sqrt(nx * ny);
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

export async function verifyRewrite(
  original: { path: string; model: Model; fileBytes: number },
  rewritten: { path: string; model: Model; fileBytes: number },
  tolerance: Tolerance,
  opts: { bindings?: Bindings; runs?: number; inputFiles?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Verification> {
  const before = analyzeModel(original.model, { bindings: opts.bindings ?? {} }).report;
  const after = analyzeModel(rewritten.model, { bindings: opts.bindings ?? {} }).report;
  const m = await talk(
    {
      type: 'compare',
      otherModelPath: rewritten.path,
      req: { modelPath: original.path, inputs: inputSpecs(before), ...(opts.inputFiles ? { inputFiles: opts.inputFiles } : {}), mode: 'deployed', runs: opts.runs ?? 20, warmup: 3 },
    },
    { timeoutMs: opts.timeoutMs ?? 600_000 },
  );
  if (m.type !== 'compared') throw new Error('unexpected worker answer');
  const outputs = m.a.map((o, i) => compareOutputs(o, m.b.find((x) => x.name === o.name) ?? m.b[i]!));
  const failures: string[] = [];
  for (const o of outputs) {
    if (tolerance.maxAbsError !== undefined && o.maxAbsError > tolerance.maxAbsError) failures.push(`output '${o.name}': max abs error ${o.maxAbsError.toExponential(2)} > ${tolerance.maxAbsError}`);
    if (tolerance.maxRelError !== undefined && o.maxRelError > tolerance.maxRelError) failures.push(`output '${o.name}': max rel error ${o.maxRelError.toExponential(2)} > ${tolerance.maxRelError}`);
    if (tolerance.minCosine !== undefined && o.cosine < tolerance.minCosine) failures.push(`output '${o.name}': cosine ${o.cosine.toFixed(6)} < ${tolerance.minCosine}`);
    if (tolerance.minTop1 !== undefined && o.top1 !== null && o.top1 < tolerance.minTop1) failures.push(`output '${o.name}': top-1 agreement ${o.top1} < ${tolerance.minTop1}`);
  }
  return {
    outputs,
    before: { fileBytes: original.fileBytes, params: before.totals.params, macs: before.totals.macs, medianMs: median(m.aRunsMs) },
    after: { fileBytes: rewritten.fileBytes, params: after.totals.params, macs: after.totals.macs, medianMs: median(m.bRunsMs) },
    passed: failures.length === 0,
    failures,
  };
}
