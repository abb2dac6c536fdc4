// TFLite cost functions on one-operator models built with TFLite's schema (the real models have no
// transposed TRANSPOSE_CONV, BATCH_MATMUL, reductions...): figures derived by hand in the comments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../analysis/analyze';
import {
  ActivationFunctionType,
  AddOptionsT,
  BatchMatMulOptionsT,
  BuiltinOperator,
  BuiltinOptions,
  GeluOptionsT,
  OperatorT,
  Padding,
  Pool2DOptionsT,
  ReducerOptionsT,
  TransposeConvOptionsT,
} from '../../tflite/gen/schema';
import { readTflite } from '../../tflite/reader';
import { checkStoredShapes } from '../../tflite/shape-math';
import { code, encode, f32, i32, modelT, type TensorSpec } from '../../tflite/test-model';

/** Cost of the single operator of a model with these tensors (inputs: those without data, before the output). */
function one(op: BuiltinOperator, tensors: TensorSpec[], inputs: number[], opts: [BuiltinOptions, OperatorT['builtinOptions']] = [BuiltinOptions.NONE, null]) {
  const out = tensors.length - 1;
  const m = modelT([{ tensors, inputs: inputs.filter((i) => i >= 0 && !tensors[i]!.data), outputs: [out], ops: [new OperatorT(0, inputs, [out], opts[0], opts[1])] }], [code(op)]);
  const model = readTflite(encode(m));
  assert.deepEqual(checkStoredShapes(model.graph.nodes), [], 'the stored output shape is the op math');
  return analyzeModel(model).report.nodes[0]!;
}

test('TRANSPOSE_CONV: numel(X)·Cout·kh·kw, plus a bias add per output', () => {
  // X [1,4,4,8], W [3,2,2,8], stride 2 SAME -> Y [1,8,8,3]. MACs = 128 · 3·2·2 = 1,536.
  const r = one(BuiltinOperator.TRANSPOSE_CONV, [
    { name: 'output_shape', shape: [4], type: 2, data: i32([1, 8, 8, 3]) },
    { name: 'w', shape: [3, 2, 2, 8], data: f32(new Array(96).fill(0.5)) },
    { name: 'x', shape: [1, 4, 4, 8] },
    { name: 'b', shape: [3], data: f32([1, 2, 3]) },
    { name: 'y', shape: [1, 8, 8, 3] },
  ], [0, 1, 2, 3], [BuiltinOptions.TransposeConvOptions, new TransposeConvOptionsT(Padding.SAME, 2, 2)]);
  assert.equal(r.macs, 1_536);
  assert.equal(r.flops, 2 * 1_536 + 192);
  assert.equal(r.params, 96 + 3); // the int32 output_shape is not a parameter
});

test('BATCH_MATMUL: numel(Y)·K with adj_x', () => {
  // x [2,5,3] with adj_x (so x is read as [2,3,5]), y [2,5,4] -> [2,3,4]; K = 5: MACs = 24 · 5 = 120.
  const r = one(BuiltinOperator.BATCH_MATMUL, [{ name: 'x', shape: [2, 5, 3] }, { name: 'y', shape: [2, 5, 4] }, { name: 'z', shape: [2, 3, 4] }], [0, 1],
    [BuiltinOptions.BatchMatMulOptions, new BatchMatMulOptionsT(true, false)]);
  assert.equal(r.macs, 120);
  assert.equal(r.flops, 240);
});

test('ADD with a fused RELU6: 1 + 2 FLOPs per output element', () => {
  const r = one(BuiltinOperator.ADD, [{ name: 'a', shape: [1, 10] }, { name: 'b', shape: [1] }, { name: 'c', shape: [1, 10] }], [0, 1],
    [BuiltinOptions.AddOptions, new AddOptionsT(ActivationFunctionType.RELU6)]);
  assert.equal(r.macs, 0);
  assert.equal(r.flops, 30);
});

test('AVERAGE_POOL_2D: window + divide per output; MEAN: per input + per output (ONNX ReduceMean)', () => {
  // 3x3 VALID stride 1 on [1,5,5,2] -> [1,3,3,2]: 18 · (9 + 1) = 180.
  const pool = one(BuiltinOperator.AVERAGE_POOL_2D, [{ name: 'x', shape: [1, 5, 5, 2] }, { name: 'y', shape: [1, 3, 3, 2] }], [0],
    [BuiltinOptions.Pool2DOptions, new Pool2DOptionsT(Padding.VALID, 1, 1, 3, 3)]);
  assert.equal(pool.flops, 180);
  // MEAN over H, W of [1,5,5,2] keeping dims -> [1,1,1,2]: 50 + 2 = 52.
  const mean = one(BuiltinOperator.MEAN, [{ name: 'x', shape: [1, 5, 5, 2] }, { name: 'axes', shape: [2], type: 2, data: i32([1, 2]) }, { name: 'y', shape: [1, 1, 1, 2] }], [0, 1],
    [BuiltinOptions.ReducerOptions, new ReducerOptionsT(true)]);
  assert.equal(mean.flops, 52);
  assert.equal(mean.params, 0);
});

test('RESIZE_BILINEAR: 3 FLOPs per resized axis per output element; GELU approximate: 7 per element', () => {
  // [1,4,4,3] -> [1,8,8,3]: 2 resized axes · 3 · 192 = 1,152.
  const r = one(BuiltinOperator.RESIZE_BILINEAR, [{ name: 'x', shape: [1, 4, 4, 3] }, { name: 'size', shape: [2], type: 2, data: i32([8, 8]) }, { name: 'y', shape: [1, 8, 8, 3] }], [0, 1]);
  assert.equal(r.flops, 1_152);
  const g = one(BuiltinOperator.GELU, [{ name: 'x', shape: [4, 4] }, { name: 'y', shape: [4, 4] }], [0], [BuiltinOptions.GeluOptions, new GeluOptionsT(true)]);
  assert.equal(g.flops, 7 * 16);
});

test('an operator without a cost function is unknown with a reason, never 0', () => {
  const r = one(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, [{ name: 'x', shape: [1, 2, 3] }, { name: 'y', shape: [1, 2, 4] }], [0]);
  assert.equal(r.known, false);
  assert.equal(r.macs, null);
  assert.equal(r.flops, null);
  assert.match(r.note!, /no cost function for tflite\.UNIDIRECTIONAL_SEQUENCE_LSTM/);
});
