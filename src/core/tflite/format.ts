// What a TFLite (LiteRT) file is to LayerLens: the mapping of TFLite tensor types onto the IR's
// element types (from the generated schema), and, re-exported from domains.ts, the file sniff, the op
// domains and the error for ONNX-only work.
import { DataType } from '../ir/data-type';
import { TensorType } from './gen/schema';

export { isTfliteBytes, isTfliteDomain, tfliteUnsupported, TFLITE_CUSTOM_DOMAIN, TFLITE_DOMAIN, TFLITE_SUBGRAPH_DOMAIN } from './domains';

const TYPES: Partial<Record<TensorType, DataType>> = {
  [TensorType.FLOAT32]: DataType.FLOAT,
  [TensorType.FLOAT16]: DataType.FLOAT16,
  [TensorType.INT32]: DataType.INT32,
  [TensorType.UINT8]: DataType.UINT8,
  [TensorType.INT64]: DataType.INT64,
  [TensorType.STRING]: DataType.STRING,
  [TensorType.BOOL]: DataType.BOOL,
  [TensorType.INT16]: DataType.INT16,
  [TensorType.COMPLEX64]: DataType.COMPLEX64,
  [TensorType.INT8]: DataType.INT8,
  [TensorType.FLOAT64]: DataType.DOUBLE,
  [TensorType.COMPLEX128]: DataType.COMPLEX128,
  [TensorType.UINT64]: DataType.UINT64,
  [TensorType.UINT32]: DataType.UINT32,
  [TensorType.UINT16]: DataType.UINT16,
  [TensorType.INT4]: DataType.INT4,
  [TensorType.BFLOAT16]: DataType.BFLOAT16,
  [TensorType.INT2]: DataType.INT2,
  [TensorType.UINT4]: DataType.UINT4,
  [TensorType.FLOAT8_E4M3FN]: DataType.FLOAT8E4M3FN,
  [TensorType.FLOAT8_E5M2]: DataType.FLOAT8E5M2,
};

/** The IR element type of a TFLite tensor type; undefined for RESOURCE, VARIANT and unknown codes. */
export function elementType(t: number): DataType | undefined {
  return TYPES[t as TensorType];
}

/** TFLite's name of a tensor type code (`INT8`), or `type#N` for a code this schema does not know. */
export function tensorTypeName(t: number): string {
  return TensorType[t] ?? `type#${t}`;
}
