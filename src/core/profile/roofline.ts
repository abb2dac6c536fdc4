// Roofline verdict: a node whose arithmetic intensity (FLOPs per byte moved) is at or above the
// machine's ridge point (peak FLOP/s ÷ memory bandwidth) is compute-bound, below it memory-bound.

export interface MachinePeaks {
  peakGflops: number;
  bandwidthGBs: number;
  threads: number | null;
  measuredAt: string;
  cpu: string;
}

export type Verdict = 'compute-bound' | 'memory-bound' | 'unknown';

export function ridgePoint(m: MachinePeaks): number {
  return m.peakGflops / m.bandwidthGBs;
}

export function verdict(intensity: number | null, m: MachinePeaks | null): Verdict {
  if (intensity === null || !m) return 'unknown';
  return intensity >= ridgePoint(m) ? 'compute-bound' : 'memory-bound';
}

/** Achieved GFLOP/s of `flops` done in `us` microseconds. */
export function achievedGflops(flops: number | null, us: number): number | null {
  return flops === null || us <= 0 ? null : flops / (us * 1e3);
}
