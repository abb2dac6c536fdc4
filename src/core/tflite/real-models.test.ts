// The TFLite reader and cost model on the real MediaPipe models of test/models.json. Oracles: the
// file itself, read here straight through the generated flatbuffer accessors (operator counts,
// op codes, every tensor's stored shape and constant elements), the op math (shape-math.ts, which
// must reproduce every stored output shape), and MACs derived by hand from the layers' shapes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { realModelPath } from '../../../test/support/models';
import { analyzeModel } from '../analysis/analyze';
import type { NodeCost } from '../cost/types';
import type { Node } from '../ir/graph';
import { isConcrete } from '../ir/shape';
import { ByteBuffer } from 'flatbuffers';
import { BuiltinOperator, Model as FbModel, TensorType } from './gen/schema';
import { readTflite } from './reader';
import { checkStoredShapes, inferOutputShapes } from './shape-math';

interface Case {
  file: string;
  nodes: number;
  /** Op type counts, from the file's operators (checked against the raw read below too). */
  ops: Record<string, number>;
}

const CASES: Case[] = [
  { file: 'face-detection-short.tflite', nodes: 164, ops: { DEQUANTIZE: 74, CONV_2D: 21, RELU: 17, DEPTHWISE_CONV_2D: 16, ADD: 16, PAD: 11, MAX_POOL_2D: 3, RESHAPE: 4, CONCATENATION: 2 } },
  { file: 'face-detection-full.tflite', nodes: 354, ops: { DEQUANTIZE: 178, CONV_2D: 49, RELU: 47, DEPTHWISE_CONV_2D: 40, ADD: 23, MAX_POOL_2D: 4, PAD: 8, RESIZE_BILINEAR: 3, RESHAPE: 2 } },
  { file: 'face-detection-full-sparse.tflite', nodes: 388, ops: { PAD: 43, DEQUANTIZE: 182, CONV_2D: 49, DEPTHWISE_CONV_2D: 42, DENSIFY: 46, ADD: 19, RESIZE_BILINEAR: 3, DEPTH_TO_SPACE: 2, RESHAPE: 2 } },
  { file: 'selfie-segmentation.tflite', nodes: 246, ops: { DEQUANTIZE: 110, CONV_2D: 43, HARD_SWISH: 11, RELU: 22, DEPTHWISE_CONV_2D: 11, AVERAGE_POOL_2D: 10, LOGISTIC: 11, MUL: 10, ADD: 14, RESIZE_BILINEAR: 3, Convolution2DTransposeBias: 1 } },
];

function load(file: string): { bytes: Uint8Array; fb: FbModel } {
  const bytes = readFileSync(realModelPath(file));
  return { bytes, fb: FbModel.getRootAsModel(new ByteBuffer(bytes)) };
}

function counts(types: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of types) out[t] = (out[t] ?? 0) + 1;
  return out;
}

for (const c of CASES) {
  test(`${c.file}: operators, op types and every stored tensor shape come through; every node costed`, () => {
    const { bytes, fb } = load(c.file);
    const model = readTflite(bytes);
    const sg = fb.subgraphs(0)!;
    assert.equal(fb.subgraphsLength(), 1);
    assert.equal(model.graph.nodes.length, sg.operatorsLength());
    assert.equal(model.graph.nodes.length, c.nodes);
    // Op types straight from the file: max(builtin_code, deprecated_builtin_code), custom code for CUSTOM.
    const raw: string[] = [];
    for (let i = 0; i < sg.operatorsLength(); i++) {
      const oc = fb.operatorCodes(sg.operators(i)!.opcodeIndex())!;
      const k = Math.max(oc.builtinCode(), oc.deprecatedBuiltinCode());
      raw.push(k === BuiltinOperator.CUSTOM ? oc.customCode()! : BuiltinOperator[k]!);
    }
    assert.deepEqual(model.graph.nodes.map((n) => n.opType), raw);
    assert.deepEqual(counts(raw), c.ops);
    // Every tensor's shape as stored, and on the values the nodes use.
    const values = [...model.graph.values.values()];
    assert.equal(values.length, sg.tensorsLength());
    values.forEach((v, i) => {
      const t = sg.tensors(i)!;
      const stored = Array.from({ length: t.shapeLength() }, (_, k) => t.shape(k));
      assert.ok(v.type && (v.type.kind === 'tensor' || v.type.kind === 'sparse_tensor'));
      assert.deepEqual(v.type.shape, stored, `tensor ${i} ${v.name}`);
    });
    // Analysis: shapes are the stored ones, every node has MACs and FLOPs, nothing unknown.
    const { report, shapes } = analyzeModel(model);
    assert.deepEqual(report.unknownOps, []);
    assert.equal(report.totalsIncomplete, false);
    for (const n of model.graph.nodes) {
      for (const v of n.outputs) assert.ok(v && isConcrete(shapes.shapeOf(v)), `${n}`);
    }
    for (const r of report.nodes) assert.ok(r.macs !== null && r.flops !== null && r.known, `${r.opType} ${r.name}: ${r.note}`);
    // Physics: MACs only where there are products; FLOPs ≥ 2·MACs.
    for (const r of report.nodes) {
      if (!/CONV|FULLY_CONNECTED|MATMUL|Convolution/.test(r.opType)) assert.equal(r.macs, 0, r.name);
      assert.ok(r.flops! >= 2 * r.macs!, r.name);
    }
  });

  test(`${c.file}: the op math reproduces every stored output shape`, () => {
    const model = readTflite(load(c.file).bytes);
    const inferred = model.graph.nodes.filter((n: Node) => inferOutputShapes(n) !== null);
    assert.equal(inferred.length, model.graph.nodes.length, 'every node has a shape rule');
    assert.deepEqual(checkStoredShapes(model.graph.nodes).map((m) => `${m.node} ${JSON.stringify(m)}`), []);
  });

  test(`${c.file}: params are the elements of the file's float constants (dense count for sparse ones), weight bytes their storage`, () => {
    const { bytes, fb } = load(c.file);
    const sg = fb.subgraphs(0)!;
    let elements = 0;
    let stored = 0;
    for (let i = 0; i < sg.tensorsLength(); i++) {
      const t = sg.tensors(i)!;
      const b = fb.buffers(t.buffer())!;
      if (b.dataLength() === 0 || (t.type() !== TensorType.FLOAT16 && t.type() !== TensorType.FLOAT32)) continue;
      let n = 1;
      for (let k = 0; k < t.shapeLength(); k++) n *= t.shape(k)!;
      elements += n;
      stored += b.dataLength();
    }
    const { report } = analyzeModel(readTflite(bytes));
    assert.equal(report.totals.params, elements);
    // Dense tensors: bytes = 2 per float16 element; sparse ones store fewer values plus their index metadata.
    if (!c.file.includes('sparse')) assert.equal(report.totals.weightBytes, stored);
    else assert.ok(report.totals.weightBytes < 2 * elements && report.totals.weightBytes > stored, `${report.totals.weightBytes} vs ${stored}`);
  });
}

