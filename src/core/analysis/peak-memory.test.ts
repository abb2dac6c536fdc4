// Peak activation memory on small graphs whose every figure is derived by hand below (float32: 4
// bytes an element; weights never count). Each case names ONNX Runtime's execution order first
// (execution-order.ts, checked against ORT itself in test/budgets/execution-order.test.ts), then the
// live bytes while each node runs and after it. Graph inputs stay live; graph outputs too, once made.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder, newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { Graph, type Value } from '../ir/graph';
import { Tensor } from '../ir/tensor';
import type { Model } from '../ir/model';
import type { Shape } from '../ir/shape';
import { inferShapes } from '../shape';
import type { Bindings } from '../shape/types';
import { ortExecutionOrder } from './execution-order';
import { peakActivationMemory } from './peak-memory';

const F = DataType.FLOAT;

function weight(b: GraphBuilder, name: string, dims: number[]): Value {
  return b.initializer(name, F, dims, new Array<number>(dims.reduce((a, d) => a * d, 1)).fill(0.01));
}

function memory(model: Model, bindings: Bindings = {}) {
  return peakActivationMemory(model, inferShapes(model, bindings));
}

/** [node, liveBytes, afterBytes] per step. */
function steps(m: ReturnType<typeof memory>): [string, number, number][] {
  return m.timeline.map((s) => [s.node, s.liveBytes, s.afterBytes]);
}

test('a chain: each tensor lives from its node to its reader; the peak is the widest neighbouring pair', () => {
  const { model, b } = newModel('chain');
  const x = b.input('x', F, [1, 256]); // 1024 B, live throughout
  const [a] = b.node('MatMul', [x, weight(b, 'w1', [256, 128])], {}, { name: 'm1' }); // [1,128] 512 B
  const [c] = b.node('MatMul', [a!, weight(b, 'w2', [128, 64])], {}, { name: 'm2' }); // [1,64] 256 B
  const [y] = b.node('MatMul', [c!, weight(b, 'w3', [64, 10])], {}, { name: 'm3' }); // [1,10] 40 B
  b.output(y!, F, [1, 10]);
  const m = memory(model);
  // m1: x 1024 + a 512 = 1536, after 1536 | m2: + b 256 = 1792, a freed -> 1280 | m3: + y 40 = 1320, b freed -> 1064
  assert.deepEqual(steps(m), [
    ['m1', 1536, 1536],
    ['m2', 1792, 1280],
    ['m3', 1320, 1064],
  ]);
  assert.equal(m.peakBytes, 1792);
  assert.equal(m.peakNode, 'm2');
  assert.equal(m.lowerBound, false);
  assert.equal(m.inputBytes, 1024);
  assert.deepEqual(m.liveAtPeak, [
    { tensor: 'x', bytes: 1024 },
    { tensor: 'm1_out', bytes: 512 },
    { tensor: 'm2_out', bytes: 256 },
  ]);
});

test('branches with a join: ORT runs the short branch first, which keeps it alive across the long one', () => {
  const { model, b } = newModel('branches');
  const x = b.input('x', F, [1, 64]); // 256 B
  const [a1] = b.node('MatMul', [x, weight(b, 'w1', [64, 1024])], {}, { name: 'A1' }); // [1,1024] 4096 B
  const [a2] = b.node('MatMul', [a1!, weight(b, 'w2', [1024, 16])], {}, { name: 'A2' }); // [1,16] 64 B
  const [bb] = b.node('MatMul', [x, weight(b, 'w3', [64, 512])], {}, { name: 'B' }); // [1,512] 2048 B
  const [c] = b.node('Concat', [a2!, bb!], { axis: 1 }, { name: 'C' }); // [1,528] 2112 B
  b.output(c!, F, [1, 528]);
  // ORT's order: the leaf C's producers are pushed in index order (A2, then B), so B is walked first.
  assert.deepEqual(ortExecutionOrder(model.graph).map((n) => n.displayName), ['B', 'A1', 'A2', 'C']);
  const m = memory(model);
  // B: 256 + 2048 = 2304 | A1: + 4096 = 6400 | A2: + 64 = 6464, A1 freed -> 2368 | C: + 2112 = 4480, A2 and B freed -> 2368
  assert.deepEqual(steps(m), [
    ['B', 2304, 2304],
    ['A1', 6400, 6400],
    ['A2', 6464, 2368],
    ['C', 4480, 2368],
  ]);
  // In file order (A1, A2, B, C) the peak would be 4480 (A1 freed before B exists): the order matters.
  assert.equal(m.peakBytes, 6464);
  assert.equal(m.peakNode, 'A2');
});

