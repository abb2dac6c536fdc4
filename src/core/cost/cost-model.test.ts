// Hand-derived MAC/FLOP counts of the products (convolutions, matrix products, recurrent and
// attention ops), on small models built here. Every value has a declared shape (derived by hand in the
// comments) and the test-only declaredShapes() adapter reads them, so these tests exercise the cost
// model alone, not shape inference. Parameters and unknowns: cost-rules.test.ts; control flow:
// control-flow.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, fill, run } from './test-util';

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

