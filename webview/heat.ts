// The heat map: a metric per node (MACs, FLOPs, params, bytes, intensity, measured latency/share,
// predicted latency, quantization sensitivity), summed over containers (intensity and sensitivity:
// not summed, containers are uncoloured), mapped to a colour on a
// logarithmic scale between the smallest and largest positive node values of the model. Unknown
// values stay unknown (drawn hatched), never 0.
import type { ViewNode } from '../src/protocol/view-model';
import type { ProfileResult } from '../src/protocol/requests';
import type { ColorMetric } from '../src/protocol/webview';
import { predictedUs } from './predicted';
import { sensitivityOf } from './sensitivity';
import type { GraphTree } from './tree';

export const METRIC_LABELS: Record<ColorMetric, string> = {
  none: 'No colour',
  macs: 'MACs',
  flops: 'FLOPs',
  params: 'Parameters',
  bytes: 'Bytes (weights + activations)',
  latency: 'Latency (µs, measured)',
  share: 'Share of measured time',
  intensity: 'Arithmetic intensity (FLOP/B)',
  predicted: 'Latency (µs, predicted on the target)',
  sensitivity: 'Quantization sensitivity (1 − cosine)',
};

export type Latency = Map<string, { medianUs: number; share: number; verdict: string }>;

export function latencyOf(p: ProfileResult | null): Latency {
  return new Map((p?.nodes ?? []).map((n) => [n.name, { medianUs: n.medianUs, share: n.share, verdict: n.verdict }]));
}

/** The node's value for `metric`; null = unknown (or not measured). */
export function nodeValue(n: ViewNode, metric: ColorMetric, lat: Latency): number | null {
  if (n.kind !== 'op') return null;
  switch (metric) {
    case 'none':
      return null;
    case 'macs':
      return n.macs;
    case 'flops':
      return n.flops;
    case 'params':
      return n.params;
    case 'bytes':
      return n.activationBytes === null ? null : n.weightBytes + n.activationBytes;
    case 'intensity':
      return n.intensity;
    case 'latency':
      return lat.get(n.name)?.medianUs ?? null;
    case 'share':
      return lat.get(n.name)?.share ?? null;
    case 'predicted':
      return predictedUs(n.name);
    case 'sensitivity':
      return sensitivityOf(n.name);
  }
}

export interface Aggregate {
  value: number;
  /** Some node inside had an unknown value: the sum is a lower bound. */
  incomplete: boolean;
}

/** Sums of a metric over containers, memoised per (metric, profile). */
export class Heat {
  private readonly sums = new Map<string, Aggregate>();
  readonly min: number;
  readonly max: number;

  constructor(
    private readonly tree: GraphTree,
    readonly metric: ColorMetric,
    private readonly lat: Latency,
  ) {
    let min = Infinity;
    let max = 0;
    for (const it of tree.opNodes()) {
      const v = nodeValue(it.node!, metric, lat);
      if (v !== null && v > 0) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    this.min = min === Infinity ? 0 : min;
    this.max = max;
  }

  value(key: string): Aggregate | null {
    if (this.metric === 'none') return null;
    const it = this.tree.item(key);
    if (it.kind === 'node' && it.node) {
      const v = nodeValue(it.node, this.metric, this.lat);
      if (v === null) return it.node.kind === 'op' ? { value: 0, incomplete: true } : null;
      return { value: v, incomplete: false };
    }
    // Ratios and errors do not add up: containers are not coloured by them.
    if (this.metric === 'intensity' || this.metric === 'sensitivity') return null;
    const hit = this.sums.get(key);
    if (hit) return hit;
    let value = 0;
    let incomplete = false;
    for (const c of it.children) {
      const a = this.value(c);
      if (!a) continue;
      value += a.value;
      incomplete ||= a.incomplete;
    }
    const agg = { value, incomplete };
    this.sums.set(key, agg);
    return agg;
  }

  /** 0..1 on a log scale for node values; containers are scaled the same way and clamped. */
  position(v: number): number {
    if (v <= 0 || this.max <= 0) return 0;
    if (this.max === this.min) return 1;
    const t = (Math.log(v) - Math.log(this.min)) / (Math.log(this.max) - Math.log(this.min));
    return Math.max(0, Math.min(1, t));
  }
}

// A sequential palette (light yellow → orange → deep red), readable on light and dark themes.
const STOPS: [number, number, number][] = [
  [255, 245, 190],
  [254, 210, 120],
  [253, 150, 70],
  [235, 80, 45],
  [180, 20, 40],
];

export function colourAt(t: number): string {
  const x = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Text colour that stays readable on a heat colour. */
export function inkOn(t: number): string {
  return t > 0.62 ? '#ffffff' : '#1e1e1e';
}
