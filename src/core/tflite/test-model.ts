// Builds small TFLite files for tests with the generated object API (ModelT.pack) and the flatbuffers
// Builder: the same encoder TFLite's own writers use, so the bytes are real TFLite flatbuffers. Tests
// use them for what the real models lack (int8 quantization, subgraphs, signatures, offset buffers,
// sparse weights, custom ops) and as seeds for hostile variants.
import { Builder } from 'flatbuffers';
import {
  ActivationFunctionType,
  BufferT,
  BuiltinOperator,
  BuiltinOptions,
  Conv2DOptionsT,
  FullyConnectedOptionsT,
  Model,
  ModelT,
  OperatorCodeT,
  OperatorT,
  Padding,
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

/** int8 CONV_2D (per-channel weights, int32 bias) -> RESHAPE -> FULLY_CONNECTED. */
export function int8Model(): ModelT {
  const q = (scale: number[], zeroPoint: number[], axis?: number) => ({ scale, zeroPoint, ...(axis !== undefined ? { axis } : {}) });
  return modelT([{
    name: 'main',
    tensors: [
      { name: 'input', shape: [1, 4, 4, 2], type: TensorType.INT8, quant: q([0.5], [-128]), signature: [-1, 4, 4, 2] },
      { name: 'conv/weights', shape: [3, 1, 1, 2], type: TensorType.INT8, data: new Uint8Array(6).fill(1), quant: q([0.1, 0.2, 0.3], [0, 0, 0], 0) },
      { name: 'conv/bias', shape: [3], type: TensorType.INT32, data: i32([1, 2, 3]), quant: q([0.05, 0.1, 0.15], [0, 0, 0], 0) },
      { name: 'conv/out', shape: [1, 4, 4, 3], type: TensorType.INT8, quant: q([0.25], [3]) },
      { name: 'reshape/shape', shape: [2], type: TensorType.INT32, data: i32([1, 48]) },
      { name: 'reshape/out', shape: [1, 48], type: TensorType.INT8, quant: q([0.25], [3]) },
      { name: 'fc/weights', shape: [10, 48], type: TensorType.INT8, data: new Uint8Array(480).fill(2), quant: q([0.01], [0]) },
      { name: 'fc/out', shape: [1, 10], type: TensorType.INT8, quant: q([0.125], [-1]) },
    ],
    inputs: [0],
    outputs: [7],
    ops: [
      new OperatorT(0, [0, 1, 2], [3], BuiltinOptions.Conv2DOptions, new Conv2DOptionsT(Padding.VALID, 1, 1, ActivationFunctionType.RELU6)),
      new OperatorT(1, [3, 4], [5]),
      new OperatorT(2, [5, 6, -1], [7], BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptionsT()),
    ],
  }], [code(BuiltinOperator.CONV_2D), code(BuiltinOperator.RESHAPE), code(BuiltinOperator.FULLY_CONNECTED)]);
}

