// ONNX tensor element types (TensorProto.DataType codes) and their storage sizes.

export enum DataType {
  UNDEFINED = 0,
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  UINT16 = 4,
  INT16 = 5,
  INT32 = 6,
  INT64 = 7,
  STRING = 8,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  UINT32 = 12,
  UINT64 = 13,
  COMPLEX64 = 14,
  COMPLEX128 = 15,
  BFLOAT16 = 16,
  FLOAT8E4M3FN = 17,
  FLOAT8E4M3FNUZ = 18,
  FLOAT8E5M2 = 19,
  FLOAT8E5M2FNUZ = 20,
  UINT4 = 21,
  INT4 = 22,
  FLOAT4E2M1 = 23,
  FLOAT8E8M0 = 24,
  UINT2 = 25,
  INT2 = 26,
}

const BITS: Record<number, number> = {
  [DataType.FLOAT]: 32,
  [DataType.UINT8]: 8,
  [DataType.INT8]: 8,
  [DataType.UINT16]: 16,
  [DataType.INT16]: 16,
  [DataType.INT32]: 32,
  [DataType.INT64]: 64,
  [DataType.BOOL]: 8,
  [DataType.FLOAT16]: 16,
  [DataType.DOUBLE]: 64,
  [DataType.UINT32]: 32,
  [DataType.UINT64]: 64,
  [DataType.COMPLEX64]: 64,
  [DataType.COMPLEX128]: 128,
  [DataType.BFLOAT16]: 16,
  [DataType.FLOAT8E4M3FN]: 8,
  [DataType.FLOAT8E4M3FNUZ]: 8,
  [DataType.FLOAT8E5M2]: 8,
  [DataType.FLOAT8E5M2FNUZ]: 8,
  [DataType.UINT4]: 4,
  [DataType.INT4]: 4,
  [DataType.FLOAT4E2M1]: 4,
  [DataType.FLOAT8E8M0]: 8,
  [DataType.UINT2]: 2,
  [DataType.INT2]: 2,
};

/** Bits one element occupies in raw_data; undefined for STRING and UNDEFINED (no fixed size). */
export function bitsOf(t: DataType): number | undefined {
  return BITS[t];
}

/** Bytes `count` elements occupy in raw_data (sub-byte types are packed, rounded up). */
export function storageBytes(t: DataType, count: number): number | undefined {
  const bits = BITS[t];
  return bits === undefined ? undefined : Math.ceil((count * bits) / 8);
}

export function dataTypeName(t: DataType): string {
  return DataType[t] === undefined ? `type#${t}` : DataType[t].toLowerCase();
}

/** Lower-case ONNX names as written in ONNX's text syntax and in our reports (float, int64, ...). */
export function parseDataTypeName(name: string): DataType | undefined {
  const v = (DataType as unknown as Record<string, number>)[name.toUpperCase()];
  return typeof v === 'number' ? v : undefined;
}

export function isFloatType(t: DataType): boolean {
  return (
    t === DataType.FLOAT ||
    t === DataType.DOUBLE ||
    t === DataType.FLOAT16 ||
    t === DataType.BFLOAT16 ||
    (t >= DataType.FLOAT8E4M3FN && t <= DataType.FLOAT8E5M2FNUZ) ||
    t === DataType.FLOAT4E2M1 ||
    t === DataType.FLOAT8E8M0
  );
}

export function isIntegerType(t: DataType): boolean {
  return (
    (t >= DataType.UINT8 && t <= DataType.INT64) ||
    t === DataType.UINT32 ||
    t === DataType.UINT64 ||
    t === DataType.UINT4 ||
    t === DataType.INT4 ||
    t === DataType.UINT2 ||
    t === DataType.INT2
  );
}
