// Dim arithmetic shared by the shape functions: broadcasting, products, symbolic unknowns.
import type { Dim, Shape } from '../ir/shape';

/** Fresh symbols for dims nobody can know statically (data-dependent sizes, unknown inputs). */
export class SymbolTable {
  private next = 0;
  fresh(): string {
    return `unk__${this.next++}`;
  }
}

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
export function broadcastShapes(shapes: Shape[], syms: SymbolTable): { shape?: Dim[]; why?: string } {
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

/** Product of dims if all concrete. */
export function product(dims: readonly Dim[]): number | undefined {
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}

/** Normalises a possibly negative axis against `rank`; undefined when out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** Output size of a sliding window (conv/pool) along one axis; null when the input is symbolic. */
export function windowOut(
  inp: Dim,
  kernel: number,
  stride: number,
  dilation: number,
  padBegin: number,
  padEnd: number,
  ceil: boolean,
): Dim {
  if (typeof inp !== 'number') return null;
  const eff = (kernel - 1) * dilation + 1;
  const span = inp + padBegin + padEnd - eff;
  const out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // With ceil mode the last window must start inside the (left-padded) input.
  if (ceil && (out - 1) * stride >= inp + padBegin) return out - 1;
  return out;
}
