// TFLite tensors -> IR values: element type and shape (with shape_signature kept as metadata),
// quantization parameters (per tensor or per channel), and constant data. Constant data is never
// copied: a tensor's bytes are a view into the file (buffer.data), or for files over 2 GB, whose
// buffers sit after the flatbuffer (buffer.offset/size), a reference read on demand through the
// host's ExternalDataReader. Sparse tensors become SparseTensors: their stored values, their index
// metadata (copied: it is small), and the dense shape they stand for.
import { ModelFormatError } from '../errors';
import { bitsOf, DataType, dataTypeName } from '../ir/data-type';
import type { Value } from '../ir/graph';
import type { Quantization } from '../ir/quantization';
import { checkedNumel, type Dim, type ValueType } from '../ir/shape';
import { SparseTensor } from '../ir/sparse-tensor';
import { Tensor, type ExternalDataReader } from '../ir/tensor';
import { elementType, tensorTypeName, TFLITE_DOMAIN } from './format';
import {
  CustomQuantization,
  Int32Vector,
  QuantizationDetails,
  SparseIndexVector,
  Uint16Vector,
  Uint8Vector,
  type Model as FbModel,
  type QuantizationParameters,
  type SparsityParameters,
  type Tensor as FbTensor,
} from './gen/schema';

/** Highest rank accepted: TFLite kernels handle at most 6 dims; anything near this is corrupt. */
export const MAX_RANK = 64;

/** Where a buffer's bytes are: in the bytes given, behind a reader (large files), or nowhere (empty). */
export type BufferData =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'external'; offset: number; size: number }
  | { kind: 'empty' };

export interface TensorSource {
  model: FbModel;
  bytes: Uint8Array;
  /** Size of the whole file (larger than bytes.length when only its start was read). */
  fileSize: number;
  externalData: ExternalDataReader | null;
  /** The model file's name in the folder of `externalData` (where offset buffers are read from). */
  fileName: string;
}

function safe(v: bigint, what: string): number {
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ModelFormatError(`corrupt TFLite file: ${what} is ${v}`);
  }
  return Number(v);
}

/** Decodes and caches buffers (a buffer may back several tensors). */
export class Buffers {
  private readonly cache = new Map<number, BufferData>();

  constructor(private readonly src: TensorSource) {}

  get(index: number, tensorName: string): BufferData {
    const cached = this.cache.get(index);
    if (cached) return cached;
    const m = this.src.model;
    const n = m.buffersLength();
    if (index >= n) {
      if (index === 0) return { kind: 'empty' };
      throw new ModelFormatError(`corrupt TFLite file: tensor '${tensorName}' uses buffer ${index}, but the file has ${n} buffers`);
    }
    const b = m.buffers(index)!;
    let data: BufferData = { kind: 'empty' };
    const bytes = b.dataArray();
    if (bytes && bytes.length > 0) data = { kind: 'bytes', bytes };
    else {
      const offset = safe(b.offset(), `the offset of buffer ${index}`);
      const size = safe(b.size(), `the size of buffer ${index}`);
      // Offsets 0 and 1 mean "no data outside the flatbuffer" (1 is the writer's placeholder).
      if (offset > 1) {
        if (offset + size > this.src.fileSize) {
          throw new ModelFormatError(
            `truncated TFLite file: buffer ${index} (tensor '${tensorName}') is stored at bytes ${offset}..${offset + size}, ` +
              `past the end of the file (${this.src.fileSize} bytes)`,
            offset,
          );
        }
        data = offset + size <= this.src.bytes.length
          ? { kind: 'bytes', bytes: this.src.bytes.subarray(offset, offset + size) }
          : { kind: 'external', offset, size };
      }
    }
    this.cache.set(index, data);
    return data;
  }
}

