// Plain-text tables and number formatting for the terminal (and CSV for spreadsheets).

/** 1234567 -> '1.23 M'; null -> '?' (unknown is never shown as 0). */
export function si(n: number | null | undefined, unit = ''): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '?';
  const abs = Math.abs(n);
  const [div, suffix] =
    abs >= 1e12 ? [1e12, ' T'] : abs >= 1e9 ? [1e9, ' G'] : abs >= 1e6 ? [1e6, ' M'] : abs >= 1e3 ? [1e3, ' k'] : [1, ' '];
  const v = n / div;
  const text = div === 1 ? String(Math.round(v * 100) / 100) : v.toFixed(abs / div >= 100 ? 1 : 2);
  return `${text}${suffix}${unit}`.trimEnd();
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function pct(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-';
}

/** Left-aligned text columns, right-aligned numeric columns (those listed in `right`). */
export function table(headers: string[], rows: string[][], right: Set<number> = new Set()): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function csv(headers: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null): string => {
    const s = v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\n');
}

/** Strips control characters so a hostile name cannot drive the terminal. */
export function safe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
