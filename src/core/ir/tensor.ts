// Constant tensors (initializers, Constant values, attribute tensors). Data stays where the file put
// it: a view into the model's bytes, the proto's typed arrays, or an external file read only when
// asked. Sizes are checked against the dims when the tensor is created, so a tensor that claims more
// than it holds is refused before anything is allocated from its dims.
import { ExternalDataError, ModelGraphError } from '../errors';
import { DataType, bitsOf, dataTypeName, storageBytes } from './data-type';
import {
  bfloat16ToNumber,
  float16ToNumber,
  float4e2m1ToNumber,
  float8e4m3fnToNumber,
  float8e4m3fnuzToNumber,
  float8e5m2ToNumber,
  float8e5m2fnuzToNumber,
  float8e8m0ToNumber,
} from './float-formats';
import { checkedNumel } from './shape';

/** Reads bytes of an external-data file. Installed by the host (src/node) that loaded the model. */
export interface ExternalDataReader {
  /** Bytes [offset, offset+length) of `location` (relative to the model's folder); length undefined = to the end. */
  read(location: string, offset: number, length: number | undefined): Uint8Array;
  /** Size of `location` in bytes, for checks before reading. */
  size(location: string): number;
}

export interface ExternalRef {
  location: string;
  offset: number;
  length: number | undefined;
  /** Every key/value of external_data in file order (location, offset, length, checksum...). */
  entries: [string, string][];
}

/** Where the elements live, in the form the file used (kept so that a saved model is the same). */
export type TensorStorage =
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'float'; values: number[] }
  | { kind: 'int32'; values: number[] }
  | { kind: 'int64'; values: bigint[] }
  | { kind: 'double'; values: number[] }
  | { kind: 'uint64'; values: bigint[] }
  | { kind: 'string'; values: Uint8Array[] }
  | { kind: 'external'; ref: ExternalRef; reader: ExternalDataReader | null }
  /** Declared by type and shape only (a weight in a hand-written .onnxtxt): no data until filled. */
  | { kind: 'declared' };

export class Tensor {
  readonly elementCount: number;
  private cachedBytes: Uint8Array | undefined;

  constructor(
    public name: string,
    public readonly dataType: DataType,
    public readonly dims: readonly number[],
    public storage: TensorStorage,
    public docString = '',
    public metadata: [string, string][] = [],
  ) {
    this.elementCount = checkedNumel(dims, `tensor '${name}'`);
    this.checkStorage();
  }

  /** Bytes the data occupies in raw form (sub-byte types packed); strings count their bytes. */
  get byteLength(): number {
    if (this.storage.kind === 'string') return this.storage.values.reduce((s, v) => s + v.length, 0);
    return storageBytes(this.dataType, this.elementCount) ?? 0;
  }

  get isExternal(): boolean {
    return this.storage.kind === 'external';
  }

  private checkStorage(): void {
    const where = `tensor '${this.name}' (${dataTypeName(this.dataType)}[${this.dims.join(',')}])`;
    const s = this.storage;
    const expectedBytes = storageBytes(this.dataType, this.elementCount);
    const fail = (holds: string): never => {
      throw new ModelGraphError(
        `${where} declares ${this.elementCount} elements but ${holds}: the file is corrupt or truncated`,
        this.name,
      );
    };
    switch (s.kind) {
      case 'raw':
        if (expectedBytes !== undefined && s.bytes.length !== expectedBytes) {
          fail(`holds ${s.bytes.length} bytes of raw data (expected ${expectedBytes})`);
        }
        return;
      case 'string':
        if (s.values.length !== this.elementCount) fail(`holds ${s.values.length} strings`);
        return;
      case 'declared':
        return;
      case 'external': {
        if (s.ref.length !== undefined && expectedBytes !== undefined && s.ref.length !== expectedBytes) {
          throw new ExternalDataError(
            `${where} needs ${expectedBytes} bytes but its external data says length ${s.ref.length}`,
          );
        }
        return;
      }
      default: {
        const n = s.values.length;
        const perElement = this.fieldValuesPerElement();
        if (Math.abs(n - this.elementCount * perElement) >= Math.max(1, perElement)) {
          fail(`holds ${n} values in its ${s.kind}_data field`);
        }
      }
    }
  }