/** Dims of a tensor's shape vector: -1 (unknown) becomes null; other negatives and absurd ranks are errors. */
export function readDims(len: number, get: (i: number) => number | null, what: string): Dim[] {
  if (len > MAX_RANK) throw new ModelFormatError(`corrupt TFLite file: ${what} has rank ${len} (more than ${MAX_RANK})`);
  const dims: Dim[] = [];
  for (let i = 0; i < len; i++) {
    const d = get(i) ?? 0;
    if (d < -1) throw new ModelFormatError(`corrupt TFLite file: ${what} has a dim ${d}`);
    dims.push(d === -1 ? null : d);
  }
  return dims;
}

function numbers(len: number, get: (i: number) => number | null): number[] {
  const out: number[] = [];
  for (let i = 0; i < len; i++) out.push(get(i) ?? 0);
  return out;
}

export function readQuantization(q: QuantizationParameters, dims: readonly Dim[], what: string): Quantization | null {
  const scale = numbers(q.scaleLength(), (i) => q.scale(i));
  if (q.detailsType() === QuantizationDetails.CustomQuantization) {
    const c = q.details(new CustomQuantization()) as CustomQuantization | null;
    return { scale, zeroPoint: [], axis: null, custom: `custom quantization (${c?.customLength() ?? 0} bytes)` };
  }
  if (scale.length === 0) return null;
  const zeroPoint: number[] = [];
  for (let i = 0; i < q.zeroPointLength(); i++) zeroPoint.push(Number(q.zeroPoint(i) ?? 0n));
  let axis: number | null = null;
  if (scale.length > 1) {
    axis = q.quantizedDimension();
    const d = dims[axis];
    if (axis < 0 || axis >= dims.length || (typeof d === 'number' && d !== scale.length)) {
      throw new ModelFormatError(
        `corrupt TFLite file: ${what} has ${scale.length} per-channel scales along dimension ${axis} of shape [${dims.join(',')}]`,
      );
    }
  }
  const out: Quantization = { scale, zeroPoint, axis };
  if (q.minLength() > 0) out.min = numbers(q.minLength(), (i) => q.min(i));
  if (q.maxLength() > 0) out.max = numbers(q.maxLength(), (i) => q.max(i));
  return out;
}

/** The IR type of a tensor: its element type and stored shape; RESOURCE/VARIANT handles are opaque. */
export function valueType(t: FbTensor, dims: Dim[], sparse: boolean): ValueType {
  const et = elementType(t.type());
  if (et === undefined) return { kind: 'opaque', domain: TFLITE_DOMAIN, name: tensorTypeName(t.type()).toLowerCase() };
  return { kind: sparse ? 'sparse_tensor' : 'tensor', elemType: et, shape: dims };
}

