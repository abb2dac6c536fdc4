// Builds small TFLite files for tests with the generated object API (ModelT.pack) and the flatbuffers
// Builder: the same encoder TFLite's own writers use, so the bytes are real TFLite flatbuffers. Tests
// use them for what the real models lack (int8 quantization, subgraphs, signatures, offset buffers,
// sparse weights, custom ops) and as seeds for hostile variants.
import { Builder } from 'flatbuffers';
import {
  BufferT,
  BuiltinOperator,
  Model,
  ModelT,
  OperatorCodeT,
  OperatorT,
  QuantizationParametersT,
  SubGraphT,
  TensorT,
  TensorType,
} from './gen/schema';

export interface TensorSpec {
  name: string;
  shape: number[];
  type?: TensorType;
  /** Constant data (stored in a new buffer). */
  data?: Uint8Array;
  quant?: { scale: number[]; zeroPoint: number[]; axis?: number };
  signature?: number[];
}

export function tensorT(spec: TensorSpec, buffer: number): TensorT {
  const q = spec.quant
    ? new QuantizationParametersT([], [], spec.quant.scale, spec.quant.zeroPoint.map(BigInt), undefined, null, spec.quant.axis ?? 0)
    : null;
  return new TensorT(spec.shape, spec.type ?? TensorType.FLOAT32, buffer, spec.name, q, false, null, spec.signature ?? []);
}

/** A model with one subgraph per entry; tensors with data get buffers 1.. (buffer 0 is the empty sentinel). */
export function modelT(subgraphs: { name?: string; tensors: TensorSpec[]; inputs: number[]; outputs: number[]; ops: OperatorT[] }[], codes: OperatorCodeT[]): ModelT {
  const buffers = [new BufferT()];
  const sgs = subgraphs.map((s) => {
    const tensors = s.tensors.map((t) => {
      if (!t.data) return tensorT(t, 0);
      buffers.push(new BufferT(Array.from(t.data)));
      return tensorT(t, buffers.length - 1);
    });
    return new SubGraphT(tensors, s.inputs, s.outputs, s.ops, s.name ?? null);
  });
  return new ModelT(3, codes, sgs, 'LayerLens test model', buffers);
}

export function code(op: BuiltinOperator | string): OperatorCodeT {
  if (typeof op === 'string') return new OperatorCodeT(BuiltinOperator.CUSTOM, op, 1, BuiltinOperator.CUSTOM);
  return new OperatorCodeT(Math.min(op, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES), null, 1, op);
}

export function encode(m: ModelT): Uint8Array {
  const b = new Builder(1024);
  Model.finishModelBuffer(b, m.pack(b));
  return b.asUint8Array().slice();
}

export function f32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export function i32(values: number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(values).buffer);
}
