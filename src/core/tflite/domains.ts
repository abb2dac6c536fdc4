// What a TFLite (LiteRT) file is to LayerLens without its schema: the file sniff, the op domains
// that keep TFLite's op types apart from ONNX's, and the error for ONNX-only work. Kept apart from
// format.ts (which maps the flatbuffers schema's tensor types) so that code costing or loading an
// ONNX model never loads the ~500 KB generated schema.
//
// Domains: builtin operators are domain `tflite` with TFLite's own name as op type (CONV_2D,
// DEPTHWISE_CONV_2D...); custom operators are domain `tflite.custom` with their custom code as op
// type (Convolution2DTransposeBias, TFLite_Detection_PostProcess...). ONNX op types live in domain ''
// (or com.microsoft...), so registry keys (`tflite:CONV_2D`, `tflite.custom:Convolution2DTransposeBias`)
// never collide with ONNX ones, nor a custom code with a builtin name.
import { UsageError } from '../errors';

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
