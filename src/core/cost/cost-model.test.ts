// Hand-derived MAC/FLOP/param counts for each op family, on small models built here. Every value has a
// declared shape (derived by hand in the comments) and the test-only declaredShapes() adapter reads
// them, so these tests exercise the cost model alone, not shape inference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AttrInit, GraphBuilder, newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { Graph, type Value } from '../ir/graph';
import type { Model } from '../ir/model';
import type { Shape } from '../ir/shape';
import { Tensor } from '../ir/tensor';
import { costModel } from './cost-model';
import { declare, declaredShapes } from './test-util';
import type { CostReport, NodeCost } from './types';

const F = DataType.FLOAT;
const fill = (n: number): number[] => new Array<number>(n).fill(0.5);

/** op(): a node with one output of a declared (hand-derived) shape. */
type Op = (
  opType: string,
  inputs: (Value | null)[],
  attrs: Record<string, AttrInit>,
  name: string,
  out: Shape,
  opts?: { domain?: string; elemType?: DataType; floatAttrs?: string[] },
) => Value;

function opOf(b: GraphBuilder): Op {
  return (opType, inputs, attrs, name, out, opts = {}) => {
    const [y] = b.node(opType, inputs, attrs, { name, ...(opts.domain ? { domain: opts.domain } : {}), ...(opts.floatAttrs ? { floatAttrs: opts.floatAttrs } : {}) });
    return declare(y, out, opts.elemType ?? F);
  };
}

function run(build: (b: GraphBuilder, op: Op, model: Model) => void, opset = 17): { r: CostReport; node: (name: string) => NodeCost; model: Model } {
  const { model, b } = newModel('t', [{ domain: '', version: opset }, { domain: 'com.microsoft', version: 1 }]);
  build(b, opOf(b), model);
  const r = costModel(model, declaredShapes());
  const node = (name: string): NodeCost => {
    const c = r.nodes.find((n) => n.name === name);
    assert.ok(c, `no node ${name}`);
    return c;
  };
  return { r, node, model };
}

/** A Constant node holding `t`, its output declared like the tensor. */
function constant(b: GraphBuilder, name: string, t: Tensor): Value {
  const [v] = b.node('Constant', [], { value: t }, { name });
  v!.producer!.constantTensor = t;
  return declare(v, t.dims, t.dataType);
}

