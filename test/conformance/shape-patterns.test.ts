// Shape arithmetic as real exporters emit it (paddle2onnx's constant Split -> Concat -> Pad, torch's
// F.pad and expand/resize/reshape idioms, Shape -> Gather -> Unsqueeze -> Concat -> Reshape, Range,
// Where, Tile, ConstantOfShape ...), built by hand in small models. Every tensor's inferred shape
// must be concrete and equal to the shape ONNX Runtime actually produces, and every value folded
// during inference must hold exactly what ORT computes (shape-oracle.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { DataType } from '../../src/core/ir/data-type';
import { GraphBuilder, newModel } from '../../src/core/ir/builder';
import type { Value } from '../../src/core/ir/graph';
import type { Model } from '../../src/core/ir/model';
import { formatShape, isConcrete } from '../../src/core/ir/shape';
import { Tensor } from '../../src/core/ir/tensor';
import { writeModel } from '../../src/core/onnx/writer';
import { readModel } from '../../src/core/onnx/reader';
import { inferShapes } from '../../src/core/shape';
import type { Bindings } from '../../src/core/shape/types';
import { makeInputs } from '../support/ort';
import { observeShapes, sameValues } from './shape-oracle';

const I64 = DataType.INT64;
const F32 = DataType.FLOAT;
const INT64_MAX = 9223372036854775807n;

/** An int64 initializer stored exactly (bigints, so INT64_MAX stays INT64_MAX). */
function ints(b: GraphBuilder, name: string, values: (number | bigint)[], dims: number[] = [values.length]): Value {
  const t = new Tensor(name, I64, dims, { kind: 'int64', values: values.map((x) => BigInt(x)) });
  b.graph.initializers.push(t);
  const v = b.graph.define(name);
  v.initializer = t;
  return v;
}

function floats(b: GraphBuilder, name: string, dims: number[], fill = 0.5): Value {
  return b.initializer(name, F32, dims, new Array(dims.reduce((a, d) => a * d, 1)).fill(fill));
}

/** Builds, saves and reloads the model (so we infer what ORT reads), then compares every tensor with ORT. */
async function checkAgainstOrt(build: (b: GraphBuilder) => void, opset: number, bindings: Bindings = {}): Promise<number> {
  const { model: built, b } = newModel('pattern', [{ domain: '', version: opset }]);
  build(b);
  const bytes = writeModel(built);
  const model: Model = readModel(bytes);
  const shapes = inferShapes(model, bindings);
  const specs = model.graph.inputs.map((v) => {
    const t = shapes.typeOf(v);
    assert.ok(t?.kind === 'tensor' && isConcrete(t.shape), `input ${v.name} bound`);
    return { name: v.name, elemType: t.elemType, shape: [...t.shape] };
  });
  const observed = await observeShapes(bytes, model, makeInputs(specs));
  assert.ok(observed.length >= model.graph.nodes.length, 'ORT returned every node output');
  let folded = 0;
  for (const o of observed) {
    const got = shapes.shapeOf(o.value);
    assert.deepEqual(got, o.dims, `${o.node}: '${o.value.name}' inferred ${formatShape(got)}, ORT ${formatShape(o.dims)}`);
    const c = shapes.info(o.value)?.constant;
    if (c) {
      folded++;
      assert.ok(sameValues(c, o.data), `${o.node}: folded '${o.value.name}' = ${c.toNumbers().join(',')}, ORT ${Array.from(o.data as ArrayLike<unknown>).join(',')}`);
    }
  }
  assert.ok(folded > 0, 'some shape arithmetic was folded');
  assert.deepEqual(shapes.diagnostics.map((d) => d.message), []);
  return observed.length;
}

for (const opset of [11, 13, 18]) {
  test(`paddle2onnx pads: constant Split -> Concat -> Pad -> Conv (opset ${opset})`, async () => {
    await checkAgainstOrt((b) => {
      const x = b.input('x', F32, [1, 3, 20, 24]);
      const all = ints(b, 'pads_all', [0, 0, 1, 2, 0, 0, 3, 4]);
      const split = opset >= 13 ? [all, ints(b, 'split', [4, 4])] : [all];
      const attrs: Record<string, number | number[]> = opset >= 13 ? { axis: 0 } : { axis: 0, split: [4, 4] };
      const [a, c] = b.node('Split', split, attrs, { outputs: 2 });
      // Halves swapped and concatenated again, as paddle2onnx does when it reorders paddle's pads.
      const [lo, hi] = b.node('Split', [a!], opset >= 18 ? { axis: 0, num_outputs: 2 } : { axis: 0 }, { outputs: 2 });
      const [pads] = b.node('Concat', [lo!, hi!, c!], { axis: 0 });
      const [p] = b.node('Pad', [x, pads!], { mode: 'constant' });
      const [y] = b.node('Conv', [p!, floats(b, 'w', [8, 3, 3, 3])], { kernel_shape: [3, 3], strides: [2, 2] });
      b.output(y!);
    }, opset);
  });
}

