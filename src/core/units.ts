// Numbers with their units, one way everywhere (CLI, hovers, status bar, graph view): SI prefixes
// glued to the unit (`2.80 MMACs`, `24 MACs`), binary prefixes for bytes (`18.6 KiB`), and unknown
// shown as `?`, never as 0. MACs and FLOPs are never mixed: the caller always names the unit.

const PREFIXES: readonly [number, string][] = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/**
 * 1234567 -> '1.23 M'; with a unit '1.23 MMACs' / '24 MACs'; null -> '?'. Prefixes run to E (10^18);
 * past 1000 E the mantissa is written in exponent form ('1.27e+12 EMACs'), never a run of digits.
 * Figures are JS numbers: exact integers up to 2^53 ≈ 9.0 P, rounded beyond (docs/cost-model.md).
 */
export function si(n: number | null | undefined, unit = ''): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '?';
  if (!Number.isFinite(n)) return `${n > 0 ? '' : '-'}∞ ${unit}`.trimEnd();
  const abs = Math.abs(n);
  const [div, prefix] = PREFIXES.find(([d]) => abs >= d) ?? [1, ''];
  const v = n / div;
  const text = div === 1 ? String(Math.round(v * 100) / 100) : Math.abs(v) >= 1000 ? v.toExponential(2) : v.toFixed(Math.abs(v) >= 100 ? 1 : 2);
  return `${text} ${prefix}${unit}`.trimEnd();
}

/** Bytes with binary prefixes; null -> '?'. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/**
 * A sum that may be a lower bound: `≥1.20 MMACs` when some part is unknown, `? MACs` when nothing of
 * it was known at all (an unknown is never shown as 0).
 */
export function total(v: number, unit: string, incomplete: boolean): string {
  if (incomplete && v === 0) return `? ${unit}`.trimEnd();
  return `${incomplete ? '≥' : ''}${si(v, unit)}`;
}
