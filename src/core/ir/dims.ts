// Symbolic dims and their arithmetic: fresh symbols for sizes nobody can know statically, numpy
// broadcasting over symbols, axis normalisation, and the exactness rules. A concrete dim is exact
// only as a whole number below 2^53 (JavaScript numbers are doubles); an element count is exact only
// below 2^53 too. Past that a dim or count is not a figure we can show, so it is a problem to report.
import type { Dim, Shape } from './shape';

/** Fresh symbols for dims nobody can know statically (data-dependent sizes, unknown inputs). */
export class SymbolTable {
  private next = 0;
  fresh(): string {
    return `unk__${this.next++}`;
  }
}

/** Largest exact dim or element count: 2^53 - 1. */
export const MAX_EXACT = Number.MAX_SAFE_INTEGER;

export function dimEq(a: Dim, b: Dim): boolean {
  return a !== null && a === b;
}

/** Numpy broadcasting of two dims; undefined when the two are concrete and incompatible. */
export function broadcastDim(a: Dim, b: Dim, syms: SymbolTable): Dim | undefined {
  if (a === b && a !== null) return a;
  if (a === 1) return b ?? syms.fresh();
  if (b === 1) return a ?? syms.fresh();
  if (typeof a === 'number' && typeof b === 'number') return undefined;
  if (typeof a === 'number') return a; // the symbol must be a or 1; a wins either way
  if (typeof b === 'number') return b;
  return a ?? b ?? syms.fresh();
}

/** Multidirectional broadcast of several shapes; `undefined` means incompatible (message in `why`). */
export function broadcastShapes(shapes: readonly Shape[], syms: SymbolTable): { shape?: Dim[]; why?: string } {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = new Array(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const k = rank - s.length + i;
      const d = broadcastDim(out[k]!, s[i]!, syms);
      if (d === undefined) {
        return { why: `cannot broadcast shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')} (dim ${out[k]} vs ${s[i]})` };
      }
      out[k] = d;
    }
  }
  return { shape: out };
}

/** Normalises a possibly negative axis against `rank`; undefined when out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** True for a dim we can compute with exactly: a whole number in [0, 2^53). */
export function isExactDim(d: number): boolean {
  return Number.isSafeInteger(d) && d >= 0;
}

/**
 * What makes a shape unusable as a figure: a concrete dim that is negative, fractional or past 2^53,
 * or concrete dims whose product passes 2^53 (symbols count as 1). Null when the shape is fine.
 */
export function shapeProblem(shape: Shape): string | null {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') continue;
    if (!isExactDim(d)) {
      return d < 0
        ? `dim ${d} is negative`
        : Number.isInteger(d) || !Number.isFinite(d)
          ? `dim ${d} is past 2^53, where numbers are no longer exact`
          : `dim ${d} is not a whole number`;
    }
    n *= d;
  }
  if (n > MAX_EXACT) return `its ${shape.length} dims multiply to ${n.toExponential(3)} elements, past 2^53, where counts are no longer exact`;
  return null;
}

/**
 * The product of counts (element counts, MACs ...) when it is exact: every factor a whole number
 * >= 0 and the product below 2^53; else null (a figure that must not be shown as a number).
 */
export function exactProduct(...factors: number[]): number | null {
  let n = 1;
  for (const f of factors) {
    if (!isExactDim(f)) return null;
    n *= f;
  }
  return n <= MAX_EXACT ? n : null;
}