/** A ResNet-style network whose stem pads come from paddle2onnx's constant Split -> Concat -> Pad. */
function resnetWithComputedPads(b: GraphBuilder, blocks: number): void {
  const x = b.input('image', F32, [1, 3, 64, 64]);
  const [a, c] = b.node('Split', [ints(b, 'stem_pads', [0, 0, 3, 3, 0, 0, 3, 3]), ints(b, 'halves', [4, 4])], { axis: 0 }, { outputs: 2 });
  const [pads] = b.node('Concat', [a!, c!], { axis: 0 });
  const [padded] = b.node('Pad', [x, pads!]);
  let [h] = b.node('Conv', [padded!, floats(b, 'stem_w', [16, 3, 7, 7], 0.01)], { kernel_shape: [7, 7], strides: [2, 2] });
  [h] = b.node('Relu', [h!]);
  for (let k = 0; k < blocks; k++) {
    const [c1] = b.node('Conv', [h!, floats(b, `w${k}a`, [16, 16, 3, 3], 0.01)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const [r1] = b.node('Relu', [c1!]);
    const [c2] = b.node('Conv', [r1!, floats(b, `w${k}b`, [16, 16, 3, 3], 0.01)], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const [sum] = b.node('Add', [c2!, h!]);
    [h] = b.node('Relu', [sum!]);
  }
  const [g] = b.node('GlobalAveragePool', [h!]);
  const [f] = b.node('Flatten', [g!]);
  const [y] = b.node('Gemm', [f!, floats(b, 'fc', [10, 16], 0.01)], { transB: 1 });
  b.output(y!);
}

test('a ResNet-style model whose stem pads come from a constant Split -> Concat -> Pad: every shape known, as ORT has them, every MAC counted', async () => {
  const n = await checkAgainstOrt((b) => resnetWithComputedPads(b, 18), 13);
  assert.ok(n > 90, `${n} tensors`);
  const { model, b } = newModel('resnet', [{ domain: '', version: 13 }]);
  resnetWithComputedPads(b, 18);
  const { report } = analyzeModel(model);
  assert.equal(report.nodes.filter((r) => r.macs === null).length, 0);
  // By hand: stem 7x7/2 on 70x70 -> 32x32x16 outputs of 3*49 MACs; 36 convs 3x3 16->16 at 32x32; Gemm 16x10.
  assert.equal(report.totals.macs, 32 * 32 * 16 * 3 * 49 + 36 * (32 * 32 * 16 * 16 * 9) + 160);
});

for (const opset of [11, 13, 17]) {
  test(`torch F.pad: ConstantOfShape, Concat, Reshape [-1,2], reversing Slice to INT64_MIN, Transpose, Cast (opset ${opset})`, async () => {
    await checkAgainstOrt((b) => {
      const x = b.input('x', F32, [2, 4, 9, 7]);
      const given = ints(b, 'given', [1, 2, 3, 0]);
      const [zeros] = b.node('ConstantOfShape', [ints(b, 'four', [4])], { value: new Tensor('v', I64, [1], { kind: 'int64', values: [0n] }) });
      const [all] = b.node('Concat', [given, zeros!], { axis: 0 });
      const [pairs] = b.node('Reshape', [all!, ints(b, 'pairs', [-1, 2])]);
      const [rev] = b.node('Slice', [pairs!, ints(b, 's', [-1]), ints(b, 'e', [-INT64_MAX]), ints(b, 'ax', [0]), ints(b, 'st', [-1])]);
      const [tr] = b.node('Transpose', [rev!], { perm: [1, 0] });
      const [flat] = b.node('Reshape', [tr!, ints(b, 'flat', [-1])]);
      const [pads] = b.node('Cast', [flat!], { to: I64 });
      const [p] = b.node('Pad', [x, pads!], { mode: 'reflect' });
      const [y] = b.node('MaxPool', [p!], { kernel_shape: [2, 2], strides: [2, 2] });
      b.output(y!);
    }, opset);
  });
}

test('Shape -> Gather -> Unsqueeze -> Concat -> Reshape -> MatMul, and ReduceProd of a shape slice', async () => {
  await checkAgainstOrt((b) => {
    const x = b.input('x', F32, [3, 8, 5, 4]);
    const [s] = b.node('Shape', [x]);
    const [n] = b.node('Gather', [s!, ints(b, 'zero', [0], [])], { axis: 0 });
    const [n1] = b.node('Unsqueeze', [n!, ints(b, 'axes0', [0])]);
    const [tail] = b.node('Slice', [s!, ints(b, 'one', [1]), ints(b, 'big', [INT64_MAX])]);
    const [prod] = b.node('ReduceProd', [tail!], { keepdims: 1 });
    const [target] = b.node('Concat', [n1!, prod!], { axis: 0 });
    const [r] = b.node('Reshape', [x, target!]);
    const [y] = b.node('MatMul', [r!, floats(b, 'w', [160, 6])]);
    b.output(y!);
  }, 13);
});

test('Range over a dim, Cast, Unsqueeze, Add; Tile by computed repeats; ConstantOfShape of a shape slice', async () => {
  await checkAgainstOrt((b) => {
    const x = b.input('x', F32, [2, 6, 5]);
    const [s] = b.node('Shape', [x]);
    const [len] = b.node('Gather', [s!, ints(b, 'i1', [1], [])], { axis: 0 });
    const [pos] = b.node('Range', [ints(b, 'r0', [0], []), len!, ints(b, 'r1', [1], [])]);
    const [posf] = b.node('Cast', [pos!], { to: F32 });
    const [pos2] = b.node('Unsqueeze', [posf!, ints(b, 'ax1', [1])]);
    const [added] = b.node('Add', [x, pos2!]);
    const [dims01] = b.node('Slice', [s!, ints(b, 's0', [0]), ints(b, 'e2', [2])]);
    const [zeros] = b.node('ConstantOfShape', [dims01!], { value: new Tensor('v', F32, [1], { kind: 'float', values: [1] }) });
    const [z3] = b.node('Unsqueeze', [zeros!, ints(b, 'ax2', [2])]);
    const [reps] = b.node('Concat', [ints(b, 'one1', [1, 1]), ints(b, 'three', [3])], { axis: 0 });
    const [tiled] = b.node('Tile', [added!, reps!]);
    const [y] = b.node('Mul', [tiled!, z3!]);
    b.output(y!);
  }, 13);
});

test('torch expand: Where(Equal(target, -1), ones, target) -> Expand; Div/Mul/Sub on int64 dims -> Resize sizes and Slice ends', async () => {
  await checkAgainstOrt((b) => {
    const x = b.input('x', F32, [1, 4, 1, 6]);
    const [s] = b.node('Shape', [x]);
    const [n] = b.node('Slice', [s!, ints(b, 's0', [0]), ints(b, 'e1', [1])]);
    const [target] = b.node('Concat', [n!, ints(b, 'rest', [-1, 5, -1])], { axis: 0 });
    const [isNeg] = b.node('Equal', [target!, ints(b, 'minus', [-1])]);
    const [ones] = b.node('ConstantOfShape', [ints(b, 'four', [4])], { value: new Tensor('v', I64, [1], { kind: 'int64', values: [1n] }) });
    const [shape] = b.node('Where', [isNeg!, ones!, target!]);
    const [e] = b.node('Expand', [x, shape!]);
    const [es] = b.node('Shape', [e!]);
    const [hw] = b.node('Slice', [es!, ints(b, 's2', [2]), ints(b, 'e4', [4])]);
    const [twice] = b.node('Mul', [hw!, ints(b, 'two', [2])]);
    const [nc] = b.node('Slice', [es!, ints(b, 's0b', [0]), ints(b, 'e2', [2])]);
    const [sizes] = b.node('Concat', [nc!, twice!], { axis: 0 });
    const [up] = b.node('Resize', [e!, null, null, sizes!], { mode: 'nearest' });
    const [w] = b.node('Gather', [es!, ints(b, 'i3', [3], [])], { axis: 0 });
    const [half] = b.node('Div', [w!, ints(b, 'twoS', [2], [])]);
    const [end] = b.node('Sub', [half!, ints(b, 'oneS', [1], [])]);
    const [end1] = b.node('Unsqueeze', [end!, ints(b, 'ax0', [0])]);
    const [y] = b.node('Slice', [up!, ints(b, 'st0', [0]), end1!, ints(b, 'ax3', [3])]);
    b.output(y!);
  }, 13);
});

test('Upsample-style scales: Cast(Mul(shape, 2)) / Cast(shape) -> Concat -> Resize; Squeeze; Min/Max of dims; Not/Less', async () => {
  await checkAgainstOrt((b) => {
    const x = b.input('x', F32, [1, 2, 5, 7]);
    const [s] = b.node('Shape', [x]);
    const [hw] = b.node('Slice', [s!, ints(b, 's2', [2]), ints(b, 'e4', [4])]);
    const [hw2] = b.node('Mul', [hw!, ints(b, 'two', [2])]);
    const [num] = b.node('Cast', [hw2!], { to: F32 });
    const [den] = b.node('Cast', [hw!], { to: F32 });
    const [sc] = b.node('Div', [num!, den!]);
    const [scales] = b.node('Concat', [b.initializer('ones', F32, [2], [1, 1]), sc!], { axis: 0 });
    const [up] = b.node('Resize', [x, b.initializer('roi', F32, [0], []), scales!], { mode: 'nearest' });
    const [us] = b.node('Shape', [up!]);
    const [h] = b.node('Gather', [us!, ints(b, 'i2', [2])], { axis: 0 });
    const [hs] = b.node('Squeeze', [h!, ints(b, 'ax0', [0])]);
    const [capped] = b.node('Min', [hs!, ints(b, 'cap', [8], [])]);
    const [atLeast] = b.node('Max', [capped!, ints(b, 'floor', [3], [])]);
    const [small] = b.node('Less', [atLeast!, ints(b, 'ten', [10], [])]);
    const [notSmall] = b.node('Not', [small!]);
    const [k] = b.node('Where', [notSmall!, ints(b, 'k1', [1], []), atLeast!]);
    const [k1] = b.node('Unsqueeze', [k!, ints(b, 'ax0b', [0])]);
    const [y] = b.node('Slice', [up!, ints(b, 'st', [0]), k1!, ints(b, 'ax2', [2])]);
    b.output(y!);
  }, 13);
});

test('symbolic inputs bound with --input: the same arithmetic folds from the bound dims', async () => {
  await checkAgainstOrt(
    (b) => {
      const x = b.input('x', F32, ['batch', 3, 'h', 'w']);
      const all = ints(b, 'pads_all', [0, 0, 2, 1, 0, 0, 2, 1]);
      const [a, c] = b.node('Split', [all, ints(b, 'split', [4, 4])], { axis: 0 }, { outputs: 2 });
      const [pads] = b.node('Concat', [a!, c!], { axis: 0 });
      const [p] = b.node('Pad', [x, pads!]);
      const [s] = b.node('Shape', [p!]);
      const [hw] = b.node('Slice', [s!, ints(b, 's2', [2]), ints(b, 'e4', [4])]);
      const [half] = b.node('Div', [hw!, ints(b, 'two', [2])]);
      const [nc] = b.node('Slice', [s!, ints(b, 's0', [0]), ints(b, 'e2', [2])]);
      const [sizes] = b.node('Concat', [nc!, half!], { axis: 0 });
      const [y] = b.node('Resize', [p!, null, null, sizes!], { mode: 'linear' });
      b.output(y!);
    },
    13,
    { inputs: { x: [2, 3, 17, 10] } },
  );
});

test('folded values are what ORT computes: INT64_MAX moved through Concat and Gather into Slice ends, float32 rounding of Sum and Div, float Range', async () => {
  await checkAgainstOrt((b) => {
    const x = b.input('x', F32, [3, 10]);
    const [ends] = b.node('Concat', [ints(b, 'three_i', [3]), ints(b, 'max', [INT64_MAX])], { axis: 0 });
    const [s1] = b.node('Slice', [x, ints(b, 'st', [0, 1]), ends!]);
    const [last] = b.node('Gather', [ends!, ints(b, 'i1', [1])], { axis: 0 });
    const [s2] = b.node('Slice', [s1!, ints(b, 'five', [5]), last!, ints(b, 'ax1', [1])]);
    const a = b.initializer('a', F32, [3], [0.1, 0.2, 0.7]);
    const c = b.initializer('c', F32, [3], [0.3, 1e-8, 1 / 3]);
    const d = b.initializer('d', F32, [3], [1e8, 0.6, 0.45]);
    const [sum] = b.node('Sum', [a, c, d]);
    const [q] = b.node('Div', [sum!, b.initializer('three', F32, [], [3])]);
    const [col] = b.node('Unsqueeze', [q!, ints(b, 'ax1b', [1])]);
    const [y] = b.node('Mul', [s2!, col!]);
    const [r] = b.node('Range', [b.initializer('r0', F32, [], [0.1]), b.initializer('r1', F32, [], [1.0]), b.initializer('r2', F32, [], [0.1])]);
    const [n] = b.node('Shape', [r!]);
    b.output(y!);
    b.output(n!);
  }, 13);
});