/** Strings of a TFLite STRING buffer: int32 count N, N+1 int32 offsets from the buffer start, then the bytes. */
function stringValues(bytes: Uint8Array, what: string): Uint8Array[] {
  const bad = (why: string): never => {
    throw new ModelFormatError(`corrupt TFLite file: the string data of ${what} ${why}`);
  };
  if (bytes.length < 4) bad('is shorter than its header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getInt32(0, true);
  if (n < 0 || 4 * (n + 2) > bytes.length) bad(`claims ${n} strings`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const a = dv.getInt32(4 + 4 * i, true);
    const b = dv.getInt32(8 + 4 * i, true);
    if (a < 0 || b < a || b > bytes.length) bad(`has string ${i} at bytes ${a}..${b}`);
    out.push(bytes.subarray(a, b));
  }
  return out;
}

/** Makes `v` a constant (initializer or sparse initializer) when its buffer holds data. Returns what it made. */
export function attachConstant(v: Value, t: FbTensor, data: BufferData, src: TensorSource): Tensor | SparseTensor | null {
  if (data.kind === 'empty' || t.isVariable()) return null;
  const dt = elementType(t.type());
  if (dt === undefined) return null;
  const type = v.type;
  const dims = type && (type.kind === 'tensor' || type.kind === 'sparse_tensor') ? type.shape : null;
  const what = `tensor '${v.name}' (${tensorTypeName(t.type())}[${dims?.join(',') ?? '?'}])`;
  if (!dims || dims.some((d) => d === null)) {
    throw new ModelFormatError(`corrupt TFLite file: constant ${what} has unknown dims`);
  }
  const concrete = dims as number[];
  checkedNumel(concrete, what);
  const sp = t.sparsity();
  if (sp) return sparseConstant(v, sp, dt, concrete, data, src, what);
  if (dt === DataType.STRING) {
    if (data.kind !== 'bytes') throw new ModelFormatError(`${what}: string data stored outside the flatbuffer is not supported`);
    const values = stringValues(data.bytes, what);
    return (v.initializer = new Tensor(v.name, dt, concrete, { kind: 'string', values }));
  }
  return (v.initializer = dataTensor(v.name, dt, concrete, data, src));
}

function dataTensor(name: string, dt: DataType, dims: number[], data: BufferData, src: TensorSource): Tensor {
  if (data.kind === 'bytes') return new Tensor(name, dt, dims, { kind: 'raw', bytes: data.bytes });
  if (data.kind === 'external') {
    return new Tensor(name, dt, dims, {
      kind: 'external',
      ref: { location: src.fileName, offset: data.offset, length: data.size, entries: [] },
      reader: src.externalData,
    });
  }
  throw new ModelFormatError(`tensor '${name}' has no data`);
}

/** The bytes of a sparse index vector (uint8, uint16 or int32 elements, little-endian as stored). */
function indexVectorBytes(type: SparseIndexVector, get: <T>(obj: T) => T | null): Uint8Array {
  const v = type === SparseIndexVector.Int32Vector ? get(new Int32Vector())
    : type === SparseIndexVector.Uint16Vector ? get(new Uint16Vector())
    : type === SparseIndexVector.Uint8Vector ? get(new Uint8Vector())
    : null;
  if (!v) return new Uint8Array(0);
  try {
    // A typed view over the file: fast, but it needs the file's bytes aligned in memory.
    const a = v.valuesArray();
    if (a) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  } catch {
    // misaligned (or past the end): read element by element through the checked buffer below
  }
  const width = v instanceof Int32Vector ? 4 : v instanceof Uint16Vector ? 2 : 1;
  const n = v.valuesLength();
  const out = new Uint8Array(n * width);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const x = v.values(i) ?? 0;
    if (width === 4) dv.setInt32(i * 4, x, true);
    else if (width === 2) dv.setUint16(i * 2, x, true);
    else out[i] = x;
  }
  return out;
}

function sparseConstant(
  v: Value, sp: SparsityParameters, dt: DataType, dims: number[], data: BufferData, src: TensorSource, what: string,
): SparseTensor {
  const width = (bitsOf(dt) ?? 0) / 8;
  if (dt === DataType.STRING || !Number.isInteger(width) || width < 1) throw new ModelFormatError(`${what}: sparse ${dataTypeName(dt)} tensors are not supported`);
  const size = data.kind === 'bytes' ? data.bytes.length : data.kind === 'external' ? data.size : 0;
  if (size % width !== 0) throw new ModelFormatError(`corrupt TFLite file: sparse ${what} stores ${size} bytes, not a whole number of ${dataTypeName(dt)} values`);
  const nnz = size / width;
  if (nnz > checkedNumel(dims, what)) throw new ModelFormatError(`corrupt TFLite file: sparse ${what} stores ${nnz} values, more than its dense shape holds`);
  const values = dataTensor(v.name, dt, [nnz], data, src);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < sp.dimMetadataLength(); i++) {
    const m = sp.dimMetadata(i)!;
    parts.push(indexVectorBytes(m.arraySegmentsType(), (o) => m.arraySegments(o)));
    parts.push(indexVectorBytes(m.arrayIndicesType(), (o) => m.arrayIndices(o)));
  }
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const indices = new Tensor(`${v.name}/sparsity`, DataType.UINT8, [all.length], { kind: 'raw', bytes: all });
  return (v.sparseInitializer = new SparseTensor(values, indices, dims));
}