  /** int32_data holds one packed byte per entry for 4-bit types; complex types use two floats. */
  private fieldValuesPerElement(): number {
    const bits = bitsOf(this.dataType) ?? 8;
    if (this.storage.kind === 'int32' && bits < 8) return bits / 8;
    if (this.dataType === DataType.COMPLEX64 || this.dataType === DataType.COMPLEX128) return 2;
    return 1;
  }

  /** Check an external reference against the file it names, without reading the data. */
  checkExternal(): void {
    const s = this.storage;
    if (s.kind !== 'external') return;
    if (!s.reader) throw new ExternalDataError(`tensor '${this.name}' has external data but no folder to read it from`);
    const size = s.reader.size(s.ref.location);
    const need = s.ref.length ?? this.byteLength;
    if (s.ref.offset + need > size) {
      throw new ExternalDataError(
        `tensor '${this.name}' wants bytes ${s.ref.offset}..${s.ref.offset + need} of '${s.ref.location}', ` +
          `which has ${size} bytes: the external data file is truncated or belongs to another model`,
      );
    }
  }

  /** The data in ONNX raw form (little-endian, sub-byte packed). External data is read now. */
  rawBytes(): Uint8Array {
    if (this.cachedBytes) return this.cachedBytes;
    const s = this.storage;
    let out: Uint8Array;
    switch (s.kind) {
      case 'raw':
        return s.bytes;
      case 'external': {
        this.checkExternal();
        out = s.reader!.read(s.ref.location, s.ref.offset, s.ref.length ?? this.byteLength);
        break;
      }
      case 'string':
        throw new ModelGraphError(`tensor '${this.name}' holds strings, which have no raw form`, this.name);
      case 'declared':
        throw new ModelGraphError(`tensor '${this.name}' is declared by type and shape only: it has no data until it is filled (compile the .onnxtxt with an initializer)`, this.name);
      default:
        out = this.fieldsToRaw();
    }
    this.cachedBytes = out;
    return out;
  }

  private fieldsToRaw(): Uint8Array {
    const s = this.storage;
    const n = this.elementCount;
    const bytes = new Uint8Array(storageBytes(this.dataType, n) ?? 0);
    const dv = new DataView(bytes.buffer);
    switch (s.kind) {
      case 'float':
        s.values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
        break;
      case 'double':
        s.values.forEach((v, i) => dv.setFloat64(i * 8, v, true));
        break;
      case 'int64':
        s.values.forEach((v, i) => dv.setBigInt64(i * 8, v, true));
        break;
      case 'uint64':
        if (this.dataType === DataType.UINT32) s.values.forEach((v, i) => dv.setUint32(i * 4, Number(v), true));
        else s.values.forEach((v, i) => dv.setBigUint64(i * 8, v, true));
        break;
      case 'int32': {
        const bits = bitsOf(this.dataType) ?? 32;
        if (bits < 8) s.values.forEach((v, i) => (bytes[i] = v & 0xff));
        else if (bits === 8) s.values.forEach((v, i) => dv.setUint8(i, v & 0xff));
        else if (bits === 16) s.values.forEach((v, i) => dv.setUint16(i * 2, v & 0xffff, true));
        else s.values.forEach((v, i) => dv.setInt32(i * 4, v, true));
        break;
      }
      default:
        break;
    }
    return bytes;
  }

