// ONNX bytes -> ModelProto, by @bufbuild/protobuf from the generated schema, with errors that say
// where the bytes stop making sense (wire-check.ts) or which limit a valid file is beyond.
import { fromBinary } from '@bufbuild/protobuf';
import { ModelFormatError, ModelLimitError } from '../errors';
import { ModelProtoSchema, type ModelProto } from './gen/layerlens/onnx/onnx_pb';
import { findWireProblem, RECURSION_LIMIT, type WireProblem } from './wire-check';

/** Decode the protobuf, with errors that say where the bytes stop making sense. */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  if (bytes.length === 0) {
    throw new ModelFormatError('the file is empty (0 bytes): it is not an ONNX model', 0);
  }
  let proto: ModelProto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: false, recursionLimit: RECURSION_LIMIT });
  } catch (e) {
    const p = findWireProblem(bytes, ModelProtoSchema);
    if (p?.tooDeep !== undefined) throw tooDeep(p);
    if (p) {
      throw new ModelFormatError(
        `truncated or corrupt protobuf at byte ${p.offset} (file is ${bytes.length} bytes), in ${p.path}: ${p.problem}; ` +
          'the file is incomplete or not an ONNX model',
        p.offset,
      );
    }
    throw new ModelFormatError(
      `the file is not a valid ONNX protobuf (${(e as Error).message}); it may be corrupt or another format`,
    );
  }
  if (!proto.graph || (proto.irVersion === 0n && proto.opsetImport.length === 0)) {
    throw new ModelFormatError(
      'the file decodes as protobuf but is not an ONNX model (no graph, IR version or opset imports): ' +
        'check that this is a .onnx file and not, e.g., a TensorProto (.pb) or TensorFlow model',
    );
  }
  return proto;
}

/** The nesting limit, with how many of the levels are subgraphs (If/Loop/Scan bodies): the usual cause. */
function tooDeep(p: WireProblem): ModelLimitError {
  const subgraphs = p.path.split('.').filter((part) => part === 'g' || /^graphs\[\d+\]$/.test(part)).length;
  const parts = p.path.split('.');
  const where = parts.length > 12 ? [...parts.slice(0, 6), '…', ...parts.slice(-5)].join('.') : p.path;
  const sub = subgraphs > 0 ? ` (If/Loop/Scan subgraphs nested ${subgraphs} deep there)` : '';
  return new ModelLimitError(
    `the model nests protobuf messages deeper than the limit of ${RECURSION_LIMIT} levels at byte ${p.offset}${sub}, in ${where}. ` +
      `The limit is protobuf's default, which ONNX Runtime applies too (it cannot load this model either); ` +
      'the file is not corrupt: flatten the nesting (e.g. merge nested If nodes) to load it'
  );
}
