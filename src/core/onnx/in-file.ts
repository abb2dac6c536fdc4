// Tensor data left in the model file when it was read (skeleton.ts), loaded on each use through the
// host's positional reader: a raw_data payload is the bytes themselves; a packed float_data or
// double_data field is read whole (tag, length, payload) and decoded by @bufbuild/protobuf as a
// one-field TensorProto — exactly what decoding the whole file would have given that tensor.
import { fromBinary } from '@bufbuild/protobuf';
import type { FileRangeReader, InFileData, InFileRef, LoadedStorage } from '../ir/tensor';
import { TensorProtoSchema } from './gen/layerlens/onnx/onnx_pb';

export class ModelFilePayloads implements InFileData {
  constructor(readonly file: FileRangeReader) {}

  load(ref: InFileRef): LoadedStorage {
    if (ref.form === 'raw') return { kind: 'raw', bytes: this.file.read(ref.offset, ref.length) };
    const field = this.file.read(ref.fieldStart, ref.offset + ref.length - ref.fieldStart);
    const t = fromBinary(TensorProtoSchema, field, { readUnknownFields: false });
    return ref.form === 'float' ? { kind: 'float', values: t.floatData } : { kind: 'double', values: t.doubleData };
  }
}