test('a residual: the skip tensor stays live until the Add; Relu takes over its dying input in place', () => {
  const { model, b } = newModel('residual');
  const x = b.input('x', F, [1, 256]); // 1024 B
  const [h] = b.node('MatMul', [x, weight(b, 'w0', [256, 256])], {}, { name: 'h' }); // 1024 B
  const [a] = b.node('MatMul', [h!, weight(b, 'w1', [256, 1024])], {}, { name: 'a' }); // 4096 B
  const [r] = b.node('Relu', [a!], {}, { name: 'relu' }); // a's last use, same size: in place
  const [c] = b.node('MatMul', [r!, weight(b, 'w2', [1024, 256])], {}, { name: 'c' }); // 1024 B
  const [y] = b.node('Add', [c!, h!], {}, { name: 'add' }); // 1024 B, graph output
  b.output(y!, F, [1, 256]);
  const m = memory(model);
  // h: 1024 + 1024 = 2048 | a: + 4096 = 6144 | relu: reuses a's buffer, 6144 | c: + 1024 = 7168, relu's buffer freed -> 3072
  // add: + 1024 = 4096, c and h freed -> x + y = 2048. Without the in-place Relu, relu would be 10240.
  assert.deepEqual(steps(m), [
    ['h', 2048, 2048],
    ['a', 6144, 6144],
    ['relu', 6144, 6144],
    ['c', 7168, 3072],
    ['add', 4096, 2048],
  ]);
  const relu = m.timeline.find((s) => s.node === 'relu')!;
  assert.equal(relu.reuse, 'in-place');
  assert.equal(relu.allocatedBytes, 0);
  assert.equal(m.peakBytes, 7168);
  assert.equal(m.peakNode, 'c');
});

test('an aliasing Reshape adds no bytes and keeps its input buffer alive until its own last reader', () => {
  const { model, b } = newModel('alias');
  const x = b.input('x', F, [1, 2, 128]); // 1024 B
  const [a] = b.node('MatMul', [x, weight(b, 'w', [128, 512])], {}, { name: 'a' }); // [1,2,512] 4096 B
  const shape = b.initializer('shape', DataType.INT64, [2], [1, 1024]); // a weight
  const [r] = b.node('Reshape', [a!, shape], {}, { name: 'reshape' }); // alias of a
  const [y] = b.node('MatMul', [r!, weight(b, 'w2', [1024, 4])], {}, { name: 'y' }); // [1,4] 16 B
  b.output(y!, F, [1, 4]);
  const m = memory(model);
  // a: 1024 + 4096 = 5120 | reshape: 0 new, 5120 (a copy would make it 9216) | y: + 16 = 5136, the shared buffer freed -> 1040
  assert.deepEqual(steps(m), [
    ['a', 5120, 5120],
    ['reshape', 5120, 5120],
    ['y', 5136, 1040],
  ]);
  assert.equal(m.timeline[1]!.reuse, 'alias');
  assert.equal(m.peakBytes, 5136);
});

test('a tensor with two readers lives until the later one', () => {
  const { model, b } = newModel('two-readers');
  const x = b.input('x', F, [1, 256]); // 1024 B
  const [a] = b.node('Exp', [x], {}, { name: 'a' }); // 1024 B, read by b and by d
  const [bb] = b.node('MatMul', [a!, weight(b, 'w1', [256, 256])], {}, { name: 'b' }); // 1024 B
  const [c] = b.node('MatMul', [bb!, weight(b, 'w2', [256, 256])], {}, { name: 'c' }); // 1024 B
  const [d] = b.node('Mul', [a!, c!], {}, { name: 'd' }); // 1024 B, graph output
  b.output(d!, F, [1, 256]);
  const m = memory(model);
  // a: 2048 | b: 3072 and a stays (d still reads it) -> 3072 | c: 4096, b freed -> 3072 | d: 4096, a and c freed -> 2048
  assert.deepEqual(steps(m), [
    ['a', 2048, 2048],
    ['b', 3072, 3072],
    ['c', 4096, 3072],
    ['d', 4096, 2048],
  ]);
  assert.equal(m.peakBytes, 4096);
  assert.equal(m.peakNode, 'c');
});

test('no in-place when the input has a later reader, when it is a graph input, or when the result is a graph output', () => {
  const { model, b } = newModel('no-in-place');
  const x = b.input('x', F, [1, 256]); // 1024 B
  const [r0] = b.node('Relu', [x], {}, { name: 'relu_x' }); // reads a graph input (the caller's buffer): new 1024 B
  const [a] = b.node('MatMul', [r0!, weight(b, 'w', [256, 256])], {}, { name: 'a' }); // 1024 B
  const [r1] = b.node('Relu', [a!], {}, { name: 'relu_a' }); // a is read again by the Add: new 1024 B
  const [s] = b.node('Add', [a!, r1!], {}, { name: 'sum' }); // 1024 B
  const [t] = b.node('Sigmoid', [s!], {}, { name: 'sig' }); // sum's last use, but sig is a graph output: new 1024 B
  b.output(t!, F, [1, 256]);
  const m = memory(model);
  // relu_x: 2048, after 2048 | a: 3072, relu_x's output freed -> 2048 | relu_a: 3072 | sum: 4096, a and relu_a freed -> 2048
  // sig: 3072, sum freed -> 2048
  assert.deepEqual(steps(m), [
    ['relu_x', 2048, 2048],
    ['a', 3072, 2048],
    ['relu_a', 3072, 3072],
    ['sum', 4096, 2048],
    ['sig', 3072, 2048],
  ]);
  assert.ok(m.timeline.every((s) => s.reuse === undefined));
});

