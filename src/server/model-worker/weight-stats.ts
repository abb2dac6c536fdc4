// Statistics of a constant tensor's data for the graph view's side panel: min, max, mean, std, zero
// fraction, count. Data is decoded in chunks of 2^20 elements (a multiple of 8, so sub-byte types
// split on byte boundaries) through the IR's own element decoder, so a large weight never becomes one
// huge Float64Array. Per chunk, mean and squared deviations are exact two-pass sums; chunks combine
// with Chan et al.'s formula (n = na+nb, d = mb-ma, mean = ma + d·nb/n, M2 = M2a + M2b + d²·na·nb/n);
// std = sqrt(M2/n) over the finite elements.
import { LayerLensError } from '../../core/errors';
import { DataType, dataTypeName, storageBytes } from '../../core/ir/data-type';
import { Tensor } from '../../core/ir/tensor';
import type { WeightStats } from '../../protocol/requests';

const CHUNK = 1 << 20;

interface Acc {
  n: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  zeros: number;
  nonFinite: number;
}

function addChunk(acc: Acc, xs: Float64Array): void {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x === 0) acc.zeros++;
    if (!Number.isFinite(x)) {
      acc.nonFinite++;
      continue;
    }
    n++;
    sum += x;
    if (x < acc.min) acc.min = x;
    if (x > acc.max) acc.max = x;
  }
  if (n === 0) return;
  const mean = sum / n;
  let m2 = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isFinite(x)) m2 += (x - mean) * (x - mean);
  }
  const total = acc.n + n;
  const d = mean - acc.mean;
  acc.mean += (d * n) / total;
  acc.m2 += m2 + (d * d * acc.n * n) / total;
  acc.n = total;
}

/** Statistics of `t`, read as input slot `input` of a node. Never throws: unreadable data gives `error`. */
export function weightStats(t: Tensor, input: number): WeightStats {
  const base = { input, name: t.name, dtype: dataTypeName(t.dataType), dims: [...t.dims], elements: t.elementCount };
  const none = { min: null, max: null, mean: null, std: null, zeroFraction: null, nonFinite: 0 };
  if (t.dataType === DataType.STRING || t.dataType === DataType.COMPLEX64 || t.dataType === DataType.COMPLEX128 || storageBytes(t.dataType, 1) === undefined) {
    return { ...base, ...none, note: `${base.dtype} tensors have no numeric statistics` };
  }
  if (t.storage.kind === 'declared') return { ...base, ...none, note: 'declared by type and shape only: no data yet' };
  const acc: Acc = { n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, zeros: 0, nonFinite: 0 };
  try {
    const raw = t.rawBytes();
    for (let off = 0; off < t.elementCount; off += CHUNK) {
      const len = Math.min(CHUNK, t.elementCount - off);
      const start = storageBytes(t.dataType, off)!;
      const end = start + storageBytes(t.dataType, len)!;
      addChunk(acc, new Tensor(t.name, t.dataType, [len], { kind: 'raw', bytes: raw.subarray(start, end) }).toNumbers());
    }
  } catch (e) {
    const msg = e instanceof LayerLensError ? `${e.name}: ${e.message}` : `Error: ${(e as Error)?.message ?? String(e)}`;
    return { ...base, ...none, error: msg };
  }
  const finite = acc.n > 0;
  return {
    ...base,
    min: finite ? acc.min : null,
    max: finite ? acc.max : null,
    mean: finite ? acc.mean : null,
    std: finite ? Math.sqrt(acc.m2 / acc.n) : null,
    zeroFraction: t.elementCount ? acc.zeros / t.elementCount : null,
    nonFinite: acc.nonFinite,
  };
}
