// The cost model's rules beyond products, by hand-derived counts on small models built here: which
// tensors are parameters, the per-element/reduction/pooling tables, unknown ops and unbound dims
// (never 0).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataType } from '../ir/data-type';
import { Tensor } from '../ir/tensor';
import { constant, F, fill, run } from './test-util';

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

