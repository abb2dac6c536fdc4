// Limit values as people write them in a budget file: counts with SI prefixes ("300M"), sizes with
// binary or decimal prefixes ("256 KiB", "1.5 MB"), plain numbers. The schema (schema.ts) admits
// exactly these forms; the parsers here turn them into numbers of the metric's unit.

const COUNT_PREFIX: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const BYTE_UNIT: Record<string, number> = { '': 1, B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

function parse(text: string, units: Record<string, number>): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) return null;
  const scale = units[m[2]!];
  return scale === undefined ? null : Number(m[1]) * scale;
}

/** "300M" -> 3e8; a number stays as it is; null when the text does not fit. */
export function parseCount(v: number | string): number | null {
  return typeof v === 'number' ? v : parse(v, COUNT_PREFIX);
}

/** "256 KiB" -> 262144; "1.5 MB" -> 1500000; a number is bytes; null when the text does not fit. */
export function parseByteSize(v: number | string): number | null {
  return typeof v === 'number' ? v : parse(v, BYTE_UNIT);
}
