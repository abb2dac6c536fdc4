// `npm run bench`, latency prediction (docs/prediction.md): calibrate this machine, then predict every
// real model of test/models.json and measure it in the same run (deployed mode, as `profile` does):
//  - per model: predicted vs measured latency (the reported median) and predicted vs measured kernel
//    time (the sum of ORT's kernel medians: the predictors' own target, without run-to-run scheduling);
//  - the share of models within ±10 % and ±20 %;
//  - per node, for each model's five slowest measured nodes: predicted vs measured µs;
//  - the catalog's method (roofline estimate with assumed efficiencies) applied to this machine's own
//    measured peak and bandwidth, against the same measurements: how far a catalog estimate can be off;
//  - the efficiencies the calibrated predictors imply here (what catalog.ts assumes for other devices).
// Env: LAYERLENS_BENCH_PREDICT_BUDGET (minutes, default 5), LAYERLENS_BENCH_THREADS (default ORT's).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogProfile, predictModel, type DeviceProfile } from '../src/core/predict';
import { KERNEL_EFFICIENCY } from '../src/core/predict/catalog';
import { loadModelFile } from '../src/node/model-file';
import { calibrateDevice } from '../src/node/ort/calibrate-device';
import { profileModel } from '../src/node/ort/profile';
import type { Bindings } from '../src/core/shape/types';
import { allModels } from '../test/support/models';
import { npyInt64Scalar } from '../test/support/npy';

const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'll-bench-predict-'));
const sr = join(dir, 'sr.npy');
writeFileSync(sr, npyInt64Scalar(16000n));
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

/** This machine as the catalog would estimate it: its measured peak and bandwidth, the catalog's efficiencies. */
function catalogStyle(p: DeviceProfile): DeviceProfile {
  const est = catalogProfile({
    id: 'this-machine-estimate', name: 'this machine, catalog method', cpu: p.device.cpu, arch: 'x86_64', cores: p.device.cores, threads: p.runtime.threads ?? p.device.cores, clockGHz: 3,
    peakGflops: { value: p.roofline.peakGflops, derivation: 'measured', source: 'layerlens machine' },
    bandwidthGBs: { value: p.roofline.bandwidthGBs, derivation: 'measured', source: 'layerlens machine' },
    nchwcBlock: p.runtime.nchwcBlock, assumptions: [],
  });
  return est;
}

