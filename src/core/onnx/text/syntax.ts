// Lexical rules of ONNX's textual syntax shared by the printer and the parser.

const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An identifier as written: bare when it is a plain id, else quoted ("…", with \" and \\ escaped). */
export function quoteId(name: string): string {
  return ID.test(name) ? name : `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function quoteString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Shortest decimal that reads back as the same float32 (or float64 when `double`). */
export function formatNumber(v: number, double = false): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  if (double) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === Math.fround(v)) return String(Number(s));
  }
  return String(v);
}