test('a Reshape that is a graph output gets its own buffer (ORT allocates graph outputs)', () => {
  const { model, b } = newModel('alias-output');
  const x = b.input('x', F, [1, 2, 8]); // 64 B
  const [a] = b.node('Exp', [x], {}, { name: 'a' }); // 64 B
  const [r] = b.node('Reshape', [a!, b.initializer('s', DataType.INT64, [2], [1, 16])], {}, { name: 'r' }); // graph output: 64 B of its own
  b.output(r!, F, [1, 16]);
  const m = memory(model);
  // a: 128 | r: + 64 = 192, a freed -> 128
  assert.deepEqual(steps(m), [
    ['a', 128, 128],
    ['r', 192, 128],
  ]);
  assert.equal(m.timeline[1]!.reuse, undefined);
});

test('unknown sizes: a lower bound that names the tensors, and null (never 0) when nothing is known', () => {
  const build = (): Model => {
    const { model, b } = newModel('symbolic');
    const x = b.input('x', F, ['batch', 16] as Shape);
    const [a] = b.node('MatMul', [x, weight(b, 'w', [16, 8])], {}, { name: 'a' });
    b.output(a!, F, ['batch', 8]);
    return model;
  };
  const unbound = memory(build());
  assert.equal(unbound.peakBytes, null);
  assert.equal(unbound.lowerBound, true);
  assert.equal(unbound.unknown.count, 2);
  assert.match(unbound.unknown.examples.join('\n'), /'x': its shape is \[batch,16\] \(bind its symbolic dims\)/);
  // batch = 2: x 128 B + a 64 B = 192, exact.
  const bound = memory(build(), { dims: { batch: 2 } });
  assert.equal(bound.peakBytes, 192);
  assert.equal(bound.lowerBound, false);

  // Partly known: NonZero's output length is data-dependent; the known part is a lower bound.
  const { model, b } = newModel('partial');
  const x = b.input('x', F, [1, 4]); // 16 B
  const [nz] = b.node('NonZero', [x], {}, { name: 'nz' }); // int64 [2, ?]
  const [y] = b.node('Exp', [x], {}, { name: 'e' }); // 16 B
  b.output(nz!);
  b.output(y!, F, [1, 4]);
  const m = memory(model);
  assert.equal(m.lowerBound, true);
  assert.ok(m.peakBytes !== null && m.peakBytes >= 32, String(m.peakBytes));
  assert.ok(m.timeline.some((s) => s.unknownLive > 0));
});

test("an If adds its larger branch's own tensors while it runs; the branch outputs are the If's, counted once", () => {
  const { model, b } = newModel('if');
  const x = b.input('x', F, [1, 256]); // 1024 B, read by both branches from the outer graph
  const w1 = weight(b, 'w1', [256, 1024]);
  const w2 = weight(b, 'w2', [1024, 256]);
  const [c] = b.node('Constant', [], { value: Tensor.fromNumbers('c', DataType.BOOL, [], [1]) }, { name: 'cond' });
  const branch = (name: string, build: (gb: GraphBuilder) => Value): Graph => {
    const g = new Graph(name, model.graph, null);
    const gb = new GraphBuilder(g);
    gb.output(build(gb), F, [1, 256]);
    return g;
  };
  // then: t1 = x·w1 [1,1024] 4096 B, t2 = t1·w2 [1,256] (the branch output); else: -x (the branch output).
  const thenG = branch('then', (gb) => gb.node('MatMul', [gb.node('MatMul', [x, w1], {}, { name: 't1' })[0]!, w2], {}, { name: 't2' })[0]!);
  const elseG = branch('else', (gb) => gb.node('Neg', [x], {}, { name: 'neg' })[0]!);
  const [y] = b.node('If', [c!], { then_branch: thenG, else_branch: elseG }, { name: 'if' });
  b.output(y!, F, [1, 256]);
  const m = memory(model);
  // then branch: t1 4096 B live while t2 runs (t2 is the If's output, counted outside) -> 4096; else: 0.
  // The If: x 1024 + its output y 1024 + the then branch's 4096 = 6144; after it: x + y = 2048.
  assert.deepEqual(steps(m), [['if', 6144, 2048]]);
  assert.equal(m.peakBytes, 6144);
});
