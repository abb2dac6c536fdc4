// What a TFLite (LiteRT) file is to LayerLens: the file sniff, the op domains that keep TFLite's op
// types apart from ONNX's, and the mapping of TFLite tensor types onto the IR's element types.
//
// Domains: builtin operators are domain `tflite` with TFLite's own name as op type (CONV_2D,
// DEPTHWISE_CONV_2D...); custom operators are domain `tflite.custom` with their custom code as op
// type (Convolution2DTransposeBias, TFLite_Detection_PostProcess...). ONNX op types live in domain ''
// (or com.microsoft...), so registry keys (`tflite:CONV_2D`, `tflite.custom:Convolution2DTransposeBias`)
// never collide with ONNX ones, nor a custom code with a builtin name.
import { UsageError } from '../errors';
import { DataType } from '../ir/data-type';
import { TensorType } from './gen/schema';

export const TFLITE_DOMAIN = 'tflite';
export const TFLITE_CUSTOM_DOMAIN = 'tflite.custom';
/** Domain of model functions made from subgraphs that no operator of the main subgraph calls. */
export const TFLITE_SUBGRAPH_DOMAIN = 'tflite.subgraph';

export function isTfliteDomain(domain: string): boolean {
  return domain === TFLITE_DOMAIN || domain === TFLITE_CUSTOM_DOMAIN;
}

/** True when bytes 4..8 hold TFLite's file identifier "TFL3". */
export function isTfliteBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[4] === 0x54 && bytes[5] === 0x46 && bytes[6] === 0x4c && bytes[7] === 0x33;
}

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

/**
 * The error for ONNX-only work asked of a TFLite model: ONNX Runtime profiling, verified rewrites and
 * fixes. Hosts check `LoadedModel.format` (src/node/model-file.ts) or isTfliteModel() and throw this.
 */
export function tfliteUnsupported(action: string): UsageError {
  return new UsageError(
    `${action} needs an ONNX model, and this is a TFLite file: LayerLens reads, costs, compares and exports .tflite models ` +
      'but profiles and rewrites only ONNX ones; its latency can be predicted on a target: layerlens predict MODEL --device ID (docs/tflite.md)',
  );
}
