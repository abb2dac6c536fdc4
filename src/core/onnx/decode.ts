// ONNX bytes -> ModelProto, by @bufbuild/protobuf from the generated schema, with errors that say
// where the bytes stop making sense (wire-check.ts) or which limit a valid file is beyond. A file read
// through positional reads is decoded from its skeleton (skeleton.ts: the weights left in the file);
// when the skeleton cannot be made or decoded, the whole file is read and decoded as bytes, which
// gives the same model or the exact error.
import { fromBinary } from '@bufbuild/protobuf';
import { ModelFormatError, ModelLimitError } from '../errors';
import type { FileRangeReader, InFileRef } from '../ir/tensor';
import { ModelProtoSchema, type ModelProto } from './gen/layerlens/onnx/onnx_pb';
import { buildSkeleton, DEFAULT_MIN_PAYLOAD } from './skeleton';
import { findWireProblem, RECURSION_LIMIT, type WireProblem } from './wire-check';

export interface DecodedFile {
  proto: ModelProto;
  /** Payloads left in the file, by marker (skeleton.ts); empty when the file was decoded whole. */
  cuts: InFileRef[];
  /** Bytes read from the file to decode it, and the size of what was decoded. */
  bytesRead: number;
  decodedBytes: number;
  /** Milliseconds reading the file (the skeleton pass, or the whole-file read) and decoding it. */
  readMs: number;
  decodeMs: number;
}

/** Decode the ONNX file behind `file` without reading its large tensor payloads (see the module comment). */
export function decodeModelFile(file: FileRangeReader, minPayload = DEFAULT_MIN_PAYLOAD): DecodedFile {
  const t0 = performance.now();
  const skeleton = file.size > 0 ? buildSkeleton(file, minPayload) : null;
  if (skeleton) {
    const t1 = performance.now();
    try {
      // Markers are unknown fields: they must be read. Training info, the one place unknown fields
      // could be written back (reader.ts re-encodes it), holds no markers.
      const proto = fromBinary(ModelProtoSchema, skeleton.bytes, { readUnknownFields: true, recursionLimit: RECURSION_LIMIT });
      if (isModel(proto)) {
        return { proto, cuts: skeleton.cuts, bytesRead: skeleton.bytesRead, decodedBytes: skeleton.bytes.length, readMs: t1 - t0, decodeMs: performance.now() - t1 };
      }
    } catch {
      // The whole file says what is wrong, below.
    }
  }
  const bytes = file.read(0, file.size);
  const t2 = performance.now();
  const proto = decodeModelProto(bytes);
  return { proto, cuts: [], bytesRead: (skeleton?.bytesRead ?? 0) + bytes.length, decodedBytes: bytes.length, readMs: t2 - t0, decodeMs: performance.now() - t2 };
}

function isModel(proto: ModelProto): boolean {
  return !!proto.graph && !(proto.irVersion === 0n && proto.opsetImport.length === 0);
}

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
  if (!isModel(proto)) {
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
