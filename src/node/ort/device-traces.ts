// `layerlens calibrate --from-traces DIR`: a device profile from ONNX Runtime profiles recorded on a
// device where Node cannot run (any ORT binding: Python, C++, Java, mobile). DIR holds, per model:
//   NAME.onnx                the model as given to ORT
//   NAME.optimized.onnx      the graph ORT ran (SessionOptions.optimized_model_filepath)
//   NAME*.json               one or more ORT profiles (enable_profiling) of deployed-mode runs
//   NAME.bindings.json       optional: {"inputs": {"x": [1,3,224,224]}, "dims": {"batch": 1}} when the
//                            model's dims are symbolic
// Each model is planned (src/core/predict), matched to the kernels ORT ran, and every matched kernel
// becomes a sample (median µs over the profile's runs after the first). The roofline units are the
// device's figures when given (--peak, --bandwidth), else the fastest kernels of the traces: peak =
// the best achieved GFLOP/s of a Conv/Gemm kernel, bandwidth = the best achieved GB/s of a
// memory-bound kernel (both lower bounds of the device's real figures; the predictors absorb the scale).
// With a base profile (--base), classes the traces do not cover keep the base's predictors, and the
// base's run overhead is kept; without one, the traces' model_run time beyond their kernels' (which
// includes the profiler's own bookkeeping) is spread over the kernels.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../../core/analysis/analyze';
import { UsageError } from '../../core/errors';
import { DEVICE_PROFILE_SCHEMA, DEVICE_PROFILE_VERSION, type DeviceProfile, type FusionObservation, type Roofline } from '../../core/predict/device-profile';
import { learnPredictors, observeFusions, samplesFrom, type ClassSample } from '../../core/predict/learn';
import { matchKernels } from '../../core/predict/match';
import { planKernels } from '../../core/predict/plan';
import { mapKernels } from '../../core/profile/kernel-map';
import { median } from '../../core/profile/stats';
import { parseOrtTrace } from '../../core/profile/trace';
import { inferShapes } from '../../core/shape';
import type { Bindings } from '../../core/shape/types';
import { readModel } from '../../core/onnx/reader';
import { loadModelFile } from '../model-file';

export interface TraceOptions {
  /** The device's figures, when known. */
  peakGflops?: number;
  bandwidthGBs?: number;
  /** NCHWc block of the device's ORT (default: learned from the optimized graphs: 1 without NCHWc kernels). */
  nchwcBlock?: number;
  name?: string;
  threads?: number | null;
  base?: DeviceProfile;
  /** Bindings for every model without its own NAME.bindings.json. */
  bindings?: Bindings;
  onProgress?: (m: string) => void;
}

interface TraceSet {
  name: string;
  model: string;
  optimized: string;
  traces: string[];
  bindings: Bindings;
}

function findSets(dir: string, fallback: Bindings): TraceSet[] {
  if (!existsSync(dir)) throw new UsageError(`--from-traces ${dir}: no such folder`);
  const files = readdirSync(dir);
  const sets: TraceSet[] = [];
  for (const f of files) {
    if (!f.endsWith('.onnx') || f.endsWith('.optimized.onnx')) continue;
    const name = f.slice(0, -'.onnx'.length);
    const optimized = `${name}.optimized.onnx`;
    const traces = files.filter((t) => t.startsWith(name) && t.endsWith('.json') && t !== `${name}.bindings.json`);
    if (!files.includes(optimized) || traces.length === 0) continue;
    const b = join(dir, `${name}.bindings.json`);
    let bindings = fallback;
    if (existsSync(b)) {
      try {
        bindings = JSON.parse(readFileSync(b, 'utf8')) as Bindings;
      } catch (e) {
        throw new UsageError(`${b} is not JSON (${(e as Error).message}): expected {"inputs": {...}, "dims": {...}}`);
      }
    }
    sets.push({ name, model: join(dir, f), optimized: join(dir, optimized), traces: traces.map((t) => join(dir, t)), bindings });
  }
  if (sets.length === 0) {
    throw new UsageError(`--from-traces ${dir}: no NAME.onnx with NAME.optimized.onnx and a NAME*.json ONNX Runtime profile beside it (docs/prediction.md)`);
  }
  return sets;
}

/** The NCHWc block of a graph ORT ran: the padded output channels of its NCHWc Convs' weights (1 when none). */
export function nchwcBlockOf(optimized: ReturnType<typeof readModel>): number {
  let block = 1;
  for (const n of optimized.graph.allNodes()) {
    if (n.domain !== 'com.microsoft.nchwc' || n.opType !== 'Conv') continue;
    const t = n.inputs[1]?.initializer ?? n.inputs[1]?.constant;
    const c = t?.dims[0];
    if (c) for (const b of [16, 8, 4]) if (c % b === 0) { block = Math.max(block, b); break; }
  }
  return block;
}

