// The TFLite reader on files built here with TFLite's own schema and the flatbuffers Builder
// (test-model.ts), for what the real MediaPipe models do not have: int8 per-channel quantization,
// subgraphs called by WHILE, unreached signature subgraphs, custom and unknown operators, the
// deprecated 8-bit op code, sparse weights, buffers stored past the flatbuffer (large files), string
// constants. Expected figures are derived by hand in the comments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../analysis/analyze';
import { formatQuantization } from '../ir/quantization';
import { DataType } from '../ir/data-type';
import type { ExternalDataReader } from '../ir/tensor';
import {
  AddOptionsT,
  BufferT,
  BuiltinOperator,
  BuiltinOptions,
  DimensionMetadataT,
  DimensionType,
  FullyConnectedOptionsT,
  OperatorCodeT,
  OperatorT,
  SignatureDefT,
  SparseIndexVector,
  SparsityParametersT,
  TensorMapT,
  TensorType,
  Uint8VectorT,
  WhileOptionsT,
} from './gen/schema';
import { readTflite } from './reader';
import { checkStoredShapes } from './shape-math';
import { code, encode, f32, i32, int8Model, modelT } from './test-model';

test('int8 model: quantization per tensor and per channel kept on the values; params are the quantized constants only', () => {
  const model = readTflite(encode(int8Model()));
  const v = (name: string) => model.graph.values.get(name)!;
  assert.deepEqual(v('input').quantization, { scale: [0.5], zeroPoint: [-128], axis: null });
  const w = v('conv/weights').quantization!;
  assert.equal(w.axis, 0);
  assert.deepEqual(w.zeroPoint, [0, 0, 0]);
  assert.deepEqual(w.scale.map((s) => Math.round(s * 100) / 100), [0.1, 0.2, 0.3]);
  assert.equal(formatQuantization(v('input').quantization!), 'scale 0.5 zp -128');
  assert.match(formatQuantization(w), /^per-channel axis 0: 3 scales 0\.1…0\.3, zp 0$/);
  assert.equal(v('reshape/shape').quantization, null);
  assert.deepEqual(v('input').metadata, [['tflite.shape_signature', '[-1,4,4,2]']]);
  assert.equal(v('conv/weights').initializer!.dataType, DataType.INT8);

  const conv = model.graph.nodes[0]!;
  assert.equal(conv.opType, 'CONV_2D');
  assert.equal(conv.domain, 'tflite');
  assert.equal(conv.displayName, 'conv/out');
  assert.equal(conv.attrString('padding'), 'VALID');
  assert.equal(conv.attrString('fused_activation_function'), 'RELU6');
  assert.equal(conv.attrInt('stride_w'), 1);

  const { report } = analyzeModel(model);
  const n = (name: string) => report.nodes.find((x) => x.name === name)!;
  // conv: Y [1,4,4,3] = 48 outputs, W [3,1,1,2]: MACs = 48·2 = 96; FLOPs = 192 + 48 (bias) + 2·48 (RELU6 as Clip) = 336.
  assert.equal(n('conv/out').macs, 96);
  assert.equal(n('conv/out').flops, 336);
  // conv params: 6 int8 weights + 3 int32 biases (both quantized); bytes 6 + 12.
  assert.equal(n('conv/out').params, 9);
  assert.equal(n('conv/out').weightBytes, 18);
  // RESHAPE's int32 shape [1,48] carries no quantization: not a parameter.
  assert.equal(n('reshape/out').params, 0);
  // fc: Y [1,10], W [10,48]: MACs = 10·48 = 480, no bias: FLOPs 960.
  assert.equal(n('fc/out').macs, 480);
  assert.equal(n('fc/out').flops, 960);
  assert.equal(report.totals.params, 6 + 3 + 480);
  assert.equal(report.totals.weightBytes, 6 + 12 + 480);
  // int8 activations are stored 1 byte per element: conv/out is 48 bytes.
  assert.equal(n('conv/out').activationBytes, 48);
});

