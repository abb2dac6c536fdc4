// Hand-derived MAC/FLOP/param counts for each op family, on small models built here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder, newModel } from '../ir/builder';
import { Graph } from '../ir/graph';
import { Tensor } from '../ir/tensor';
import { DataType } from '../ir/data-type';
import { inferShapes } from '../shape';
import { costModel } from './cost-model';

const F = DataType.FLOAT;
const zeros = (n: number): number[] => new Array(n).fill(0.5);

function cost(build: (b: ReturnType<typeof newModel>['b']) => void, opset = 17) {
  const { model, b } = newModel('t', [{ domain: '', version: opset }]);
  build(b);
  const r = costModel(model, inferShapes(model));
  return { r, byName: (name: string) => r.nodes.find((n) => n.name === name)! };
}

test('Conv: N·Cout·Hout·Wout·(Cin/group)·Kh·Kw, plus a bias add per output', () => {
  const { byName } = cost((b) => {
    const x = b.input('x', F, [1, 3, 32, 32]);
    const w = b.initializer('w', F, [16, 3, 3, 3], zeros(432));
    const bias = b.initializer('b', F, [16], zeros(16));
    const [y] = b.node('Conv', [x, w, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'conv' });
    b.output(y!);
  });
  // 1·16·32·32·3·3·3 = 442,368 MACs; FLOPs 2·442,368 + 16·32·32 = 901,120
  assert.equal(byName('conv').macs, 442_368);
  assert.equal(byName('conv').flops, 901_120);
  assert.equal(byName('conv').params, 432 + 16);
});

test('depthwise and grouped Conv divide the input channels by group', () => {
  const { byName } = cost((b) => {
    const x = b.input('x', F, [2, 8, 10, 10]);
    const dw = b.initializer('dw', F, [8, 1, 3, 3], zeros(72));
    const [y] = b.node('Conv', [x, dw], { kernel_shape: [3, 3], group: 8, strides: [2, 2] }, { name: 'dw' });
    const g = b.initializer('g', F, [16, 4, 1, 1], zeros(64));
    const [z] = b.node('Conv', [y!, g], { group: 2 }, { name: 'grouped' });
    b.output(z!);
  });
  // dw: out 4x4 (no pad, stride 2): 2·8·4·4·(8/8)·3·3 = 2,304
  assert.equal(byName('dw').macs, 2_304);
  // grouped: 2·16·4·4·(8/2)·1·1 = 2,048
  assert.equal(byName('grouped').macs, 2_048);
});

test('ConvTranspose: N·Cin·Hin·Win·(Cout/group)·Kh·Kw', () => {
  const { byName } = cost((b) => {
    const x = b.input('x', F, [1, 4, 5, 5]);
    const w = b.initializer('w', F, [4, 2, 3, 3], zeros(72));
    const [y] = b.node('ConvTranspose', [x, w], { strides: [2, 2] }, { name: 'up' });
    b.output(y!);
  });
  // 1·4·5·5·2·3·3 = 1,800 MACs; output 11x11
  assert.equal(byName('up').macs, 1_800);
});

test('Gemm with transB and bias: M·N·K MACs, 2·M·N·K + M·N FLOPs', () => {
  const { byName } = cost((b) => {
    const x = b.input('x', F, [8, 64]);
    const w = b.initializer('w', F, [10, 64], zeros(640));
    const c = b.initializer('c', F, [10], zeros(10));
    const [y] = b.node('Gemm', [x, w, c], { transB: 1 }, { name: 'fc' });
    b.output(y!);
  });
  assert.equal(byName('fc').macs, 8 * 10 * 64);
  assert.equal(byName('fc').flops, 2 * 8 * 10 * 64 + 8 * 10);
});

test('batched MatMul with broadcasting: elements of the output times K', () => {
  const { byName } = cost((b) => {
    const a = b.input('a', F, [3, 1, 4, 5]);
    const m = b.input('m', F, [2, 5, 6]);
    const [y] = b.node('MatMul', [a, m], {}, { name: 'mm' });
    b.output(y!);
  });
  // output [3,2,4,6] = 144 elements, K = 5
  assert.equal(byName('mm').macs, 144 * 5);
});

