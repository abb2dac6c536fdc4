// `layerlens calibrate`: builds a device profile on the machine it runs on, within a time budget.
//  1. the machine's roofline figures (machine.ts: peak, bandwidth, fixed cost per kernel);
//  2. a probe model in deployed mode: a chain of one-element kernels at two lengths gives the time a
//     run costs beyond its kernels (session.run wall time = per-run + N × (kernel + per-kernel)), and
//     a 16-in/4-out Conv shows ORT's NCHWc block (its output channels padded to the block, or none);
//  3. batches of sampled kernel configurations (device-samples.ts), each one model of independent
//     subgraphs run in a profiled session that also writes the graph ORT ran; the plan of each batch
//     (src/core/predict) is matched to ORT's kernels: matched kernels are training samples (median µs
//     of the profiled runs), and the plan's fusion rules are counted as applied or not;
//  4. per-class predictors with their held-out error, written as a versioned device profile.
// Progress goes to onProgress; the AbortSignal stops the running worker and the loop (nothing written).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModel } from '../../core/analysis/analyze';
import { newModel } from '../../core/ir/builder';
import { DataType } from '../../core/ir/data-type';
import type { Model } from '../../core/ir/model';
import { readModel } from '../../core/onnx/reader';
import { writeModel } from '../../core/onnx/writer';
import { DEVICE_PROFILE_SCHEMA, DEVICE_PROFILE_VERSION, type DeviceProfile, type FusionObservation, type Roofline } from '../../core/predict/device-profile';
import { learnPredictors, observeFusions, samplesFrom, type ClassSample } from '../../core/predict/learn';
import { matchKernels } from '../../core/predict/match';
import { planKernels } from '../../core/predict/plan';
import { ProfileError } from '../../core/profile/errors';
import { mapKernels } from '../../core/profile/kernel-map';
import type { InputSpec, RunOptions } from '../../core/profile/runtime';
import { median } from '../../core/profile/stats';
import { parseOrtTrace } from '../../core/profile/trace';
import { inferShapes } from '../../core/shape';
import { fp16Compute, int8Dynamic, int8Static, runPass, weightNBits } from '../../core/passes';
import type { RewriteRule } from '../../core/passes/types';
import { Rng, sampleFamilies, type SampleConfig } from './device-samples';
import { machinePeaks } from './machine';
import { ortPackageVersion, runWorker, talk } from './runtime';

export interface CalibrateOptions {
  /** intraOpNumThreads (null/undefined = ORT's default). */
  threads?: number | null;
  /** Time budget, minutes (default 5). */
  budgetMinutes?: number;
  seed?: number;
  /** Only these sample families (tests). */
  families?: string[];
  /** Stop after this many samples (tests). */
  maxSamples?: number;
  name?: string;
  run?: RunOptions;
  /** Receives every kernel sample (with its kernel's name) before the fit: tests and the bench read them. */
  onSamples?: (samples: (ClassSample & { kernel: string })[]) => void;
}

/** Estimated µs of kernel work per batch model run (kept near a few scheduler slices). */
const BATCH_US = 30_000;
const BATCH_MAX = 24;
const RUNS = 8;
const WARMUP = 2;

/**
 * Batch variants, in turn: float as built, or rewritten by LayerLens's own quantizers (the int8 and
 * int4 kernels and float16 handling a user's optimized model will run on): dynamic int8
 * (DynamicQuantizeLinear + MatMulInteger -> DynamicQuantizeMatMul), static QDQ int8 (QLinearConv,
 * QLinearMatMul; ranges [-1, 1] stand in for calibrated ones), int4 weight-only (MatMulNBits), float16.
 */
const VARIANTS: { name: string; rules: (m: Model) => RewriteRule[] }[] = [
  { name: 'float', rules: () => [] },
  { name: 'float', rules: () => [] },
  { name: 'int8-dynamic', rules: () => [int8Dynamic()] },
  { name: 'float', rules: () => [] },
  { name: 'int8-static', rules: (m) => [int8Static({ ranges: new Map([...m.graph.values.keys()].map((k) => [k, { min: -1, max: 1 }])) })] },
  { name: 'int4-weight', rules: () => [weightNBits({ bits: 4, blockSize: 32, symmetric: true })] },
  { name: 'float16', rules: () => [fp16Compute()] },
];