function costOf(file: string): (name: string) => NodeCost {
  const { cost } = analyzeModel(readTflite(load(file).bytes));
  return (name) => {
    const n = cost.nodes.find((x) => x.name === name);
    assert.ok(n, name);
    return n;
  };
}

test('face-detection-short: hand-derived MACs and FLOPs of a convolution, a depthwise, a 1x1, a pool', () => {
  const node = costOf('face-detection-short.tflite');
  // conv2d: X [1,128,128,3], W [24,5,5,3], stride 2 SAME -> Y [1,64,64,24] (98,304 elements).
  // MACs = 98,304 · 5·5·3 = 7,372,800; FLOPs = 2·MACs + 98,304 (bias) = 14,843,904.
  assert.equal(node('conv2d').macs, 7_372_800);
  assert.equal(node('conv2d').flops, 14_843_904);
  // depthwise_conv2d: Y [1,64,64,24], W [1,3,3,24]: each output sums one 3x3 window of one channel.
  // MACs = 98,304 · 9 = 884,736.
  assert.equal(node('depthwise_conv2d').macs, 884_736);
  // conv2d_1: 1x1, W [24,1,1,24], Y [1,64,64,24]: MACs = 98,304 · 24 = 2,359,296.
  assert.equal(node('conv2d_1').macs, 2_359_296);
  // max_pooling2d: 2x2 window, Y [1,32,32,28] (28,672 elements): FLOPs = 28,672 · 4 = 114,688.
  assert.equal(node('max_pooling2d').macs, 0);
  assert.equal(node('max_pooling2d').flops, 114_688);
  // activation (RELU) on [1,64,64,24]: 1 FLOP per element.
  assert.equal(node('activation').flops, 98_304);
  // The fp16 kernel of conv2d is read by its DEQUANTIZE: 24·5·5·3 = 1,800 params in 3,600 bytes.
  assert.equal(node('conv2d/Kernel_dequantize').params, 1_800);
  assert.equal(node('conv2d/Kernel_dequantize').weightBytes, 3_600);
  assert.equal(node('conv2d/Kernel_dequantize').flops, 2 * 1_800);
});

test('selfie-segmentation: MediaPipe Convolution2DTransposeBias costed by its math; pooling and HARD_SWISH per element', () => {
  const model = readTflite(load('selfie-segmentation.tflite').bytes);
  const t = model.graph.nodes.find((n) => n.opType === 'Convolution2DTransposeBias')!;
  assert.equal(t.domain, 'tflite.custom');
  // Custom options: the C struct TfLiteTransposeConvParams {padding, stride_w, stride_h}.
  assert.equal(t.attrInt('stride_w'), 2);
  assert.equal(t.attrInt('stride_h'), 2);
  const node = costOf('selfie-segmentation.tflite');
  // X [1,128,128,16] (262,144 elements), W [1,2,2,16] (Cout 1, 2x2 taps), Y [1,256,256,1] (65,536).
  // MACs = numel(X)·Cout·kh·kw = 262,144 · 4 = 1,048,576; FLOPs = 2·MACs + 65,536 (bias) = 2,162,688.
  assert.equal(node(t.displayName).macs, 1_048_576);
  assert.equal(node(t.displayName).flops, 2_162_688);
  // h_swish on [1,128,128,16]: 5 FLOPs per element (ONNX HardSwish) = 1,310,720.
  assert.equal(node('h_swish').flops, 5 * 128 * 128 * 16);
});
