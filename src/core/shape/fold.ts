// Small-tensor arithmetic used to fold shape computations (Shape -> Gather -> Concat -> Reshape,
// constant Split -> Concat -> Pad ...). Callers size every result before calling (context.ts,
// `OpContext.fold`): these functions trust that the output is small.
//
// Exactness: values are JavaScript numbers. Integer values must stay whole numbers below 2^53; the
// int64 extremes INT64_MAX / INT64_MIN (the "to the end" sentinels of Slice) are carried as
// +Infinity / -Infinity, which moves (Concat, Gather, Slice, Reshape ...) keep exactly and which
// arithmetic refuses to fold. Float32 results are rounded to float32 after every operation, as ONNX
// Runtime computes them (+ - * / and sqrt done in double then rounded are correctly rounded).
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

export function count(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
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

/** Values of an output of shape `out`, each read from the input at `source(outIndex)` (undefined: `fill`). */
function mapIndices(
  values: ArrayLike<number>,
  inShape: readonly number[],
  out: readonly number[],
  source: (idx: number[]) => number[] | undefined,
  fill = 0,
): number[] {
  const inSt = strides(inShape);
  const outSt = strides(out);
  const n = count(out);
  const res = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const src = source(unravel(i, outSt));
    if (!src) {
      res[i] = fill;
      continue;
    }
    let off = 0;
    for (let k = 0; k < src.length; k++) off += src[k]! * inSt[k]!;
    res[i] = values[off]!;
  }
  return res;
}

/** Elementwise op over operands broadcast (numpy rules) to the concrete shape `out`. */
export function broadcastApply(
  operands: { shape: readonly number[]; values: ArrayLike<number> }[],
  out: readonly number[],
  f: (xs: number[]) => number,
): number[] {
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
  const n = count(out);
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
  const outer = count(shape.slice(0, axis));
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = count(p.shape.slice(axis));
      for (let i = 0; i < chunk; i++) values.push(p.values[o * chunk + i]!);
    }
  }
  return { values, shape };
}

/** The pieces of a split along `axis`, in order. */
export function splitValues(values: ArrayLike<number>, shape: readonly number[], axis: number, sizes: readonly number[]): number[][] {
  let start = 0;
  return sizes.map((size) => {
    const out = [...shape];
    out[axis] = size;
    const first = start;
    start += size;
    return mapIndices(values, shape, out, (idx) => {
      const src = [...idx];
      src[axis] = first + idx[axis]!;
      return src;
    });
  });
}

/** Gather along `axis`; undefined when an index is out of range (ORT fails there). */
export function gatherValues(
  values: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  indices: ArrayLike<number>,
  idxShape: readonly number[],
): number[] | undefined {
  const dim = shape[axis]!;
  for (let i = 0; i < indices.length; i++) if (!(indices[i]! >= -dim && indices[i]! < dim)) return undefined;
  const out = [...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)];
  const idxSt = strides(idxShape);
  return mapIndices(values, shape, out, (idx) => {
    let flat = 0;
    for (let k = 0; k < idxShape.length; k++) flat += idx[axis + k]! * idxSt[k]!;
    const raw = indices[flat]!;
    const j = raw < 0 ? raw + dim : raw;
    return [...idx.slice(0, axis), j, ...idx.slice(axis + idxShape.length)];
  });
}

export function tileValues(values: ArrayLike<number>, shape: readonly number[], reps: readonly number[]): number[] {
  const out = shape.map((d, k) => d * reps[k]!);
  return mapIndices(values, shape, out, (idx) => idx.map((i, k) => i % shape[k]!));
}

/** Constant-mode Pad (negative pads crop). */
export function padValues(values: ArrayLike<number>, shape: readonly number[], pads: readonly number[], fill: number): number[] {
  const r = shape.length;
  const out = shape.map((d, k) => d + pads[k]! + pads[k + r]!);
  return mapIndices(
    values,
    shape,
    out,
    (idx) => {
      const src = idx.map((i, k) => i - pads[k]!);
      return src.every((s, k) => s >= 0 && s < shape[k]!) ? src : undefined;
    },
    fill,
  );
}

/** A reduction over `axes` (sorted, normalised); the result in the keepdims layout. */
export function reduceValues(values: ArrayLike<number>, shape: readonly number[], axes: ReadonlySet<number>, init: number, f: (acc: number, x: number) => number): number[] {
  const out = shape.map((d, k) => (axes.has(k) ? 1 : d));
  const res = new Array<number>(count(out)).fill(init);
  const inSt = strides(shape);
  const outSt = strides(out);
  const n = count(shape);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, inSt);
    let off = 0;
    for (let k = 0; k < idx.length; k++) if (!axes.has(k)) off += idx[k]! * outSt[k]!;
    res[off] = f(res[off]!, values[i]!);
  }
  return res;
}

const INT_RANGE: Partial<Record<DataType, [number, number]>> = {
  [DataType.INT8]: [-128, 127],
  [DataType.UINT8]: [0, 255],
  [DataType.INT16]: [-32768, 32767],
  [DataType.UINT16]: [0, 65535],
  [DataType.INT32]: [-2147483648, 2147483647],
  [DataType.UINT32]: [0, 4294967295],
  [DataType.INT64]: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [DataType.UINT64]: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * `values` as the element type `t` holds them, or undefined when `t` cannot hold them exactly (an
 * integer out of range or past 2^53, a fraction in an integer type, an element type we do not fold).
 * ±Infinity in int64 stands for INT64_MAX / INT64_MIN and is kept.
 */
export function representAs(t: DataType, values: ArrayLike<number>): number[] | undefined {
  const out = new Array<number>(values.length);
  if (t === DataType.FLOAT || t === DataType.DOUBLE || t === DataType.FLOAT16) {
    // float16 rounding is left to the Tensor that stores the values.
    for (let i = 0; i < values.length; i++) out[i] = t === DataType.FLOAT ? Math.fround(values[i]!) : values[i]!;
    return out;
  }
  if (t === DataType.BOOL) {
    for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
    return out;
  }
  const range = INT_RANGE[t];
  if (!range) return undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (t === DataType.INT64 && (v === Infinity || v === -Infinity)) out[i] = v;
    else if (!Number.isInteger(v) || v < range[0] || v > range[1]) return undefined;
    else out[i] = v;
  }
  return out;
}

/** Integer division as ONNX integer types do it (truncation toward zero); NaN (not folded) for x/0. */
export function divFor(t: DataType): (a: number, b: number) => number {
  return isFloatType(t) ? (a, b) => a / b : (a, b) => (b === 0 ? NaN : Math.trunc(a / b));
}
