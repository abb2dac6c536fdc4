// Fits one kernel class's predictor from timed samples, and measures its error on samples it did not see.
//
// Form (docs/prediction.md says why this and not nn-Meter's random forests): with
//   c = flops / peak   (µs the kernel's arithmetic takes at the device's measured peak)
//   m = bytes / bandwidth (µs its traffic takes at the measured bandwidth)
// a kernel takes  t = a + b·c + d·m  (a, b, d ≥ 0: a fixed cost, and the inverse of the efficiency
// the kernel reaches on each resource). Fitted by non-negative least squares on relative error
// (every subset of the three terms solved in closed form, the best feasible kept; iteratively
// reweighted towards least absolute relative error, so that kernels slowed by other processes on a
// shared machine do not drag the fit), in
// up to three regimes split at a roofline time r = max(c, m) (small kernels run on one thread and
// pay dispatch; large ones use every core), the split chosen by 4-fold cross-validation among
// none and the 1/3, 1/2, 2/3 quantiles of r. Hand-written: a 3-variable NNLS and a quantile split are
// a few lines, and no widely used JS library does constrained least squares.
//
// Validation: a deterministic quarter of the samples (by a hash of their id) is held out; the
// predictor fitted on the rest predicts them and its errors are reported (MAPE, share within ±10 %
// and ±20 %). The predictor kept is then refitted on every sample.
import type { ClassPredictor, Coefficients, Roofline, ValidationError } from './device-profile';

export interface Sample {
  /** Stable id (for the hold-out choice). */
  id: string;
  flops: number;
  bytes: number;
  /** Measured time, µs. */
  us: number;
}

interface Point {
  c: number;
  m: number;
  t: number;
}

const point = (s: Sample, r: Roofline): Point => ({ c: s.flops / (r.peakGflops * 1e3), m: s.bytes / (r.bandwidthGBs * 1e3), t: s.us });

/** Solves the normal equations of weighted least squares on the chosen columns; null when singular. */
function solve(points: Point[], cols: (0 | 1 | 2)[], weight: (i: number) => number): number[] | null {
  const k = cols.length;
  const A = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let n = 0; n < points.length; n++) {
    const p = points[n]!;
    const x = [1, p.c, p.m];
    const w = weight(n);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) A[i]![j]! += w * x[cols[i]!]! * x[cols[j]!]!;
      A[i]![k]! += w * x[cols[i]!]! * p.t;
    }
  }
  for (let i = 0; i < k; i++) {
    let piv = i;
    for (let r = i + 1; r < k; r++) if (Math.abs(A[r]![i]!) > Math.abs(A[piv]![i]!)) piv = r;
    if (Math.abs(A[piv]![i]!) < 1e-300) return null;
    [A[i], A[piv]] = [A[piv]!, A[i]!];
    for (let r = 0; r < k; r++) {
      if (r === i) continue;
      const f = A[r]![i]! / A[i]![i]!;
      for (let c = i; c <= k; c++) A[r]![c]! -= f * A[i]![c]!;
    }
  }
  return A.map((row, i) => row[k]! / row[i]!);
}

/** The smallest compute coefficient physics allows (1 / the 1.25× over peak a measurement may show). */
const MIN_COMPUTE = 0.8;

const SUBSETS: (0 | 1 | 2)[][] = [[0, 1, 2], [0, 1], [0, 2], [1, 2], [0], [1], [2]];

function predictPoint(co: Coefficients, p: Pick<Point, 'c' | 'm'>): number {
  return co.fixedUs + co.perComputeUs * p.c + co.perMemoryUs * p.m;
}

function fromColumns(cols: (0 | 1 | 2)[], x: number[]): Coefficients {
  const co: Coefficients = { fixedUs: 0, perComputeUs: 0, perMemoryUs: 0 };
  cols.forEach((c, i) => {
    if (c === 0) co.fixedUs = x[i]!;
    else if (c === 1) co.perComputeUs = x[i]!;
    else co.perMemoryUs = x[i]!;
  });
  return co;
}

/**
 * Non-negative least squares over the three terms on relative error, made robust by iteratively
 * reweighted least squares towards the least absolute relative error (a kernel slowed 5× by another
 * process on a shared machine must not drag the fit): weights 1 / (t² · max(|relative error|, 2 %)).
 */
function fitLinear(input: Point[]): Coefficients {
  // Physics: no kernel computes faster than the measured peak allows (by more than the 25 % a
  // measurement may be off, roofline.ts): the compute coefficient is at least 0.8. Fitted as the
  // excess over 0.8·c, which keeps every fitted term non-negative.
  const points = input.map((p) => ({ ...p, t: p.t - MIN_COMPUTE * p.c, w: p.t }));
  let best: { co: Coefficients; err: number } | null = null;
  for (const cols of SUBSETS) {
    let w = points.map((p) => 1 / (p.w * p.w));
    let co: Coefficients | null = null;
    for (let iter = 0; iter < 8; iter++) {
      const x = solve(points, cols, (i) => w[i]!);
      if (!x || x.some((v) => !(v >= 0) || !Number.isFinite(v))) break;
      co = fromColumns(cols, x);
      const c = co;
      w = points.map((p) => 1 / (p.w * p.w * Math.max(Math.abs((predictPoint(c, p) - p.t) / p.w), 0.02)));
    }
    if (!co) continue;
    const fitted = co;
    const err = points.reduce((a, p) => a + Math.abs((predictPoint(fitted, p) - p.t) / p.w), 0);
    if (!best || err < best.err) best = { co: fitted, err };
  }
  // A lone fixed cost is always feasible, so best is set whenever there are points.
  const co = best?.co ?? { fixedUs: Math.max(0, points.reduce((a, p) => a + p.t, 0) / Math.max(1, points.length)), perComputeUs: 0, perMemoryUs: 0 };
  return { ...co, perComputeUs: co.perComputeUs + MIN_COMPUTE };
}