  /** Every element as a number (int64 beyond 2^53 rounds; complex gives [re, im] pairs). */
  toNumbers(): Float64Array {
    const t = this.dataType;
    const s = this.storage;
    if (s.kind === 'string') throw new ModelGraphError(`tensor '${this.name}' holds strings, not numbers`, this.name);
    // Fast paths straight from the typed fields.
    if (s.kind === 'float' || s.kind === 'double') return Float64Array.from(s.values);
    if (s.kind === 'int64' || s.kind === 'uint64') {
      if (t === DataType.UINT32 || t === DataType.INT64 || t === DataType.UINT64) {
        return Float64Array.from(s.values, (v) => Number(v));
      }
    }
    if (s.kind === 'int32' && (bitsOf(t) ?? 0) >= 8 && t !== DataType.FLOAT16 && t !== DataType.BFLOAT16 && !isFloat8(t)) {
      return Float64Array.from(s.values);
    }
    const raw = this.rawBytes();
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const n = this.elementCount;
    const count = t === DataType.COMPLEX64 || t === DataType.COMPLEX128 ? n * 2 : n;
    const out = new Float64Array(count);
    const get = elementReader(t, dv);
    for (let i = 0; i < count; i++) out[i] = get(i);
    return out;
  }

  /** Every element of an integer tensor as exact bigints (for shape arithmetic with INT64_MAX). */
  toBigInts(): bigint[] {
    const s = this.storage;
    if (s.kind === 'int64' || s.kind === 'uint64') return s.values.slice();
    if (this.dataType === DataType.INT64 || this.dataType === DataType.UINT64) {
      const raw = this.rawBytes();
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const out: bigint[] = new Array(this.elementCount);
      const signed = this.dataType === DataType.INT64;
      for (let i = 0; i < this.elementCount; i++) {
        out[i] = signed ? dv.getBigInt64(i * 8, true) : dv.getBigUint64(i * 8, true);
      }
      return out;
    }
    return Array.from(this.toNumbers(), (v) => BigInt(Math.trunc(v)));
  }

  /** Strings of a STRING tensor, decoded as UTF-8. */
  toStrings(): string[] {
    if (this.storage.kind !== 'string') throw new ModelGraphError(`tensor '${this.name}' does not hold strings`, this.name);
    const dec = new TextDecoder();
    return this.storage.values.map((v) => dec.decode(v));
  }

  /** A tensor built from numbers, stored raw (used by constant folding, rewrites, the text parser). */
  static fromNumbers(name: string, dataType: DataType, dims: readonly number[], values: ArrayLike<number>): Tensor {
    const n = checkedNumel(dims, `tensor '${name}'`);
    const bytes = new Uint8Array(storageBytes(dataType, n) ?? 0);
    const dv = new DataView(bytes.buffer);
    const set = elementWriter(dataType, dv, bytes);
    for (let i = 0; i < n; i++) set(i, Number(values[i] ?? 0));
    return new Tensor(name, dataType, dims, { kind: 'raw', bytes });
  }
}

function isFloat8(t: DataType): boolean {
  return (t >= DataType.FLOAT8E4M3FN && t <= DataType.FLOAT8E5M2FNUZ) || t === DataType.FLOAT8E8M0;
}