function inputsOf(m: Model): InputSpec[] {
  return m.graph.inputs.filter((v) => !v.initializer).map((v) => {
    const t = v.type!;
    if (t.kind !== 'tensor' || !t.shape) throw new Error(`sample input ${v.name} has no shape`);
    return { name: v.name, elemType: t.elemType, shape: t.shape as number[] };
  });
}

/** The probe model: one-element Neg chains of 1 and 65 kernels, and a 16->4 channel Conv. */
function probeModel(chain: number): Model {
  const { model, b } = newModel('layerlens-probe');
  let t = b.input('tiny', DataType.FLOAT, [1]);
  for (let i = 0; i < chain; i++) [t] = b.node('Neg', [t], {}, { name: `probe_neg_${i}` }) as [typeof t];
  b.output(t, DataType.FLOAT, [1]);
  const x = b.input('img', DataType.FLOAT, [1, 16, 8, 8]);
  const w = b.initializer('probe_w', DataType.FLOAT, [4, 16, 3, 3], Array.from({ length: 576 }, (_, i) => ((i % 5) - 2) / 10));
  const [y] = b.node('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'probe_conv', outputs: ['probe_conv_out'] });
  b.output(y!, DataType.FLOAT, [1, 4, 8, 8]);
  return model;
}

async function probe(dir: string, threads: number | null, run: RunOptions): Promise<{ perRunUs: number; perKernelUs: number; block: number; slopeUs: number; tinyUs: number }> {
  const times: number[] = [];
  let block = 1;
  let tinyUs = 0;
  for (const n of [1, 65]) {
    const path = join(dir, `probe-${n}.onnx`);
    writeFileSync(path, writeModel(probeModel(n)));
    const quiet: RunOptions = { ...run };
    delete quiet.onProgress;
    const r = await runWorker({ modelPath: path, inputs: inputsOf(probeModel(n)), mode: 'deployed', runs: 200, warmup: 20, ...(threads ? { threads } : {}) }, true, quiet);
    times.push(median(r.plainRunsMs) * 1000);
    if (r.trace && n === 65) tinyUs = median(parseOrtTrace(r.trace, 'the probe').events.filter((e) => e.node.startsWith('probe_neg_')).map((e) => e.durUs));
    if (r.optimizedModel) {
      for (const k of readModel(r.optimizedModel).graph.nodes) {
        const w = k.inputs[1];
        const t = w?.initializer ?? w?.constant;
        if (k.domain === 'com.microsoft.nchwc' && k.opType === 'Conv' && t) block = t.dims[0]!;
      }
    }
  }
  const slope = (times[1]! - times[0]!) / 64;
  // The Conv runs in both models: its time is in the fixed part of both. The per-kernel figure is what
  // a kernel costs in an unprofiled run beyond its profiled duration: negative when the profiler's
  // own bookkeeping makes tiny kernels look slower than they run.
  return { perRunUs: Math.max(0, times[0]! - slope), perKernelUs: slope - tinyUs, block, slopeUs: slope, tinyUs };
}

/** Ops of a float16 batch that ORT ran on float16 tensors (native) or in float between its inserted Casts. */
function learnFp16(optimized: Model, native: Set<string>, inFloat: Set<string>): void {
  for (const n of optimized.graph.nodes) {
    if (n.opType === 'Cast' || n.domain !== '') continue;
    const castIn = n.inputs.some((v) => v?.producer?.opType === 'Cast' && (v.name.includes('InsertedPrecisionFreeCast') || v.producer.displayName.includes('InsertedPrecisionFreeCast')));
    const castOut = n.outputs.some((v) => v?.consumers().some((c) => c.opType === 'Cast' && c.displayName.includes('InsertedPrecisionFreeCast')));
    if (castIn || castOut) inFloat.add(n.opType);
    else if (n.inputs.some((v) => v?.type?.kind === 'tensor' && v.type.elemType === DataType.FLOAT16)) native.add(n.opType);
  }
}

function nextBatch(queue: SampleConfig[]): SampleConfig[] {
  const out: SampleConfig[] = [];
  let cost = 0;
  while (queue.length && out.length < BATCH_MAX && (cost < BATCH_US || out.length === 0)) {
    const c = queue.shift()!;
    if (out.length && cost + c.cost > 3 * BATCH_US) {
      queue.push(c);
      break;
    }
    out.push(c);
    cost += c.cost;
  }
  return out;
}

export async function calibrateDevice(opts: CalibrateOptions = {}): Promise<DeviceProfile> {
  const started = Date.now();
  const budgetMs = (opts.budgetMinutes ?? 5) * 60_000;
  const threads = opts.threads ?? null;
  const run = opts.run ?? {};
  const say = (m: string): void => run.onProgress?.(m);
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-calibrate-'));
  try {
    const m = await machinePeaks(threads, { ...(run.onProgress ? { onProgress: run.onProgress } : {}), run });
    const roofline: Roofline = { peakGflops: m.peakGflops, bandwidthGBs: m.bandwidthGBs, kernelOverheadUs: m.kernelOverheadUs };
    say(`roofline: ${m.peakGflops.toFixed(1)} GFLOP/s, ${m.bandwidthGBs.toFixed(1)} GB/s, ${m.kernelOverheadUs.toFixed(1)} µs per kernel`);
    const overhead = await probe(dir, threads, run);
    say(`per run ${overhead.perRunUs.toFixed(1)} µs; per kernel ${overhead.slopeUs.toFixed(2)} µs in a plain run vs ${overhead.tinyUs.toFixed(2)} µs profiled; NCHWc block ${overhead.block}`);

    const rng = new Rng(opts.seed ?? 1);
    const families = sampleFamilies().filter((f) => !opts.families || opts.families.includes(f.family));
    if (families.length === 0) throw new ProfileError(`no sample family matches ${opts.families?.join(', ')}`);
    const samples: ClassSample[] = [];
    const fusions = new Map<string, FusionObservation>();
    let unmatched = 0;
    const fp16Native = new Set<string>();
    const fp16Float = new Set<string>();
    const debug: { kernel: string; nodes: string; attrs: string; id: string }[] = [];
    let batchNo = 0;
    let made = 0;
    const queue: SampleConfig[] = [];
    const cap = opts.maxSamples ?? Infinity;
    while (Date.now() - started < budgetMs && made < cap) {
      if (run.signal?.aborted) throw new ProfileError('calibration was cancelled');
      while (queue.length < BATCH_MAX && made + queue.length < cap) for (const f of families) queue.push(f.make(rng, `s${made + queue.length}`));
      // Batches of kernels of similar size: a small kernel timed between large ones finds the caches and
      // the thread pool in their state and runs up to 2× slower than among its like (measured here).
      queue.sort((x, y) => x.cost - y.cost);
      const batch = nextBatch(queue);
      made += batch.length;
      const { model, b } = newModel(`layerlens-calibration-${batchNo}`);
      for (const c of batch) c.build(b, `${c.id}/`);
      const variant = VARIANTS[batchNo % VARIANTS.length]!;
      const rules = variant.rules(model);
      if (rules.length) runPass(model, rules, { keepDeadCode: false });
      const path = join(dir, `batch-${batchNo}.onnx`);
      writeFileSync(path, writeModel(model));
      let r;
      try {
        r = await talk({ type: 'trace', optimization: 'all', saveOptimized: true, req: { modelPath: path, inputs: inputsOf(model), mode: 'deployed', runs: RUNS, warmup: WARMUP, ...(threads ? { threads } : {}) } }, run);
      } catch (e) {
        if (run.signal?.aborted || variant.name === 'float') throw e;
        say(`batch ${batchNo + 1} (${variant.name}) did not run: ${(e as Error).message.slice(0, 200)}; skipped`);
        batchNo++;
        continue;
      }
      if (r.type !== 'result' || !r.trace || !r.optimizedModel) throw new ProfileError('a calibration batch returned no ONNX Runtime profile or optimized graph');
      const optimized = readModel(Buffer.from(r.optimizedModel, 'base64'));
      if (variant.name === 'float16') learnFp16(optimized, fp16Native, fp16Float);
      const { events } = parseOrtTrace(r.trace, 'a calibration batch');
      const perKernel = new Map<string, number[]>();
      for (const e of events) if (e.run >= 1 + WARMUP) perKernel.set(e.node, [...(perKernel.get(e.node) ?? []), e.durUs]);
      const a = analyzeModel(model);
      const fp16Ops = fp16Native.size ? new Set([...fp16Native].filter((o) => !fp16Float.has(o))) : undefined;
      const plan = planKernels({ model, run: a.shapes, load: inferShapes(model, {}), cost: a.cost }, { nchwcBlock: overhead.block, ...(fp16Ops ? { fp16Ops } : {}) });
      const matching = matchKernels(plan, mapKernels(model, optimized), model, optimized);
      observeFusions(matching, fusions);
      unmatched += matching.plannedOnly.length + matching.wrongOp.length;
      samples.push(...samplesFrom(matching, (k) => (perKernel.has(k) ? median(perKernel.get(k)!) : null), `b${batchNo}`));
      if (opts.onSamples) debug.push(...matching.matched.map((x) => ({ kernel: x.kernel, nodes: x.planned.nodes.map((n) => n.opType).join('+'), attrs: x.planned.nodes.filter((n) => n.opType === 'Conv').map((n) => [n.inputs[1]?.initializer?.dims.join('x'), n.attrInts('strides')?.join('x'), n.attrInt('group', 1)].join(' ')).join(';'), id: `b${batchNo}/${x.kernel}` })));
      say(`batch ${batchNo + 1} (${variant.name}): ${batch.length} configurations, ${samples.length} kernel samples so far, ${((Date.now() - started) / 1000).toFixed(0)} s of ${(budgetMs / 1000).toFixed(0)} s`);
      batchNo++;
    }
    const learned = learnPredictors(samples, roofline);
    if (opts.onSamples) {
      const info = new Map(debug.map((d) => [d.id, d]));
      opts.onSamples(samples.map((x) => ({ ...x, kernel: `${x.id} ${info.get(x.id)?.nodes ?? ''} ${info.get(x.id)?.attrs ?? ''}` })));
    }
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    return {
      schema: DEVICE_PROFILE_SCHEMA,
      version: DEVICE_PROFILE_VERSION,
      kind: 'calibrated',
      id: opts.name ?? `calibrated-${cpu.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`,
      name: opts.name ?? `${cpu} (${cpus().length} cores, ${threads ?? "ORT's default"} threads)`,
      device: { cpu, cores: cpus().length, arch: arch(), os: platform() },
      runtime: { name: 'onnxruntime', version: ortPackageVersion(), executionProvider: 'CPUExecutionProvider', threads, nchwcBlock: overhead.block, ...(fp16Native.size ? { fp16Ops: [...fp16Native].filter((o) => !fp16Float.has(o)).sort() } : {}) },
      roofline: { ...roofline, source: `measured by layerlens machine at ${m.measuredAt}` },
      overhead: { perRunUs: overhead.perRunUs, perKernelUs: overhead.perKernelUs },
      predictors: learned.predictors,
      generic: learned.generic,
      fusions: [...fusions.values()].sort((x, y) => x.rule.localeCompare(y.rule)),
      validation: learned.validation,
      samples: { total: samples.length, sources: [`${batchNo} sampled batches (seed ${opts.seed ?? 1})`], budgetSeconds: budgetMs / 1000, elapsedSeconds: (Date.now() - started) / 1000, unmatched },
      createdAt: new Date().toISOString(),
      method: `kernels timed through ONNX Runtime ${ortPackageVersion()} on this machine: per-class roofline-linear predictors (fit.ts) on ${samples.length} kernel samples`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