/** main: WHILE(cond=1, body=2) -> custom op -> unknown builtin 250; subgraph 3 reached only by a signature. */
function controlFlowModel() {
  const t = (name: string, shape = [1], type = TensorType.FLOAT32) => ({ name, shape, type });
  const m = modelT([
    {
      name: 'main',
      tensors: [t('x'), t('loop_out'), t('custom_out'), t('y')],
      inputs: [0],
      outputs: [3],
      ops: [
        new OperatorT(0, [0], [1], BuiltinOptions.WhileOptions, new WhileOptionsT(1, 2)),
        new OperatorT(1, [1], [2], BuiltinOptions.NONE, null, [1, 2, 3]),
        new OperatorT(2, [2], [3]),
      ],
    },
    { name: 'cond', tensors: [t('a'), t('less', [1], TensorType.BOOL)], inputs: [0], outputs: [1], ops: [new OperatorT(3, [0, 0], [1])] },
    { name: 'body', tensors: [t('a'), t('sum')], inputs: [0], outputs: [1], ops: [new OperatorT(4, [0, 0], [1], BuiltinOptions.AddOptions, new AddOptionsT())] },
    { name: 'other_entry', tensors: [t('p', [2]), t('q', [2])], inputs: [0], outputs: [1], ops: [new OperatorT(5, [0], [1])] },
  ], [
    code(BuiltinOperator.WHILE), code('MyCustomOp'), new OperatorCodeT(127, null, 1, 250 as BuiltinOperator),
    code(BuiltinOperator.LESS), code(BuiltinOperator.ADD), code(BuiltinOperator.RELU),
  ]);
  m.signatureDefs = [
    new SignatureDefT([new TensorMapT('x_in', 0)], [new TensorMapT('y_out', 3)], 'serving_default', 0),
    new SignatureDefT([new TensorMapT('p_in', 0)], [new TensorMapT('q_out', 1)], 'other', 3),
  ];
  return m;
}

test('subgraphs: WHILE bodies become graph attributes, unreached ones functions; custom and unknown ops; signatures name the values', () => {
  const model = readTflite(encode(controlFlowModel()));
  const [loop, custom, unknown] = model.graph.nodes;
  assert.equal(model.graph.nodes.length, 3);
  assert.equal(loop!.opType, 'WHILE');
  assert.equal(loop!.attrGraph('cond_subgraph')!.name, 'cond');
  assert.equal(loop!.attrGraph('body_subgraph')!.nodes[0]!.opType, 'ADD');
  assert.equal(loop!.attrGraph('body_subgraph')!.path, 'loop_out/body_subgraph');
  assert.equal(custom!.domain, 'tflite.custom');
  assert.equal(custom!.opType, 'MyCustomOp');
  assert.equal(custom!.attrString('custom_options'), '<3 bytes, FlexBuffers>');
  assert.equal(unknown!.opType, 'BUILTIN_250');
  assert.deepEqual(model.functions.map((f) => [f.domain, f.name, f.body.nodes.map((n) => n.opType)]), [['tflite.subgraph', 'other_entry', ['RELU']]]);
  assert.deepEqual(model.graph.values.get('x')!.metadata, [['tflite.signature.input', 'serving_default:x_in']]);
  assert.deepEqual(model.functions[0]!.body.values.get('q')!.metadata, [['tflite.signature.output', 'other:q_out']]);
  assert.ok(model.metadata.some(([k, v]) => k === 'tflite.signature.serving_default' && v === 'subgraph 0; input x_in=x; output y_out=y'));

  const { report } = analyzeModel(model);
  const byName = (name: string) => report.nodes.find((x) => x.name === name)!;
  // Unknown ops are null with a reason and listed, never 0.
  assert.equal(byName('y').macs, null);
  assert.equal(byName('y').known, false);
  assert.match(byName('y').note!, /no cost function for tflite\.BUILTIN_250/);
  assert.equal(byName('custom_out').known, false);
  assert.deepEqual(report.unknownOps.map((u) => `${u.domain}:${u.opType}`).sort(), ['tflite.custom:MyCustomOp', 'tflite:BUILTIN_250']);
  assert.equal(report.totalsIncomplete, true);
  // The body's ADD on [1] is costed (1 FLOP) and enters the totals once.
  assert.equal(byName('sum').flops, 1);
  assert.equal(byName('sum').graph, 'loop_out/body_subgraph');
});