function elementReader(t: DataType, dv: DataView): (i: number) => number {
  const nib = (i: number): number => (dv.getUint8(i >> 1) >> ((i & 1) * 4)) & 0xf;
  const crumb = (i: number): number => (dv.getUint8(i >> 2) >> ((i & 3) * 2)) & 0x3;
  switch (t) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      return (i) => dv.getFloat32(i * 4, true);
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      return (i) => dv.getFloat64(i * 8, true);
    case DataType.UINT8:
    case DataType.BOOL:
      return (i) => dv.getUint8(i);
    case DataType.INT8:
      return (i) => dv.getInt8(i);
    case DataType.UINT16:
      return (i) => dv.getUint16(i * 2, true);
    case DataType.INT16:
      return (i) => dv.getInt16(i * 2, true);
    case DataType.INT32:
      return (i) => dv.getInt32(i * 4, true);
    case DataType.UINT32:
      return (i) => dv.getUint32(i * 4, true);
    case DataType.INT64:
      return (i) => Number(dv.getBigInt64(i * 8, true));
    case DataType.UINT64:
      return (i) => Number(dv.getBigUint64(i * 8, true));
    case DataType.FLOAT16:
      return (i) => float16ToNumber(dv.getUint16(i * 2, true));
    case DataType.BFLOAT16:
      return (i) => bfloat16ToNumber(dv.getUint16(i * 2, true));
    case DataType.FLOAT8E4M3FN:
      return (i) => float8e4m3fnToNumber(dv.getUint8(i));
    case DataType.FLOAT8E4M3FNUZ:
      return (i) => float8e4m3fnuzToNumber(dv.getUint8(i));
    case DataType.FLOAT8E5M2:
      return (i) => float8e5m2ToNumber(dv.getUint8(i));
    case DataType.FLOAT8E5M2FNUZ:
      return (i) => float8e5m2fnuzToNumber(dv.getUint8(i));
    case DataType.FLOAT8E8M0:
      return (i) => float8e8m0ToNumber(dv.getUint8(i));
    case DataType.UINT4:
      return nib;
    case DataType.INT4:
      return (i) => ((nib(i) ^ 8) - 8);
    case DataType.FLOAT4E2M1:
      return (i) => float4e2m1ToNumber(nib(i));
    case DataType.UINT2:
      return crumb;
    case DataType.INT2:
      return (i) => ((crumb(i) ^ 2) - 2);
    default:
      return () => NaN;
  }
}

function elementWriter(t: DataType, dv: DataView, bytes: Uint8Array): (i: number, v: number) => void {
  switch (t) {
    case DataType.FLOAT:
      return (i, v) => dv.setFloat32(i * 4, v, true);
    case DataType.DOUBLE:
      return (i, v) => dv.setFloat64(i * 8, v, true);
    case DataType.UINT8:
    case DataType.BOOL:
      return (i, v) => dv.setUint8(i, v);
    case DataType.INT8:
      return (i, v) => dv.setInt8(i, v);
    case DataType.UINT16:
      return (i, v) => dv.setUint16(i * 2, v, true);
    case DataType.INT16:
      return (i, v) => dv.setInt16(i * 2, v, true);
    case DataType.INT32:
      return (i, v) => dv.setInt32(i * 4, v, true);
    case DataType.UINT32:
      return (i, v) => dv.setUint32(i * 4, v, true);
    case DataType.INT64:
      return (i, v) => dv.setBigInt64(i * 8, toInt64(v), true);
    case DataType.UINT64:
      return (i, v) => dv.setBigUint64(i * 8, toUint64(v), true);
    case DataType.FLOAT16:
      return (i, v) => dv.setUint16(i * 2, numberToFloat16(v), true);
    case DataType.UINT4:
    case DataType.INT4:
      return (i, v) => {
        const b = i >> 1;
        const nibble = v & 0xf;
        bytes[b] = i & 1 ? (bytes[b]! & 0x0f) | (nibble << 4) : (bytes[b]! & 0xf0) | nibble;
      };
    default:
      throw new ModelGraphError(`cannot build a ${dataTypeName(t)} tensor from numbers`);
  }
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** A number as int64, truncated toward zero and saturated: 2^63 and beyond (Infinity too) is INT64_MAX. */
function toInt64(v: number): bigint {
  if (Number.isNaN(v)) throw new ModelGraphError('cannot store NaN in an int64 tensor');
  if (v >= 2 ** 63) return INT64_MAX;
  if (v <= -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(v));
}

function toUint64(v: number): bigint {
  if (Number.isNaN(v)) throw new ModelGraphError('cannot store NaN in a uint64 tensor');
  if (v >= 2 ** 64) return UINT64_MAX;
  return v <= 0 ? 0n : BigInt(Math.trunc(v));
}

/** Round-to-nearest-even float32/64 -> IEEE half, as bits. */
export function numberToFloat16(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  e = half;
  return sign | e;
}
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
