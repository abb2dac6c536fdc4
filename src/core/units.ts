// Numbers with their units, one way everywhere (CLI, hovers, status bar, graph view): SI prefixes
// glued to the unit (`2.80 MMACs`, `24 MACs`), binary prefixes for bytes (`18.6 KiB`), and unknown
// shown as `?`, never as 0. MACs and FLOPs are never mixed: the caller always names the unit.

/** 1234567 -> '1.23 M'; with a unit '1.23 MMACs' / '24 MACs'; null -> '?'. */
export function si(n: number | null | undefined, unit = ''): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '?';
  const abs = Math.abs(n);
  const [div, suffix] = abs >= 1e12 ? [1e12, ' T'] : abs >= 1e9 ? [1e9, ' G'] : abs >= 1e6 ? [1e6, ' M'] : abs >= 1e3 ? [1e3, ' k'] : [1, ' '];
  const v = n / div;
  const text = div === 1 ? String(Math.round(v * 100) / 100) : v.toFixed(abs / div >= 100 ? 1 : 2);
  return `${text}${suffix}${unit}`.trimEnd();
}

/** Bytes with binary prefixes; null -> '?'. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}