test('Conv: N·Cout·Hout·Wout·(Cin/group)·Kh·Kw MACs, 2·MACs + a bias add per output FLOPs', () => {
  const { node } = run((b, op) => {
    const x = b.input('x', F, [1, 3, 32, 32]);
    const w = b.initializer('w', F, [16, 3, 3, 3], fill(432));
    const bias = b.initializer('b', F, [16], fill(16));
    b.output(op('Conv', [x, w, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv', [1, 16, 32, 32]));
  });
  const c = node('conv');
  // 1·16·32·32·3·3·3 = 442,368 MACs
  assert.equal(c.macs, 442_368);
  // 2·442,368 + 16·32·32 = 884,736 + 16,384 = 901,120
  assert.equal(c.flops, 901_120);
  // weights 16·3·3·3 = 432 + bias 16 = 448 elements, 4 bytes each
  assert.equal(c.params, 448);
  assert.equal(c.weightBytes, 1_792);
  // output 16·32·32 floats = 65,536 bytes
  assert.equal(c.activationBytes, 65_536);
  // moved: weights 1,792 + input 3·32·32·4 = 12,288 + output 65,536 = 79,616 bytes
  assert.ok(Math.abs(c.intensity! - 901_120 / 79_616) < 1e-9);
  assert.equal(c.opType, 'Conv');
  assert.equal(c.domain, '');
  assert.equal(c.graphPath, '');
  assert.equal(c.known, true);
  assert.equal(c.runs, 1);
});

test('depthwise, grouped and 3-D Conv divide the input channels by group', () => {
  const { node } = run((b, op) => {
    const x = b.input('x', F, [2, 8, 10, 10]);
    const dw = b.initializer('dw', F, [8, 1, 3, 3], fill(72));
    // no pad, stride 2: floor((10 - 3) / 2) + 1 = 4
    const y = op('Conv', [x, dw], { kernel_shape: [3, 3], group: 8, strides: [2, 2] }, 'dw', [2, 8, 4, 4]);
    const g = b.initializer('g', F, [16, 4, 1, 1], fill(64));
    b.output(op('Conv', [y, g], { group: 2 }, 'grouped', [2, 16, 4, 4]));
    const v = b.input('v', F, [1, 2, 4, 8, 8]);
    const w3 = b.initializer('w3', F, [4, 2, 3, 3, 3], fill(216));
    b.output(op('Conv', [v, w3], { pads: [1, 1, 1, 1, 1, 1] }, 'conv3d', [1, 4, 4, 8, 8]));
  });
  // depthwise: 2·8·4·4·(8/8)·3·3 = 2,304
  assert.equal(node('dw').macs, 2_304);
  // grouped: 2·16·4·4·(8/2)·1·1 = 2,048
  assert.equal(node('grouped').macs, 2_048);
  // 3-D: 1·4·(4·8·8)·2·(3·3·3) = 4·256·54 = 55,296
  assert.equal(node('conv3d').macs, 55_296);
  assert.equal(node('conv3d').flops, 2 * 55_296);
});

test('ConvTranspose: N·Cin·Hin·Win·(Cout/group)·Kh·Kw', () => {
  const { node } = run((b, op) => {
    const x = b.input('x', F, [1, 4, 5, 5]);
    const w = b.initializer('w', F, [4, 2, 3, 3], fill(72));
    const bias = b.initializer('b', F, [2], fill(2));
    // (5 - 1)·2 + 3 = 11
    b.output(op('ConvTranspose', [x, w, bias], { strides: [2, 2] }, 'up', [1, 2, 11, 11]));
    const wg = b.initializer('wg', F, [4, 3, 3, 3], fill(108));
    // group 2: Cout = 2·3 = 6
    b.output(op('ConvTranspose', [x, wg], { group: 2 }, 'upg', [1, 6, 7, 7]));
  });
  // 1·4·5·5·2·3·3 = 1,800 MACs; FLOPs 3,600 + bias 2·11·11 = 242 -> 3,842
  assert.equal(node('up').macs, 1_800);
  assert.equal(node('up').flops, 3_842);
  // grouped: 1·4·5·5·(6/2)·3·3 = 2,700
  assert.equal(node('upg').macs, 2_700);
});

test('Gemm with transB and bias: M·N·K MACs, 2·M·N·K + M·N FLOPs; alpha and beta cost M·N each', () => {
  const { node } = run((b, op) => {
    const x = b.input('x', F, [8, 64]);
    const w = b.initializer('w', F, [10, 64], fill(640));
    const c = b.initializer('c', F, [10], fill(10));
    b.output(op('Gemm', [x, w, c], { transB: 1 }, 'fc', [8, 10]));
    const xt = b.input('xt', F, [64, 8]);
    const w2 = b.initializer('w2', F, [64, 10], fill(640));
    b.output(op('Gemm', [xt, w2, c], { transA: 1, alpha: 2.0, beta: 0.5 }, 'scaled', [8, 10], { floatAttrs: ['alpha', 'beta'] }));
  });
  // M=8, N=10, K=64: 5,120 MACs; FLOPs 10,240 + 80 (C) = 10,320
  assert.equal(node('fc').macs, 5_120);
  assert.equal(node('fc').flops, 10_320);
  assert.equal(node('fc').params, 640 + 10);
  // transA: K = A[0] = 64; FLOPs 10,240 + 80 (C) + 80 (alpha) + 80 (beta) = 10,480
  assert.equal(node('scaled').macs, 5_120);
  assert.equal(node('scaled').flops, 10_480);
});

test('batched MatMul with broadcasting: elements of the output times K', () => {
  const { node } = run((b, op) => {
    const a = b.input('a', F, [3, 1, 4, 5]);
    const m = b.input('m', F, [2, 5, 6]);
    b.output(op('MatMul', [a, m], {}, 'mm', [3, 2, 4, 6]));
    const p = b.input('p', F, [2, 3, 4]);
    const v = b.initializer('v', F, [4], fill(4));
    b.output(op('MatMul', [p, v], {}, 'mv', [2, 3]));
  });
  // output [3,2,4,6] = 144 elements, K = 5: 720
  assert.equal(node('mm').macs, 720);
  assert.equal(node('mm').flops, 1_440);
  // matrix-vector: output [2,3] = 6 elements, K = 4: 24
  assert.equal(node('mv').macs, 24);
});

test('bidirectional LSTM: D·T·B·4·H·(I+H) MACs; its initial state is not a parameter', () => {
  const { node } = run((b, op) => {
    const x = b.input('x', F, [7, 2, 16]); // T=7, B=2, I=16
    const w = b.initializer('W', F, [2, 32, 16], fill(1024));
    const r = b.initializer('R', F, [2, 32, 8], fill(512));
    const bias = b.initializer('B', F, [2, 64], fill(128));
    const h0 = b.initializer('h0', F, [2, 2, 8], fill(32));
    b.output(op('LSTM', [x, w, r, bias, null, h0], { hidden_size: 8, direction: 'bidirectional' }, 'lstm', [7, 2, 2, 8]));
    const gx = b.input('gx', F, [5, 1, 10]);
    const gw = b.initializer('gW', F, [1, 12, 10], fill(120));
    const gr = b.initializer('gR', F, [1, 12, 4], fill(48));
    b.output(op('GRU', [gx, gw, gr], { hidden_size: 4 }, 'gru', [5, 1, 1, 4]));
  });
  // D=2, T=7, B=2, H=8: 2·7·2·4·8·(16+8) = 21,504 MACs
  assert.equal(node('lstm').macs, 21_504);
  // FLOPs 2·21,504 + D·T·B·H·26 = 43,008 + 2·7·2·8·26 = 43,008 + 5,824 = 48,832
  assert.equal(node('lstm').flops, 48_832);
  // W 1,024 + R 512 + B 128; h0 (initial state) not counted
  assert.equal(node('lstm').params, 1_664);
  // GRU: 1·5·1·3·4·(10+4) = 840 MACs; FLOPs 1,680 + 1·5·1·4·20 = 2,080
  assert.equal(node('gru').macs, 840);
  assert.equal(node('gru').flops, 2_080);
});

test('a weight shared by two nodes counts in each node but once in the totals', () => {
  const { r, node } = run((b, op) => {
    const x = b.input('x', F, [1, 4]);
    const w = b.initializer('w', F, [4, 4], fill(16));
    const h = op('MatMul', [x, w], {}, 'a', [1, 4]);
    b.output(op('MatMul', [h, w], {}, 'b', [1, 4]));
  });
  assert.equal(node('a').params, 16);
  assert.equal(node('b').params, 16);
  assert.equal(r.totals.params, 16);
  assert.equal(r.totals.weightBytes, 64);
  assert.equal(r.byOp.find((o) => o.opType === 'MatMul')!.params, 16);
});

test('weights in Constant nodes count; shape, scale and bound constants do not', () => {
  const { r, node } = run((b, op) => {
    const x = b.input('x', F, [2, 6]);
    const w = constant(b, 'wconst', Tensor.fromNumbers('w', F, [6, 3], fill(18)));
    const y = op('MatMul', [x, w], {}, 'mm', [2, 3]);
    const g = constant(b, 'gconst', Tensor.fromNumbers('g', F, [1], [2]));
    const z = op('Mul', [y, g], {}, 'scale', [2, 3]);
    const shape = constant(b, 'shape', Tensor.fromNumbers('s', DataType.INT64, [2], [1, 6]));
    const flat = op('Reshape', [z, shape], {}, 'flat', [1, 6]);
    const lo = constant(b, 'lo', Tensor.fromNumbers('lo', F, [], [0]));
    const hi = constant(b, 'hi', Tensor.fromNumbers('hi', F, [], [6]));
    b.output(op('Clip', [flat, lo, hi], {}, 'clip', [1, 6]));
    const img = b.input('img', F, [1, 1, 2, 2]);
    const scales = constant(b, 'scales', Tensor.fromNumbers('sc', F, [4], [1, 1, 2, 2]));
    b.output(op('Resize', [img, null, scales], {}, 'resize', [1, 1, 4, 4]));
  });
  assert.equal(node('mm').params, 18);
  assert.equal(node('scale').params, 1);
  assert.equal(node('flat').params, 0);
  assert.equal(node('clip').params, 0);
  assert.equal(node('resize').params, 0);
  // 18 + 1: the int64 shape, the Clip bounds and the Resize scales are not parameters
  assert.equal(r.totals.params, 19);
  assert.equal(r.totals.weightBytes, 76);
  // A Constant node's output is a weight, not an activation
  assert.equal(node('wconst').activationBytes, 0);
  assert.equal(node('wconst').known, true);
});

test('an initializer an old IR also lists as a graph input is still a weight', () => {
  const { r } = run((b, op) => {
    const x = b.input('x', F, [1, 4]);
    const w = b.initializer('w', F, [4, 2], fill(8));
    b.graph.inputs.push(w); // IR 3: every initializer is also a graph input
    b.output(op('MatMul', [x, w], {}, 'mm', [1, 2]));
  });
  assert.equal(r.totals.params, 8);
});

test('quantized weights: integer tensors read by quantized ops count, packed int4 in half a byte', () => {
  const { node, r } = run((b, op) => {
    const q = b.initializer('q', DataType.INT4, [5], [1, 2, 3, 4, 5]);
    const s = b.initializer('s', F, [], [0.1]);
    const deq = op('DequantizeLinear', [q, s], {}, 'deq', [5]);
    const table = b.initializer('table', F, [10, 4], fill(40));
    const idx = b.initializer('idx', DataType.INT32, [3], [1, 2, 3]);
    const e = op('Gather', [table, idx], {}, 'embed', [3, 4]);
    b.output(deq);
    b.output(e);
  });
  // 5 int4 values -> 3 bytes; the float scale 1 element, 4 bytes
  assert.equal(node('deq').params, 6);
  assert.equal(node('deq').weightBytes, 7);
  // Gather: the float table counts, the int32 indices (a non-quantized op) do not
  assert.equal(node('embed').params, 40);
  assert.equal(node('embed').flops, 0);
  assert.equal(r.totals.params, 46);
});

test('QLinearConv and MatMulNBits: the products of their float counterparts', () => {
  const { node } = run((b, op) => {
    const U8 = DataType.UINT8;
    const x = b.input('x', U8, [1, 2, 5, 5]);
    const sc = b.initializer('sc', F, [], [0.1]);
    const zp = b.initializer('zp', U8, [], [128]);
    const w = b.initializer('w', DataType.INT8, [4, 2, 3, 3], fill(72).map(() => 1));
    const wzp = b.initializer('wzp', DataType.INT8, [], [0]);
    b.output(op('QLinearConv', [x, sc, zp, w, sc, wzp, sc, zp], {}, 'qconv', [1, 4, 3, 3], { elemType: U8 }));
    const a = b.input('a', F, [1, 3, 32]);
    const packed = b.initializer('packed', U8, [16, 1, 16], new Array<number>(256).fill(0));
    const scales = b.initializer('scales', F, [16], fill(16));
    b.output(op('MatMulNBits', [a, packed, scales], { K: 32, N: 16, bits: 4, block_size: 32 }, 'nbits', [1, 3, 16], { domain: 'com.microsoft' }));
  });
  // Y [1,4,3,3] = 36 elements, ∏W[1:] = 2·3·3 = 18: 648 MACs
  assert.equal(node('qconv').macs, 648);
  // int8 weights 72 + w zero point 1 + u8 zero point 1 + float scale 1 (the same tensors read twice count once)
  assert.equal(node('qconv').params, 75);
  // Y [1,3,16] = 48 elements, K = 32: 1,536 MACs
  assert.equal(node('nbits').macs, 1_536);
  // packed uint8 blob 256 + scales 16
  assert.equal(node('nbits').params, 272);
});

test('Einsum: the product of all index extents; one operand has no products', () => {
  const { node } = run((b, op) => {
    const a = b.input('a', F, [2, 3, 4]);
    const c = b.input('c', F, [2, 4, 5]);
    b.output(op('Einsum', [a, c], { equation: 'bij,bjk->bik' }, 'bmm', [2, 3, 5]));
    const m = b.input('m', F, [3, 4]);
    b.output(op('Einsum', [m], { equation: 'ij->i' }, 'rowsum', [3]));
  });
  // b=2, i=3, j=4, k=5: 120 MACs
  assert.equal(node('bmm').macs, 120);
  assert.equal(node('rowsum').macs, 0);
  assert.equal(node('rowsum').flops, 12);
});

test('attention: projections plus the QKᵀ and AV products', () => {
  const { node } = run((b, op) => {
    const x = b.input('x', F, [2, 4, 8]);
    const w = b.initializer('w', F, [8, 24], fill(192));
    const bias = b.initializer('bias', F, [24], fill(24));
    b.output(op('Attention', [x, w, bias], { num_heads: 2 }, 'attn', [2, 4, 8], { domain: 'com.microsoft' }));
    const q = b.input('q', F, [1, 5, 16]);
    const k = b.input('k', F, [1, 7, 16]);
    const v = b.input('v', F, [1, 7, 8]);
    b.output(op('MultiHeadAttention', [q, k, v], { num_heads: 4 }, 'mha', [1, 5, 8], { domain: 'com.microsoft' }));
    const q4 = b.input('q4', F, [1, 2, 3, 4]);
    const k4 = b.input('k4', F, [1, 2, 6, 4]);
    const v4 = b.input('v4', F, [1, 2, 6, 5]);
    b.output(op('Attention', [q4, k4, v4], {}, 'onnx_attn', [1, 2, 3, 5]));
  }, 23);
  // B=2, S=4, Hin=8, 3·8 = 24 projected: 2·4·8·24 = 1,536; scores 2·4·4·8 = 256; context 256 -> 2,048
  assert.equal(node('attn').macs, 2_048);
  // 2·2,048 + bias 2·4·24 = 192 + 6 per score (B·N·S·L = 2·2·4·4 = 64) = 384 -> 4,672
  assert.equal(node('attn').flops, 4_672);
  // MHA: N=4, H=16/4=4, Hv=8/4=2, scores 1·4·5·7 = 140: 140·4 + 140·2 = 840
  assert.equal(node('mha').macs, 840);
  // ONNX Attention: scores 1·2·3·6 = 36: 36·4 + 36·5 = 324
  assert.equal(node('onnx_attn').macs, 324);
});

test('per-element, reduction, pooling and normalization FLOPs follow the documented tables', () => {
  const { node } = run((b, op) => {
    const x = b.input('x', F, [2, 3, 4]);
    const s = op('Sigmoid', [x], {}, 'sig', [2, 3, 4]);
    const m = op('Softmax', [s], { axis: -1 }, 'sm', [2, 3, 4]);
    const axes = b.initializer('axes', DataType.INT64, [1], [2]);
    b.output(op('ReduceMean', [m, axes], {}, 'mean', [2, 3, 1]));
    b.output(op('Sum', [x, s, m], {}, 'sum3', [2, 3, 4]));
    const img = b.input('img', F, [1, 8, 9, 9]);
    b.output(op('MaxPool', [img], { kernel_shape: [3, 3], strides: [2, 2] }, 'maxpool', [1, 8, 4, 4]));
    const small = b.input('small', F, [1, 1, 4, 4]);
    b.output(op('AveragePool', [small], { kernel_shape: [2, 2], strides: [2, 2] }, 'avgpool', [1, 1, 2, 2]));
    b.output(op('GlobalAveragePool', [img], {}, 'gap', [1, 8, 1, 1]));
    const bn = b.input('bn', F, [2, 4, 3, 3]);
    const p4 = b.initializer('p4', F, [4], fill(4));
    b.output(op('BatchNormalization', [bn, p4, p4, p4, p4], {}, 'batchnorm', [2, 4, 3, 3]));
    const t = b.input('t', F, [2, 5, 8]);
    const g8 = b.initializer('g8', F, [8], fill(8));
    b.output(op('LayerNormalization', [t, g8, g8], { axis: -1 }, 'layernorm', [2, 5, 8]));
    b.output(op('Resize', [small, null, null, b.initializer('sizes', DataType.INT64, [4], [1, 1, 8, 8])], { mode: 'linear' }, 'bilinear', [1, 1, 8, 8]));
    const tr = op('Transpose', [x], { perm: [2, 1, 0] }, 'transpose', [4, 3, 2]);
    b.output(op('Reshape', [tr, b.initializer('shp', DataType.INT64, [1], [24])], {}, 'reshape', [24]));
  }, 18);
  // 24 elements: Sigmoid 4 each, Softmax 5 each
  assert.equal(node('sig').flops, 96);
  assert.equal(node('sm').flops, 120);
  // ReduceMean: one add per input element (24) + one divide per output element (6)
  assert.equal(node('mean').flops, 30);
  // Sum of 3 operands: 2 adds per output element
  assert.equal(node('sum3').flops, 48);
  // MaxPool: 8·4·4 = 128 outputs × 9 window elements
  assert.equal(node('maxpool').flops, 1_152);
  // AveragePool: 4 outputs × 4 + 4 divides
  assert.equal(node('avgpool').flops, 20);
  // GlobalAveragePool: 8·9·9 = 648 adds + 8 divides
  assert.equal(node('gap').flops, 656);
  // BatchNormalization: 4·72 + 2·4 channels
  assert.equal(node('batchnorm').flops, 296);
  // LayerNormalization with bias: 7·80 + 4·10 rows
  assert.equal(node('layernorm').flops, 600);
  // Resize linear over 2 axes: 3·2·64
  assert.equal(node('bilinear').flops, 384);
  for (const n of ['sig', 'sm', 'mean', 'maxpool', 'batchnorm', 'layernorm']) assert.equal(node(n).macs, 0, n);
  // data movement: known, 0 FLOPs
  assert.equal(node('transpose').flops, 0);
  assert.equal(node('transpose').known, true);
  assert.equal(node('reshape').flops, 0);
});

test('an op without a cost function is unknown, never 0', () => {
  const { r, node } = run((b, op) => {
    const x = b.input('x', F, [4]);
    const y = op('FancyOp', [x], {}, 'fancy', [4], { domain: 'com.example' });
    b.output(op('Relu', [y], {}, 'relu', [4]));
  });
  assert.equal(node('fancy').known, false);
  assert.equal(node('fancy').macs, null);
  assert.equal(node('fancy').flops, null);
  assert.match(node('fancy').note!, /no cost function for com\.example\.FancyOp/);
  assert.deepEqual(r.unknownOps, [{ domain: 'com.example', opType: 'FancyOp', count: 1, nodes: ['fancy'] }]);
  assert.equal(r.totalsIncomplete, true);
  assert.ok(r.warnings.some((w) => w.includes('com.example.FancyOp')), r.warnings.join('\n'));
  assert.equal(r.totals.flops, 4); // the Relu alone
});

test('symbolic dims: MACs are null (not 0) and the warning names the dims to bind', () => {
  const { r, node } = run((b, op) => {
    const x = b.input('x', F, ['batch', 3, 8, 8]);
    const w = b.initializer('w', F, [4, 3, 1, 1], fill(12));
    b.output(op('Conv', [x, w], {}, 'conv', ['batch', 4, 8, 8]));
  });
  assert.equal(node('conv').macs, null);
  assert.equal(node('conv').known, true);
  assert.match(node('conv').note!, /batch/);
  assert.equal(node('conv').params, 12);
  assert.equal(r.totalsIncomplete, true);
  assert.equal(r.unknownOps.length, 0);
  const w = r.warnings.join('\n');
  assert.match(w, /null \(unknown\), not 0/);
  assert.match(w, /--input/);
  assert.match(w, /--dim batch=/);
});

/** A body graph of `layers` MatMuls [1,8]x[8,8] reading the outer x and w. */
function matmulBody(model: Model, name: string, layers: number, x: Value, w: Value): Graph {
  const g = new Graph(name, model.graph, null);
  const gb = new GraphBuilder(g);
  const op = opOf(gb);
  let h = x;
  for (let i = 0; i < layers; i++) h = op('MatMul', [h, w], {}, `${name}_mm${i}`, [1, 8]);
  gb.output(op('Identity', [h], {}, `${name}_out`, [1, 8]));
  return g;
}

test('If: both branches are costed and listed; the totals count the larger one', () => {
  const { r, node } = run((b, op, model) => {
    const c = b.input('c', DataType.BOOL, []);
    const x = b.input('x', F, [1, 8]);
    const w = b.initializer('w', F, [8, 8], fill(64));
    b.output(op('If', [c], { then_branch: matmulBody(model, 'then', 1, x, w), else_branch: matmulBody(model, 'else', 3, x, w) }, 'if', [1, 8]));
  });
  // one MatMul is 1·8·8 = 64 MACs; else has 3
  assert.equal(node('then_mm0').graphPath, 'if/then_branch');
  assert.equal(node('else_mm2').graphPath, 'if/else_branch');
  assert.equal(node('then_mm0').macs, 64);
  assert.equal(node('then_mm0').runs, 0);
  assert.equal(node('else_mm0').runs, 1);
  assert.equal(r.totals.macs, 3 * 64);
  assert.match(node('if').note!, /larger branch, else_branch/);
  // params: the shared weight once, whichever branch reads it
  assert.equal(r.totals.params, 64);
});

test('If with a constant condition counts the branch it selects', () => {
  const { r } = run((b, op, model) => {
    const c = constant(b, 'cond', Tensor.fromNumbers('cond', DataType.BOOL, [], [1]));
    const x = b.input('x', F, [1, 8]);
    const w = b.initializer('w', F, [8, 8], fill(64));
    b.output(op('If', [c], { then_branch: matmulBody(model, 'then', 1, x, w), else_branch: matmulBody(model, 'else', 3, x, w) }, 'if', [1, 8]));
  });
  assert.equal(r.totals.macs, 64);
});

test('Loop: body × a constant trip count; an unknown trip count counts once with a warning', () => {
  const loopBody = (model: Model, name: string, x: Value, w: Value): Graph => {
    const g = new Graph(name, model.graph, null);
    const gb = new GraphBuilder(g);
    gb.input(`${name}_i`, DataType.INT64, []);
    const cond = gb.input(`${name}_cond`, DataType.BOOL, []);
    const op = opOf(gb);
    gb.output(op('Identity', [cond], {}, `${name}_cond_out`, [], { elemType: DataType.BOOL }));
    gb.output(op('MatMul', [x, w], {}, `${name}_mm`, [1, 8]));
    return g;
  };
  const { r, node } = run((b, op, model) => {
    const x = b.input('x', F, [1, 8]);
    const w = b.initializer('w', F, [8, 8], fill(64));
    const m = b.initializer('M', DataType.INT64, [], [5]);
    const [, scan] = b.node('Loop', [m, null], { body: loopBody(model, 'fixed', x, w) }, { name: 'loop5', outputs: 2 });
    b.output(declare(scan, [5, 1, 8]));
    const n = b.input('n', DataType.INT64, []);
    const [, scan2] = b.node('Loop', [n, null], { body: loopBody(model, 'open', x, w) }, { name: 'loopN', outputs: 2 });
    b.output(declare(scan2, ['n', 1, 8]));
  });
  // 64 MACs per iteration: 5·64 + 1·64
  assert.equal(node('fixed_mm').runs, 5);
  assert.equal(node('open_mm').runs, 1);
  assert.equal(r.totals.macs, 6 * 64);
  assert.equal(r.byOp.find((o) => o.opType === 'MatMul')!.macs, 6 * 64);
  assert.ok(r.warnings.some((s) => s.includes("Loop 'loopN'") && s.includes('counted once')), r.warnings.join('\n'));
  assert.equal(r.totalsIncomplete, true);
});

test('Scan: body × scan length', () => {
  const { r, node } = run((b, op, model) => {
    const seq = b.input('seq', F, [7, 1, 8]);
    const w = b.initializer('w', F, [8, 8], fill(64));
    const g = new Graph('body', model.graph, null);
    const gb = new GraphBuilder(g);
    const xt = gb.input('xt', F, [1, 8]);
    gb.output(opOf(gb)('MatMul', [xt, w], {}, 'step', [1, 8]));
    b.output(op('Scan', [seq], { body: g, num_scan_inputs: 1 }, 'scan', [7, 1, 8]));
  });
  assert.equal(node('step').runs, 7);
  assert.equal(r.totals.macs, 7 * 64);
});

test('a call of a model-local function costs what its body costs; the body is listed with runs 0', () => {
  const { r, node } = run((b, op, model) => {
    const body = new Graph('Block', null, null);
    const gb = new GraphBuilder(body);
    const fx = gb.input('fx', F, [1, 8]);
    const fw = gb.initializer('fw', F, [8, 8], fill(64));
    const fo = opOf(gb)('MatMul', [fx, fw], {}, 'inner', [1, 8]);
    gb.output(opOf(gb)('Relu', [fo], {}, 'inner_relu', [1, 8]));
    model.functions.push({
      name: 'Block', domain: 'local', overload: '', inputs: ['fx'], outputs: ['inner_relu_out'], attributeNames: [],
      attributeDefaults: [], body, opsetImports: [{ domain: '', version: 17 }], docString: '', metadata: [],
    });
    model.opsetImports.push({ domain: 'local', version: 1 });
    const x = b.input('x', F, [1, 8]);
    const y = op('Block', [x], {}, 'call1', [1, 8], { domain: 'local' });
    b.output(op('Block', [y], {}, 'call2', [1, 8], { domain: 'local' }));
  });
  // body: MatMul 64 MACs / 128 FLOPs + Relu 8 FLOPs
  assert.equal(node('call1').macs, 64);
  assert.equal(node('call1').flops, 136);
  assert.equal(node('call1').known, true);
  assert.equal(node('inner').graphPath, 'fn:local.Block');
  assert.equal(node('inner').runs, 0);
  assert.equal(r.totals.macs, 128);
  assert.equal(r.totals.params, 64);
  assert.equal(r.unknownOps.length, 0);
});

test('byOp adds up to the totals', () => {
  const { r } = run((b, op) => {
    const x = b.input('x', F, [1, 3, 8, 8]);
    const w = b.initializer('w', F, [4, 3, 3, 3], fill(108));
    const y = op('Conv', [x, w], { pads: [1, 1, 1, 1] }, 'conv', [1, 4, 8, 8]);
    const z = op('Relu', [y], {}, 'relu', [1, 4, 8, 8]);
    b.output(op('GlobalAveragePool', [z], {}, 'gap', [1, 4, 1, 1]));
  });
  const sum = (k: 'macs' | 'flops' | 'params' | 'weightBytes' | 'activationBytes'): number => r.byOp.reduce((s, o) => s + o[k], 0);
  for (const k of ['macs', 'flops', 'params', 'weightBytes', 'activationBytes'] as const) assert.equal(sum(k), r.totals[k], k);
  // Conv 4·8·8·3·9 = 6,912 MACs
  assert.equal(r.totals.macs, 6_912);
  // 2·6,912 + Relu 256 + GAP 256 + 4
  assert.equal(r.totals.flops, 13_824 + 256 + 260);
  assert.equal(r.totalsIncomplete, false);
});

test('a count past 2^53 is unknown with the reason, never a rounded figure that looks exact', () => {
  const { r, node } = run((b, op) => {
    // [2^26, 2^26] × [2^26, 2^26]: 2^78 MACs, far past 2^53
    const a = b.input('a', F, [2 ** 26, 2 ** 26]);
    const c = b.input('c', F, [2 ** 26, 2 ** 26]);
    b.output(op('MatMul', [a, c], {}, 'huge', [2 ** 26, 2 ** 26]));
  });
  assert.equal(node('huge').macs, null);
  assert.equal(node('huge').flops, null);
  assert.match(node('huge').note!, /past 2\^53/);
  // its output is 2^52 floats = 2^54 bytes: not exact either
  assert.equal(node('huge').activationBytes, null);
  assert.equal(r.totalsIncomplete, true);
  assert.equal(r.activationBytesIncomplete, true);
  assert.ok(r.warnings.some((w) => /huge.*past 2\^53/.test(w)), r.warnings.join('\n'));
});
