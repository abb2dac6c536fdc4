// Number formatting with units for the graph view (MACs and FLOPs are never mixed: the unit is
// always written by the caller).
import type { ColorMetric } from '../src/protocol/webview';

export function si(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '?';
  const a = Math.abs(n);
  if (a >= 1e12) return `${(n / 1e12).toFixed(digits)} T`;
  if (a >= 1e9) return `${(n / 1e9).toFixed(digits)} G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(digits)} M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(digits)} k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

/** A number with an SI prefix glued to its unit: `2.80 MMACs`, `24 MACs`. */
export function siu(n: number | null | undefined, unit: string, digits = 2): string {
  const t = si(n, digits);
  return / [TGMk]$/.test(t) ? `${t}${unit}` : `${t} ${unit}`;
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export function micros(us: number | null | undefined): string {
  if (us === null || us === undefined) return '?';
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}

export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '?' : `${(100 * x).toFixed(1)} %`;
}

/** A total that may be a lower bound: `≥1.20 MMACs`, or `? MACs` when nothing was known at all. */
export function total(v: number, unit: string, incomplete: boolean): string {
  if (incomplete && v === 0) return `? ${unit}`;
  return `${incomplete ? '≥' : ''}${siu(v, unit)}`;
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
      return `${lb}${si(v)} params`;
    case 'bytes':
      return `${lb}${bytes(v)}`;
    case 'latency':
      return `${lb}${micros(v)}`;
    case 'share':
      return `${lb}${percent(v)}`;
    case 'intensity':
      return v === null ? '?' : `${v.toFixed(1)} FLOP/B`;
    case 'none':
      return '';
  }
}