const roof = (p: Pick<Point, 'c' | 'm'>): number => Math.max(p.c, p.m);

function fitRegimes(points: Point[], splits: number[]): ClassPredictor['regimes'] {
  const bounds = [...splits, Infinity];
  const regimes: ClassPredictor['regimes'] = [];
  let lo = -Infinity;
  for (const b of bounds) {
    const part = points.filter((p) => roof(p) > lo && roof(p) <= b);
    regimes.push({ upToRooflineUs: Number.isFinite(b) ? b : null, coef: fitLinear(part.length >= 3 ? part : points) });
    lo = b;
  }
  return regimes;
}

/** A class predictor's time for a kernel (µs), before the device's per-kernel overhead. */
export function evaluate(pred: Pick<ClassPredictor, 'regimes' | 'combine'>, flops: number, bytes: number, r: Roofline): number {
  const p = { c: flops / (r.peakGflops * 1e3), m: bytes / (r.bandwidthGBs * 1e3) };
  const reg = pred.regimes.find((g) => g.upToRooflineUs === null || roof(p) <= g.upToRooflineUs) ?? pred.regimes[pred.regimes.length - 1]!;
  const co = reg.coef;
  if (pred.combine === 'max') return co.fixedUs + Math.max(co.perComputeUs * p.c, co.perMemoryUs * p.m);
  return predictPoint(co, p);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

/** Relative errors of `pred` on `samples`. */
export function errors(pred: Pick<ClassPredictor, 'regimes' | 'combine'>, samples: Sample[], r: Roofline): ValidationError {
  const e = samples.map((s) => (evaluate(pred, s.flops, s.bytes, r) - s.us) / s.us);
  const abs = e.map(Math.abs).sort((a, b) => a - b);
  return {
    n: e.length,
    mape: abs.reduce((a, x) => a + x, 0) / Math.max(1, abs.length),
    within10: abs.filter((x) => x <= 0.1).length / Math.max(1, abs.length),
    within20: abs.filter((x) => x <= 0.2).length / Math.max(1, abs.length),
    medianAbs: abs.length ? quantile(abs, 0.5) : 0,
    p90Abs: abs.length ? quantile(abs, 0.9) : 0,
  };
}

/** The regime split (none, or at quantiles of the roofline time) with the lowest cross-validated error. */
function chooseSplits(points: Point[]): number[] {
  const rs = points.map(roof).sort((a, b) => a - b);
  const candidates: number[][] = [[]];
  if (points.length >= 24) candidates.push([quantile(rs, 0.5)]);
  if (points.length >= 36) candidates.push([quantile(rs, 1 / 3), quantile(rs, 2 / 3)]);
  if (candidates.length === 1) return [];
  let best = { splits: [] as number[], err: Infinity };
  for (const splits of candidates) {
    let err = 0;
    for (let fold = 0; fold < 4; fold++) {
      const train = points.filter((_, i) => i % 4 !== fold);
      const test = points.filter((_, i) => i % 4 === fold);
      const regimes = fitRegimes(train, splits);
      err += test.reduce((a, p) => a + Math.abs((evalPoint(regimes, p) - p.t) / p.t), 0);
    }
    if (err < best.err * 0.97) best = { splits, err };
  }
  return best.splits;
}

function evalPoint(regimes: ClassPredictor['regimes'], p: Point): number {
  const reg = regimes.find((g) => g.upToRooflineUs === null || roof(p) <= g.upToRooflineUs) ?? regimes[regimes.length - 1]!;
  return predictPoint(reg.coef, p);
}

/** FNV-1a of the sample id: a quarter of the samples (hash % 4 === 0) are held out. */
export function heldOut(id: string): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % 4 === 0;
}

/** Fits a class predictor; `validation` is null with fewer than 8 samples (nothing sensible to hold out). */
export function fitClass(samples: Sample[], r: Roofline): ClassPredictor {
  const ok = samples.filter((s) => s.us > 0 && Number.isFinite(s.us));
  const all = ok.map((s) => point(s, r));
  const train = ok.filter((s) => !heldOut(s.id));
  const test = ok.filter((s) => heldOut(s.id));
  let validation: ValidationError | null = null;
  if (ok.length >= 8 && test.length >= 2 && train.length >= 4) {
    const tp = train.map((s) => point(s, r));
    const trial: ClassPredictor = { form: 'roofline-linear', combine: 'sum', regimes: fitRegimes(tp, chooseSplits(tp)), samples: train.length, validation: null, range: range(train) };
    validation = errors(trial, test, r);
  }
  return { form: 'roofline-linear', combine: 'sum', regimes: fitRegimes(all, chooseSplits(all)), samples: ok.length, validation, range: range(ok) };
}

function range(samples: Sample[]): ClassPredictor['range'] {
  const f = samples.map((s) => s.flops);
  const b = samples.map((s) => s.bytes);
  return { flops: [Math.min(...f, Infinity), Math.max(...f, 0)], bytes: [Math.min(...b, Infinity), Math.max(...b, 0)] };
}