test('bidirectional LSTM: D·T·B·4·H·(I+H) MACs', () => {
  const { byName } = cost((b) => {
    const x = b.input('x', F, [7, 2, 16]);
    const w = b.initializer('W', F, [2, 4 * 8, 16], zeros(2 * 32 * 16));
    const r = b.initializer('R', F, [2, 4 * 8, 8], zeros(2 * 32 * 8));
    const [y] = b.node('LSTM', [x, w, r], { hidden_size: 8, direction: 'bidirectional' }, { name: 'lstm', outputs: ['y'] });
    b.output(y!);
  });
  // 2·7·2·4·8·(16+8) = 21,504 MACs; FLOPs 2·MACs + D·T·B·H·32 = 43,008 + 7,168
  assert.equal(byName('lstm').macs, 21_504);
  assert.equal(byName('lstm').flops, 43_008 + 2 * 7 * 2 * 8 * 32);
});

test('a weight shared by two nodes counts once in the total', () => {
  const { r } = cost((b) => {
    const x = b.input('x', F, [1, 4]);
    const w = b.initializer('w', F, [4, 4], zeros(16));
    const [h] = b.node('MatMul', [x, w], {}, { name: 'a' });
    const [y] = b.node('MatMul', [h!, w], {}, { name: 'b' });
    b.output(y!);
  });
  assert.equal(r.nodes.find((n) => n.name === 'a')!.params, 16);
  assert.equal(r.nodes.find((n) => n.name === 'b')!.params, 16);
  assert.equal(r.totals.params, 16);
});

test('weights in Constant nodes count; int64 shape constants do not', () => {
  const { r } = cost((b) => {
    const x = b.input('x', F, [2, 6]);
    const [w] = b.node('Constant', [], {}, { name: 'wconst' });
    w!.producer!.attributes = [{ name: 'value', kind: 'tensor', value: fromNums('w', F, [6, 3], zeros(18)) }];
    w!.producer!.constantTensor = fromNums(w!.name, F, [6, 3], zeros(18));
    const [y] = b.node('MatMul', [x, w!], {}, { name: 'mm' });
    const shape = b.initializer('shape', DataType.INT64, [1], [-1]);
    const [z] = b.node('Reshape', [y!, shape], {}, { name: 'flat' });
    b.output(z!);
  });
  assert.equal(r.totals.params, 18);
});

test('an op without a cost function is unknown, never 0', () => {
  const { r, byName } = cost((b) => {
    const x = b.input('x', F, [4]);
    const [y] = b.node('FancyOp', [x], {}, { name: 'fancy', domain: 'com.example' });
    b.output(y!);
  });
  assert.equal(byName('fancy').known, false);
  assert.equal(byName('fancy').macs, null);
  assert.deepEqual(r.unknownOps.map((u) => u.opType), ['FancyOp']);
});

test('elementwise and reduction FLOPs follow the documented table', () => {
  const { byName } = cost((b) => {
    const x = b.input('x', F, [2, 3, 4]);
    const [s] = b.node('Sigmoid', [x], {}, { name: 'sig' });
    const [m] = b.node('Softmax', [s!], { axis: -1 }, { name: 'sm' });
    const axes = b.initializer('axes', DataType.INT64, [1], [2]);
    const [r] = b.node('ReduceMean', [m!, axes], {}, { name: 'mean' });
    b.output(r!);
  }, 18);
  assert.equal(byName('sig').flops, 4 * 24);
  assert.equal(byName('sm').flops, 5 * 24);
  // ReduceMean: one add per input element, one divide per output element ([2,3,1])
  assert.equal(byName('mean').flops, 24 + 6);
});

test('If counts its more expensive branch in the totals', () => {
  const { model, b } = newModel('if', [{ domain: '', version: 17 }]);
  const c = b.input('c', DataType.BOOL, []);
  const x = b.input('x', F, [1, 8]);
  const w = b.initializer('w', F, [8, 8], zeros(64));
  const branch = (name: string, layers: number) => {
    const g = new Graph(name, model.graph, null);
    const gb = new GraphBuilder(g);
    let h = x;
    for (let i = 0; i < layers; i++) [h] = gb.node('MatMul', [h, w], {}, { name: `${name}_mm${i}` }) as [typeof x];
    const [o] = gb.node('Identity', [h], {}, { name: `${name}_out` });
    gb.output(o!);
    return g;
  };
  const [y] = b.node('If', [c], { then_branch: branch('then', 1), else_branch: branch('else', 3) }, { name: 'if' });
  b.output(y!);
  const r = costModel(model, inferShapes(model));
  assert.equal(r.totals.macs, 3 * 64);
});

function fromNums(name: string, t: DataType, dims: number[], v: number[]): Tensor {
  return Tensor.fromNumbers(name, t, dims, v);
}