export function profileFromTraces(dir: string, opts: TraceOptions = {}): DeviceProfile {
  const sets = findSets(dir, opts.bindings ?? {});
  const raw: ClassSample[] = [];
  const fusions = new Map<string, FusionObservation>();
  let unmatched = 0;
  let block = opts.nchwcBlock ?? 1;
  let bestGflops = 0;
  let bestGBs = 0;
  const gaps: { us: number; kernels: number }[] = [];
  for (const set of sets) {
    opts.onProgress?.(`${set.name}: ${set.traces.length} profile(s)`);
    const model = loadModelFile(set.model).model;
    const optimized = readModel(readFileSync(set.optimized));
    if (opts.nchwcBlock === undefined) block = Math.max(block, nchwcBlockOf(optimized));
    const a = analyzeModel(model, { bindings: set.bindings });
    const plan = planKernels({ model, run: a.shapes, load: inferShapes(model, {}), cost: a.cost }, { nchwcBlock: opts.nchwcBlock ?? nchwcBlockOf(optimized) });
    const matching = matchKernels(plan, mapKernels(model, optimized), model, optimized);
    observeFusions(matching, fusions);
    unmatched += matching.plannedOnly.length + matching.wrongOp.length;
    set.traces.forEach((t, i) => {
      const { events, runsUs } = parseOrtTrace(readFileSync(t, 'utf8'), t);
      const per = new Map<string, number[]>();
      for (const e of events) if (e.run >= 1) per.set(e.node, [...(per.get(e.node) ?? []), e.durUs]);
      const kernelSum = [...per.values()].reduce((a, d) => a + median(d), 0);
      if (runsUs.length > 1) gaps.push({ us: Math.max(0, median(runsUs.slice(1)) - kernelSum), kernels: per.size });
      const samples = samplesFrom(matching, (k) => (per.has(k) ? median(per.get(k)!) : null), `${set.name}#${i}`);
      raw.push(...samples);
      for (const s of samples) {
        if (s.cls.startsWith('conv') || s.cls === 'gemm') bestGflops = Math.max(bestGflops, s.flops / (s.us * 1e3));
        if (s.flops / Math.max(1, s.bytes) < 1) bestGBs = Math.max(bestGBs, s.bytes / (s.us * 1e3));
      }
    });
  }
  if (raw.length === 0) throw new UsageError(`--from-traces ${dir}: no kernel of the traces could be matched to its model (are the optimized models the ones ORT wrote with these profiles?)`);
  const base = opts.base;
  const roofline: Roofline = {
    peakGflops: opts.peakGflops ?? base?.roofline.peakGflops ?? Math.max(bestGflops, 1),
    bandwidthGBs: opts.bandwidthGBs ?? base?.roofline.bandwidthGBs ?? Math.max(bestGBs, 0.1),
    kernelOverheadUs: base?.roofline.kernelOverheadUs ?? Math.min(...raw.map((s) => s.us)),
  };
  const learned = learnPredictors(raw, roofline);
  const predictors = { ...(base?.predictors ?? {}), ...learned.predictors };
  const source = opts.peakGflops ? 'given (--peak/--bandwidth)' : base ? `from ${base.name}` : 'the fastest kernels of the traces (lower bounds)';
  return {
    schema: DEVICE_PROFILE_SCHEMA,
    version: DEVICE_PROFILE_VERSION,
    kind: 'calibrated',
    id: opts.name ?? base?.id ?? 'from-traces',
    name: opts.name ?? base?.name ?? `device of ${sets.map((s) => s.name).join(', ')}`,
    device: base?.device ?? { cpu: 'unknown (from traces)', cores: 0, arch: 'unknown' },
    runtime: { name: 'onnxruntime', version: base?.runtime.version ?? 'unknown (from traces)', executionProvider: 'CPUExecutionProvider', threads: opts.threads ?? base?.runtime.threads ?? null, nchwcBlock: block, ...(base?.runtime.fp16Ops ? { fp16Ops: base.runtime.fp16Ops } : {}) },
    roofline: { ...roofline, source },
    // Without a base: the traces' model_run time beyond their kernels, per kernel (it includes the profiler's own cost).
    overhead: base?.overhead ?? { perRunUs: 0, perKernelUs: gaps.length ? median(gaps.map((g) => g.us / Math.max(1, g.kernels))) : 0 },
    predictors,
    generic: learned.generic,
    fusions: [...fusions.values()].sort((x, y) => x.rule.localeCompare(y.rule)),
    validation: learned.validation,
    samples: { total: raw.length, sources: [...(base?.samples.sources ?? []), `traces in ${dir}: ${sets.map((s) => s.name).join(', ')}`], unmatched },
    createdAt: new Date().toISOString(),
    method: `ONNX Runtime profiles recorded on the device (${sets.length} model(s), ${raw.length} kernel samples): per-class roofline-linear predictors${base ? `, refining ${base.name}` : ''}`,
  };
}