test('operator codes: the deprecated byte holds codes below 127, builtin_code the rest (GELU = 150)', () => {
  const m = modelT([{ tensors: [{ name: 'x', shape: [2, 3] }, { name: 'y', shape: [2, 3] }], inputs: [0], outputs: [1], ops: [new OperatorT(0, [0], [1])] }],
    [new OperatorCodeT(127, null, 1, BuiltinOperator.GELU)]);
  assert.equal(readTflite(encode(m)).graph.nodes[0]!.opType, 'GELU');
  // An old file: builtin_code absent (0 = ADD), the code in the deprecated byte.
  m.operatorCodes = [new OperatorCodeT(BuiltinOperator.CONV_2D, null, 1, BuiltinOperator.ADD)];
  assert.equal(readTflite(encode(m)).graph.nodes[0]!.opType, 'CONV_2D');
});

test('sparse weights: DENSIFY reads a CSR tensor; params count its dense elements, bytes what is stored', () => {
  // W [4,4] with 5 non-zeros: row 0 -> col 0, row 1 -> col 1, row 2 -> cols 2,3, row 3 -> col 0.
  const m = modelT([{
    tensors: [
      { name: 'x', shape: [1, 4] },
      { name: 'w_sparse', shape: [4, 4], data: f32([1, 2, 3, 4, 5]) },
      { name: 'w', shape: [4, 4] },
      { name: 'y', shape: [1, 4] },
    ],
    inputs: [0],
    outputs: [3],
    ops: [new OperatorT(0, [1], [2]), new OperatorT(1, [0, 2, -1], [3], BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptionsT())],
  }], [code(BuiltinOperator.DENSIFY), code(BuiltinOperator.FULLY_CONNECTED)]);
  m.subgraphs[0]!.tensors[1]!.sparsity = new SparsityParametersT([0, 1], [], [
    new DimensionMetadataT(DimensionType.DENSE, 4),
    new DimensionMetadataT(DimensionType.SPARSE_CSR, 0, SparseIndexVector.Uint8Vector, new Uint8VectorT([0, 1, 2, 4, 5]), SparseIndexVector.Uint8Vector, new Uint8VectorT([0, 1, 2, 3, 0])),
  ]);
  const model = readTflite(encode(m));
  const s = model.graph.values.get('w_sparse')!.sparseInitializer!;
  assert.deepEqual(s.dims, [4, 4]);
  assert.deepEqual(Array.from(s.values.toNumbers()), [1, 2, 3, 4, 5]);
  const { report } = analyzeModel(model);
  const densify = report.nodes.find((n) => n.opType === 'DENSIFY')!;
  assert.equal(densify.params, 16);
  // 5 float32 values (20 bytes) + 5 segment and 5 index bytes (uint8).
  assert.equal(densify.weightBytes, 30);
  assert.equal(densify.flops, 0);
  assert.equal(report.nodes.find((n) => n.opType === 'FULLY_CONNECTED')!.macs, 16);
});

