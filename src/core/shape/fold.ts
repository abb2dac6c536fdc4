// Small-tensor arithmetic used to fold shape computations (Shape -> Gather -> Concat -> Reshape...).
import type { Dim } from '../ir/shape';
import { DataType, isFloatType } from '../ir/data-type';

/** Strides of a row-major shape. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Elementwise op over broadcast operands with concrete shapes. */
export function broadcastApply(
  operands: { shape: readonly number[]; values: ArrayLike<number> }[],
  outShape: readonly Dim[],
  f: (xs: number[]) => number,
): number[] | undefined {
  if (!outShape.every((d) => typeof d === 'number')) return undefined;
  const out = outShape as number[];
  const n = out.reduce((a, d) => a * d, 1);
  const rank = out.length;
  const opStrides = operands.map((o) => {
    const st = strides(o.shape);
    // Aligned to the right; broadcast dims (size 1 or missing) get stride 0.
    return out.map((_, k) => {
      const j = k - (rank - o.shape.length);
      return j < 0 || o.shape[j] === 1 ? 0 : st[j]!;
    });
  });
  const outStrides = strides(out);
  const res = new Array<number>(n);
  const args = new Array<number>(operands.length);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < operands.length; o++) {
      let off = 0;
      let rem = i;
      for (let k = 0; k < rank; k++) {
        const idx = Math.floor(rem / outStrides[k]!);
        rem -= idx * outStrides[k]!;
        off += idx * opStrides[o]![k]!;
      }
      args[o] = operands[o]!.values[off]!;
    }
    res[i] = f(args);
  }
  return res;
}

/** Integer division as ONNX integer types do it (truncation toward zero). */
export function divFor(t: DataType): (a: number, b: number) => number {
  return isFloatType(t) ? (a, b) => a / b : (a, b) => (b === 0 ? 0 : Math.trunc(a / b));
}

/** Row-major multi-index of flat offset `i`. */
function unravel(i: number, st: readonly number[]): number[] {
  const idx = new Array<number>(st.length);
  let rem = i;
  for (let k = 0; k < st.length; k++) {
    idx[k] = Math.floor(rem / st[k]!);
    rem -= idx[k]! * st[k]!;
  }
  return idx;
}

/** Values of an output of shape `out`, each read from the input at `source(outIndex)`. */
function mapIndices(values: ArrayLike<number>, inShape: readonly number[], out: readonly number[], source: (idx: number[]) => number[]): number[] {
  const inSt = strides(inShape);
  const outSt = strides(out);
  const n = out.reduce((a, d) => a * d, 1);
  const res = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const src = source(unravel(i, outSt));
    let off = 0;
    for (let k = 0; k < src.length; k++) off += src[k]! * inSt[k]!;
    res[i] = values[off]!;
  }
  return res;
}

export function transposeValues(values: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): number[] {
  const out = perm.map((p) => shape[p]!);
  return mapIndices(values, shape, out, (idx) => {
    const src = new Array<number>(shape.length);
    perm.forEach((p, k) => (src[p] = idx[k]!));
    return src;
  });
}

export function sliceValues(
  values: ArrayLike<number>,
  shape: readonly number[],
  out: readonly number[],
  ranges: { axis: number; start: number; step: number }[],
): number[] {
  return mapIndices(values, shape, out, (idx) => {
    const src = [...idx];
    for (const r of ranges) src[r.axis] = r.start + idx[r.axis]! * r.step;
    return src;
  });
}

export function concatValues(parts: { values: ArrayLike<number>; shape: readonly number[] }[], axis: number): { values: number[]; shape: number[] } {
  const shape = [...parts[0]!.shape];
  shape[axis] = parts.reduce((a, p) => a + p.shape[axis]!, 0);
  const outer = shape.slice(0, axis).reduce((a, d) => a * d, 1);
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = p.shape.slice(axis).reduce((a, d) => a * d, 1);
      for (let i = 0; i < chunk; i++) values.push(p.values[o * chunk + i]!);
    }
  }
  return { values, shape };
}

export function gatherValues(
  values: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  indices: ArrayLike<number>,
  idxShape: readonly number[],
): number[] {
  const out = [...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)];
  const idxSt = strides(idxShape);
  return mapIndices(values, shape, out, (idx) => {
    let flat = 0;
    for (let k = 0; k < idxShape.length; k++) flat += idx[axis + k]! * idxSt[k]!;
    const raw = indices[flat]!;
    const j = raw < 0 ? raw + shape[axis]! : raw;
    return [...idx.slice(0, axis), j, ...idx.slice(axis + idxShape.length)];
  });
}