async function main(): Promise<void> {
  const threads = Number(process.env.LAYERLENS_BENCH_THREADS ?? 0) || null;
  const budget = Number(process.env.LAYERLENS_BENCH_PREDICT_BUDGET ?? 5);
  console.log(`\nlatency prediction: calibrating this machine (budget ${budget} min, ${threads ?? "ORT's default"} threads)`);
  const t0 = Date.now();
  const profile = await calibrateDevice({ budgetMinutes: budget, threads, run: { onProgress: () => {} } });
  const saved = join(dir, 'this-machine.device.json');
  writeFileSync(saved, JSON.stringify(profile, null, 2));
  const v = profile.validation;
  console.log(`calibrated in ${((Date.now() - t0) / 1000).toFixed(0)} s (profile: ${saved}): ${profile.samples.total} kernel samples, NCHWc block ${profile.runtime.nchwcBlock}, run overhead ${profile.overhead.perRunUs.toFixed(1)} µs + ${profile.overhead.perKernelUs.toFixed(2)} µs/kernel`);
  if (v) console.log(`predictors' held-out error: MAPE ${(100 * v.mape).toFixed(1)} %, ${(100 * v.within10).toFixed(0)} % within ±10 %, ${(100 * v.within20).toFixed(0)} % within ±20 % (${v.n} kernels)`);
  console.log(['class', 'samples', 'held-out MAPE', 'reached compute', 'reached memory', 'catalog assumes'].join('\t'));
  for (const [cls, pr] of Object.entries(profile.predictors)) {
    const c = pr!.regimes[pr!.regimes.length - 1]!.coef;
    // 0.8 is the physics floor of the compute coefficient (fit.ts): at the floor the class is not compute-bound.
    const eff = (k: number, floor = 0): string => (k > floor + 1e-9 ? (1 / k).toFixed(2) : '-');
    const a = KERNEL_EFFICIENCY[cls as keyof typeof KERNEL_EFFICIENCY];
    console.log([cls, pr!.samples, pr!.validation ? `${(100 * pr!.validation.mape).toFixed(1)} %` : '-', eff(c.perComputeUs, 0.8), eff(c.perMemoryUs), `${a.compute} / ${a.memory}`].join('\t'));
  }
  const estimate = catalogStyle(profile);
  const models = allModels().filter((m) => m.file.endsWith('.onnx') && existsSync(join(root, '.cache/models', m.file)));
  console.log('\nper model (deployed mode, 20 runs; bench-tier models 3): predicted vs measured; kernels = sum of ORT kernel medians');
  console.log(['model', 'predicted ms', 'measured ms', 'spread', 'error', 'pred kernels ms', 'meas kernels ms', 'kernel error', 'covered', 'catalog-method ms', 'catalog-method error'].join('\t'));
  const errs: number[] = [];
  const kerrs: number[] = [];
  const cerrs: number[] = [];
  const nodeRows: string[] = [];
  for (const m of models) {
    const path = join(root, '.cache/models', m.file);
    const bindings = (m.bindings ?? {}) as Bindings;
    const model = loadModelFile(path).model;
    const r = predictModel(model, profile, bindings);
    const c = predictModel(model, estimate, bindings, r.analysis);
    const big = m.tier === 'bench';
    const meas = await profileModel(path, { bindings, runs: big ? 3 : 20, warmup: big ? 1 : 3, machine: false, ...(threads ? { threads } : {}), ...(m.file.startsWith('silero') ? { inputFiles: { sr } } : {}) });
    const l = meas.latency!;
    const p = r.prediction.latency;
    const e = p.predictedMs / l.medianMs - 1;
    const ke = p.kernelsMs / l.kernelSumMs - 1;
    const ce = c.prediction.latency.predictedMs / l.medianMs - 1;
    errs.push(e);
    kerrs.push(ke);
    cerrs.push(ce);
    console.log([m.file, p.predictedMs.toFixed(3), l.medianMs.toFixed(3), l.spread.toFixed(2), pct(e), p.kernelsMs.toFixed(3), l.kernelSumMs.toFixed(3), pct(ke), `${(100 * p.coveredShare).toFixed(0)}%`, c.prediction.latency.predictedMs.toFixed(3), pct(ce)].join('\t'));
    // The measurement loaded the model itself: nodes are matched by name (with the body's path).
    const key = (n: { graph: { path: string }; displayName: string }): string => `${n.graph.path}/${n.displayName}`;
    const predicted = new Map([...r.prediction.nodes].map(([n, v]) => [key(n), v]));
    for (const [node, pn] of [...meas.nodes].sort((a, b) => b[1].medianUs - a[1].medianUs).slice(0, 5)) {
      const q = predicted.get(key(node));
      nodeRows.push([m.file, node.displayName.slice(0, 50), node.opType, pn.medianUs.toFixed(1), q ? q.us.toFixed(1) : '-', q ? pct(q.us / pn.medianUs - 1) : '-', q?.kernel.slice(0, 40) ?? '-'].join('\t'));
    }
  }
  const within = (xs: number[], t: number): string => `${xs.filter((x) => Math.abs(x) <= t).length}/${xs.length}`;
  console.log(`\nlatency within ±10 %: ${within(errs, 0.1)}, within ±20 %: ${within(errs, 0.2)} (goal: all within ±20 %, ≥ 80 % within ±10 %)`);
  console.log(`kernel time within ±10 %: ${within(kerrs, 0.1)}, within ±20 %: ${within(kerrs, 0.2)}`);
  console.log(`catalog method on this machine within ±20 %: ${within(cerrs, 0.2)}, within ±50 %: ${within(cerrs, 0.5)}`);
  console.log('\nslowest measured nodes per model: measured vs predicted µs');
  console.log(['model', 'node', 'op', 'measured µs', 'predicted µs', 'error', 'predicted kernel'].join('\t'));
  for (const row of nodeRows) console.log(row);
}

void main();