/** A model whose weight [2,2] float32 lives after the flatbuffer, at buffer.offset/size (the > 2 GB layout). */
function offsetBufferFile(): { file: Uint8Array; flatbufferLength: number } {
  const marker = 0x0badc0de0badn;
  const m = modelT([{ tensors: [{ name: 'x', shape: [1, 2] }, { name: 'w', shape: [2, 2] }, { name: 'y', shape: [1, 2] }], inputs: [0], outputs: [2],
    ops: [new OperatorT(0, [0, 1, -1], [2], BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptionsT())] }], [code(BuiltinOperator.FULLY_CONNECTED)]);
  m.buffers.push(new BufferT([], marker, 16n));
  m.subgraphs[0]!.tensors[1]!.buffer = 1;
  const fb = encode(m);
  const offset = Math.ceil(fb.length / 16) * 16;
  const file = new Uint8Array(offset + 16);
  file.set(fb);
  file.set(f32([1, 2, 3, 4]), offset);
  // Patch the placeholder offset (little-endian u64) with the real one.
  const dv = new DataView(file.buffer);
  let at = -1;
  for (let i = 0; i + 8 <= fb.length; i++) if (dv.getBigUint64(i, true) === marker) at = i;
  assert.ok(at > 0);
  dv.setBigUint64(at, BigInt(offset), true);
  return { file, flatbufferLength: fb.length };
}

test('buffers past the flatbuffer (buffer.offset/size): a view into the bytes, or read on demand when only the start was read', () => {
  const { file, flatbufferLength } = offsetBufferFile();
  const whole = readTflite(file).graph.values.get('w')!.initializer!;
  assert.equal(whole.storage.kind, 'raw');
  assert.deepEqual(Array.from(whole.toNumbers()), [1, 2, 3, 4]);

  // A file too big to read whole: the host gives the start and a reader. (A real > 2 GB file cannot be
  // made on this machine, so the reader serves the same bytes from memory, counting what it is asked.)
  const asked: [string, number, number | undefined][] = [];
  const reader: ExternalDataReader = {
    read: (location, offset, length) => {
      asked.push([location, offset, length]);
      return file.slice(offset, offset + (length ?? 0));
    },
    size: () => file.length,
  };
  const model = readTflite(file.subarray(0, flatbufferLength), { fileSize: file.length, externalData: reader, fileName: 'big.tflite' });
  const w = model.graph.values.get('w')!.initializer!;
  assert.equal(w.storage.kind, 'external');
  assert.deepEqual(asked, [], 'nothing is read to analyse');
  assert.equal(analyzeModel(model).report.totals.params, 4);
  assert.deepEqual(asked, []);
  assert.deepEqual(Array.from(w.toNumbers()), [1, 2, 3, 4]);
  assert.deepEqual(asked, [['big.tflite', flatbufferLength + (16 - (flatbufferLength % 16)) % 16, 16]]);
});

test('string constants decode from TFLite string buffers', () => {
  // count 2, offsets 16, 18, 19 (from the buffer start), then "ab" "c".
  const data = new Uint8Array([...i32([2, 16, 18, 19]), 0x61, 0x62, 0x63]);
  const m = modelT([{ tensors: [{ name: 's', shape: [2], type: TensorType.STRING, data }, { name: 'y', shape: [2], type: TensorType.STRING }], inputs: [], outputs: [1],
    ops: [new OperatorT(0, [0], [1])] }], [code(BuiltinOperator.RESHAPE)]);
  assert.deepEqual(readTflite(encode(m)).graph.values.get('s')!.initializer!.toStrings(), ['ab', 'c']);
});

test('shape math: a stored output shape the op cannot produce is reported', () => {
  const m = int8Model();
  m.subgraphs[0]!.tensors[3]!.shape = [1, 3, 4, 3];
  const model = readTflite(encode(m));
  const bad = checkStoredShapes(model.graph.nodes);
  // conv: VALID 1x1 stride 1 on [1,4,4,2] gives [1,4,4,3], not the stored [1,3,4,3].
  assert.deepEqual(bad.map((b) => [b.node.opType, b.stored, b.inferred]), [['CONV_2D', [1, 3, 4, 3], [1, 4, 4, 3]]]);
});
