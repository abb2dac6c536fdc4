// Number formatting with units for the graph view (MACs and FLOPs are never mixed: the unit is
// always written by the caller).
import type { ColorMetric } from '../src/protocol/webview';
import { bytes, si, total } from '../src/core/units';
import { sensitivityText } from './sensitivity';

export { bytes, si, total };

/** A figure with its unit; unknown keeps the unit too (`? FLOPs`). */
export function siu(n: number | null | undefined, unit: string): string {
  return n === null || n === undefined || Number.isNaN(n) ? `? ${unit}`.trimEnd() : si(n, unit);
}

export function micros(us: number | null | undefined): string {
  if (us === null || us === undefined) return '?';
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}

export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '?' : `${(100 * x).toFixed(1)} %`;
}

/** A metric value with its unit. */
export function metricText(metric: ColorMetric, v: number | null, incomplete = false): string {
  if (incomplete && v === 0) return '?';
  const lb = incomplete ? '≥' : '';
  switch (metric) {
    case 'macs':
      return `${lb}${siu(v, 'MACs')}`;
    case 'flops':
      return `${lb}${siu(v, 'FLOPs')}`;
    case 'params':
      return `${lb}${si(v, 'params')}`;
    case 'bytes':
      return `${lb}${bytes(v)}`;
    case 'latency':
    case 'predicted':
      return `${lb}${micros(v)}`;
    case 'share':
      return `${lb}${percent(v)}`;
    case 'intensity':
      return v === null ? '?' : `${v.toFixed(1)} FLOP/B`;
    case 'sensitivity':
      return `1 − cos ${sensitivityText(v)}`;
    case 'none':
      return '';
  }
}
