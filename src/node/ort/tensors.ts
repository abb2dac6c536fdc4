// Input data as onnxruntime-node tensors: the one table from ONNX data types to ORT's tensor types and
// typed arrays, shared by the ORT worker processes (ort/worker.ts, compress/compare-worker.ts).
import * as ort from 'onnxruntime-node';
import { DataType } from '../../core/ir/data-type';
import type { InputData } from './inputs';

const ORT_TYPE: Partial<Record<DataType, [ort.Tensor.Type, (b: ArrayBuffer, o: number, n: number) => ort.Tensor.DataType]>> = {
  [DataType.FLOAT]: ['float32', (b, o, n) => new Float32Array(b, o, n)],
  [DataType.DOUBLE]: ['float64', (b, o, n) => new Float64Array(b, o, n)],
  [DataType.INT64]: ['int64', (b, o, n) => new BigInt64Array(b, o, n)],
  [DataType.UINT64]: ['uint64', (b, o, n) => new BigUint64Array(b, o, n)],
  [DataType.INT32]: ['int32', (b, o, n) => new Int32Array(b, o, n)],
  [DataType.UINT32]: ['uint32', (b, o, n) => new Uint32Array(b, o, n)],
  [DataType.INT16]: ['int16', (b, o, n) => new Int16Array(b, o, n)],
  [DataType.UINT16]: ['uint16', (b, o, n) => new Uint16Array(b, o, n)],
  [DataType.INT8]: ['int8', (b, o, n) => new Int8Array(b, o, n)],
  [DataType.UINT8]: ['uint8', (b, o, n) => new Uint8Array(b, o, n)],
  [DataType.BOOL]: ['bool', (b, o, n) => new Uint8Array(b, o, n)],
  [DataType.FLOAT16]: ['float16', (b, o, n) => new Uint16Array(b, o, n)],
};

/** An ORT tensor over a copy of the input's bytes (ORT may keep the buffer). */
export function toOrt(d: InputData): ort.Tensor {
  const spec = ORT_TYPE[d.elemType];
  if (!spec) throw new Error(`input '${d.name}': unsupported type ${DataType[d.elemType] ?? d.elemType}`);
  const copy = d.bytes.slice();
  const n = d.shape.reduce((a, x) => a * x, 1);
  return new ort.Tensor(spec[0], spec[1](copy.buffer, 0, n) as Float32Array, d.shape);
}
