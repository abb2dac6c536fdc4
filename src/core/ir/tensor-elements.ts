// Element access for tensor data in ONNX raw form (little-endian, sub-byte types packed): a reader
// and a writer per element type, and the number conversions they need (saturating int64, float16).
import { ModelGraphError } from '../errors';
import { DataType, dataTypeName } from './data-type';
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

export function isFloat8(t: DataType): boolean {
  return (t >= DataType.FLOAT8E4M3FN && t <= DataType.FLOAT8E5M2FNUZ) || t === DataType.FLOAT8E8M0;
}

export function elementReader(t: DataType, dv: DataView): (i: number) => number {
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

export function elementWriter(t: DataType, dv: DataView, bytes: Uint8Array): (i: number, v: number) => void {
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
