// Whether a rewrite changed latency, from the per-run timings of the original (a) and the rewritten
// model (b) measured in pairs in the same process (src/node/ort/worker.ts: run i times a and b back
// to back, their order alternating from pair to pair, so drift and the run order hit both alike).
//
// The method (docs/optimizations.md, "Latency before → after"): the paired differences d_i = b_i − a_i
// carry the change; their median is the change reported, and a distribution-free 95 % confidence
// interval of that median (the sign-test interval: the k-th smallest and k-th largest d_i, k taken from
// the binomial(n, ½) tail) is the spread. The change is 'faster' or 'slower' only when the whole
// interval lies on one side of zero AND the change is at least MIN_RELATIVE_CHANGE of the original's
// median (two sessions of one same model, timed against each other, differ steadily by up to ~1 %
// on the 2-core machines measured, where their buffers and threads happen to lie); else 'no
// measurable change'. Under MIN_PAIRS pairs no interval reaches
// 95 %, and the verdict is 'no measurable change' with the reason said.
import { median, percentile } from './stats';

export type LatencyVerdict = 'faster' | 'slower' | 'no measurable change';

export interface LatencyChange {
  verdict: LatencyVerdict;
  /** One line: "0.365 → 0.404 ms, no measurable change (+0.039 ms, spread −0.010 … +0.081 ms)". */
  text: string;
  /** Median of the original's runs, ms. */
  beforeMs: number;
  /** Median of the rewritten model's runs, ms. */
  afterMs: number;
  /** Median of the paired differences after − before, ms (negative = faster). */
  differenceMs: number;
  /** 95 % confidence interval of differenceMs, ms ([lo, hi]); null under MIN_PAIRS pairs. */
  intervalMs: [number, number] | null;
  /** Interquartile range (p75 − p25) of the original's runs, ms. */
  beforeSpreadMs: number;
  /** Interquartile range (p75 − p25) of the rewritten model's runs, ms. */
  afterSpreadMs: number;
  /** Pairs measured. */
  pairs: number;
}

/** Fewest pairs whose sign-test interval reaches 95 % (with 5, the widest one covers 93.75 %). */
export const MIN_PAIRS = 6;
/** Smallest change called faster or slower, as a share of the original's median. */
export const MIN_RELATIVE_CHANGE = 0.02;
const CONFIDENCE = 0.95;

/** P(X ≤ k) for X ~ binomial(n, ½). */
function binomialCdf(k: number, n: number): number {
  let term = 0.5 ** n; // C(n, 0) / 2^n
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return sum;
}

/**
 * The distribution-free interval of the median of `d` (sorted ascending): [d_(k), d_(n+1−k)] (1-based)
 * with the largest k whose coverage 1 − 2·P(X ≤ k − 1) is still ≥ `confidence`; null when even k = 1
 * falls short.
 */
export function medianInterval(sorted: readonly number[], confidence = CONFIDENCE): [number, number] | null {
  const n = sorted.length;
  let k = 0;
  while (k + 1 <= n / 2 && 1 - 2 * binomialCdf(k, n) >= confidence) k++;
  if (k === 0) return null;
  return [sorted[k - 1]!, sorted[n - k]!];
}

const ms = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(3)} ms` : '? ms');
/** Signed, 3 decimals; a difference under 0.01 with two significant digits (0.00043), so it never reads 0.000. */
const signed = (x: number, digits = 3): string => {
  const a = Math.abs(x);
  return `${x > 0 ? '+' : x < 0 ? '−' : ''}${a > 0 && a < 0.01 && digits === 3 ? a.toPrecision(2) : a.toFixed(digits)}`;
};

/**
 * Decides from paired timings (ms): aRunsMs[i] and bRunsMs[i] were measured back to back. Series of
 * different lengths are paired up to the shorter one; the medians use every run.
 */
export function latencyChange(aRunsMs: readonly number[], bRunsMs: readonly number[]): LatencyChange {
  const beforeMs = median(aRunsMs);
  const afterMs = median(bRunsMs);
  const pairs = Math.min(aRunsMs.length, bRunsMs.length);
  const d: number[] = [];
  for (let i = 0; i < pairs; i++) d.push(bRunsMs[i]! - aRunsMs[i]!);
  d.sort((x, y) => x - y);
  const differenceMs = pairs ? median(d) : NaN;
  const intervalMs = medianInterval(d);
  const iqr = (v: readonly number[]): number => (v.length ? percentile(v, 0.75) - percentile(v, 0.25) : NaN);
  const head = `${ms(beforeMs)} → ${ms(afterMs)}`;
  let verdict: LatencyVerdict = 'no measurable change';
  let text: string;
  if (!intervalMs) {
    text = `${head}, no measurable change (too few runs to tell: ${pairs} pair${pairs === 1 ? '' : 's'}, ${MIN_PAIRS} needed)`;
  } else {
    const [lo, hi] = intervalMs;
    const spread = `spread ${signed(lo)} … ${signed(hi)} ms`;
    const big = Math.abs(differenceMs) >= MIN_RELATIVE_CHANGE * beforeMs;
    if (lo > 0 && big) verdict = 'slower';
    else if (hi < 0 && big) verdict = 'faster';
    const pct = beforeMs > 0 ? `, ${signed((100 * differenceMs) / beforeMs, 1)} %` : '';
    if (verdict !== 'no measurable change') text = `${head}, ${verdict} (${signed(differenceMs)} ms${pct}; ${spread})`;
    else if (lo <= 0 && hi >= 0) text = `${head}, no measurable change (${signed(differenceMs)} ms, inside the ${spread})`;
    else text = `${head}, no measurable change (${signed(differenceMs)} ms, under ${100 * MIN_RELATIVE_CHANGE} % of the median; ${spread})`;
  }
  return { verdict, text, beforeMs, afterMs, differenceMs, intervalMs, beforeSpreadMs: iqr(aRunsMs), afterSpreadMs: iqr(bRunsMs), pairs };
}
