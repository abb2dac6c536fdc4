// The roofline: this machine's measured compute peak and memory bandwidth, and the verdict on one ORT
// kernel judged from its measured time against them.
//
// A kernel doing F FLOPs and moving B bytes cannot take less than the roofline time
//   t_roof = max(F / peak, B / bandwidth),
// and every kernel also pays a fixed cost (dispatch, threads, ORT bookkeeping), measured on this
// machine as the time of a kernel that does almost nothing (`kernelOverheadUs`). Verdict of a kernel
// that took t (median µs per run):
//   overhead-bound  the roofline time is below one fixed cost (t_roof < overhead) and the measured
//                   time is of the order of the fixed cost (t < 4 × overhead): most of t is not
//                   work, so fusing or removing the kernel pays, a faster kernel does not;
//   compute-bound   F / peak ≥ B / bandwidth: its FLOPs, not its bytes, set the bound;
//   memory-bound    otherwise.
// `efficiency` = t_roof / t is how close the kernel came to the roofline; achieved GFLOP/s above the
// measured peak by more than 25 % is physically implausible, so such a figure is flagged as a
// measurement problem (timing or attribution), never reported as fact.

/** One measured figure: best, median and worst over the runs (best = highest rate / lowest time). */
export interface Figure {
  best: number;
  median: number;
  worst: number;
  runs: number;
}

export interface MachinePeaks {
  /** Best GFLOP/s of ORT's compute-bound kernels (a large MatMul and a large 3×3 Conv), from ORT's kernel timings. */
  peakGflops: number;
  /** Best streaming rate (bytes read + written per second) of a large elementwise kernel, GB/s. */
  bandwidthGBs: number;
  /** Median time of a kernel doing almost nothing (one element), µs. */
  kernelOverheadUs: number;
  /** Every figure with its spread over the runs. */
  figures: {
    matmulGflops: Figure;
    convGflops: Figure;
    /** Read + write rate of Neg over a large buffer (the bandwidth). */
    streamGBs: Figure;
    /** Read rate of ReduceSum over the same buffer. */
    readGBs: Figure;
    kernelOverheadUs: Figure;
  };
  /** intraOpNumThreads the figures were measured with; null = ORT's default. */
  threads: number | null;
  cpu: string;
  cpuCount: number;
  ortVersion: string;
  /** ISO time of the measurement. */
  measuredAt: string;
  /** Set when the figures were read from the cache rather than measured now. */
  cached?: boolean;
}

export type Verdict = 'compute-bound' | 'memory-bound' | 'overhead-bound' | 'unknown';

/** Over this many times the measured peak, an achieved GFLOP/s is a measurement problem. */
export const IMPLAUSIBLE_OVER_PEAK = 1.25;

export function ridgePoint(m: MachinePeaks): number {
  return m.peakGflops / m.bandwidthGBs;
}

export interface KernelJudgement {
  verdict: Verdict;
  /** max(F/peak, B/bandwidth) in µs; null when neither FLOPs nor bytes are known. */
  rooflineUs: number | null;
  /** rooflineUs / measured µs. */
  efficiency: number | null;
}

/** Judges one kernel: `flops` and `bytes` it does per run (null = unknown), `us` its median time per run. */
export function judgeKernel(flops: number | null, bytes: number | null, us: number, m: MachinePeaks | null): KernelJudgement {
  if (!m || (flops === null && bytes === null) || !(us > 0)) return { verdict: 'unknown', rooflineUs: null, efficiency: null };
  const computeUs = flops === null ? 0 : flops / (m.peakGflops * 1e3);
  const memoryUs = bytes === null ? 0 : bytes / (m.bandwidthGBs * 1e3);
  const rooflineUs = Math.max(computeUs, memoryUs);
  const verdict: Verdict = rooflineUs < m.kernelOverheadUs && us < 4 * m.kernelOverheadUs ? 'overhead-bound' : computeUs >= memoryUs ? 'compute-bound' : 'memory-bound';
  return { verdict, rooflineUs, efficiency: rooflineUs / us };
}

/** Achieved GFLOP/s of `flops` done in `us` microseconds. */
export function achievedGflops(flops: number | null, us: number): number | null {
  return flops === null || us <= 0 ? null : flops / (us * 1e3);
}

/** Why an achieved figure cannot be right, or null when it can. */
export function implausibility(gflops: number | null, m: MachinePeaks | null): string | null {
  if (gflops === null || !m || gflops <= m.peakGflops * IMPLAUSIBLE_OVER_PEAK) return null;
  return `${gflops.toFixed(1)} GFLOP/s is ${(gflops / m.peakGflops).toFixed(2)}× the measured peak of ${m.peakGflops.toFixed(1)} GFLOP/s: the time charged here is too small (a timing or attribution problem), not a real speed`;
}

/** best/median/worst of rates (higher is better) or of times (`lowerIsBetter`). */
export function figure(values: readonly number[], lowerIsBetter = false): Figure {
  const s = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return { best: NaN, median: NaN, worst: NaN, runs: 0 };
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return lowerIsBetter
    ? { best: s[0]!, median: mid, worst: s[s.length - 1]!, runs: s.length }
    : { best: s[s.length - 1]!, median: mid, worst: s[0]!, runs: s.length };
}
