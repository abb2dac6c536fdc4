// Exactness: dims and counts are JavaScript numbers, exact only as whole numbers below 2^53. An
// absurd graph input is a ShapeError naming it; an absurd inferred output (pads of -2^62, kernel or
// stride 0, an element count past 2^53) is an error naming the node with the dims left unknown, never
// a wrong number; int64 sentinels (INT64_MAX) survive folding exactly; integer arithmetic past 2^53
// is not folded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, UsageError } from '../errors';
import { newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { exactProduct, shapeProblem } from '../ir/dims';
import { isConcrete } from '../ir/shape';
import { Tensor } from '../ir/tensor';
import { inferShapes } from './infer';

const F = DataType.FLOAT;
const I = DataType.INT64;
const INT64_MAX = 9223372036854775807n;

function int64(b: ReturnType<typeof newModel>['b'], name: string, values: bigint[]) {
  const t = new Tensor(name, I, [values.length], { kind: 'int64', values });
  b.graph.initializers.push(t);
  const v = b.graph.define(name);
  v.initializer = t;
  return v;
}

test('an input whose element count passes 2^53 is a ShapeError naming it; bad bindings are usage errors', () => {
  const { model, b } = newModel('big');
  b.input('x', F, [2 ** 40, 2 ** 40, 2 ** 20]);
  assert.throws(() => inferShapes(model), (e: unknown) => e instanceof ShapeError && /input 'x' has shape \[1099511627776,1099511627776,1048576\]: .*past 2\^53/.test(e.message));
  const { model: sym, b: sb } = newModel('sym');
  sb.input('x', F, ['n', 3]);
  assert.throws(() => inferShapes(sym, { dims: { n: -1 } }), UsageError);
  assert.throws(() => inferShapes(sym, { dims: { n: 2 ** 53 } }), UsageError);
  assert.throws(() => inferShapes(sym, { inputs: { x: [0.5, 3] } }), UsageError);
  assert.throws(() => inferShapes(sym, { dims: { n: 2 ** 52 } }), (e: unknown) => e instanceof ShapeError && /past 2\^53/.test(e.message));
});

test('pads of -2^62, a kernel or stride of 0, and an element count past 2^53 are errors naming the node; no figure is built on them', () => {
  const { model, b } = newModel('absurd');
  const x = b.input('x', F, [1, 3, 8, 8]);
  const [p] = b.node('Pad', [x, int64(b, 'pads', [0n, 0n, -(2n ** 62n), 0n, 0n, 0n, 0n, 0n])], {}, { name: 'pad' });
  const [p2] = b.node('Pad', [x, b.initializer('pads2', I, [8], [0, 0, -20, 0, 0, 0, 0, 0])], {}, { name: 'crop' });
  const w = b.initializer('w', F, [4, 3, 3, 3], new Array(108).fill(0.1));
  const [c0] = b.node('Conv', [x, w], { kernel_shape: [3, 3], strides: [0, 1] }, { name: 'stride0' });
  const [c1] = b.node('MaxPool', [x], { kernel_shape: [0, 2] }, { name: 'kernel0' });
  const [c2] = b.node('Conv', [x, w], { kernel_shape: [3, 3], group: 0 }, { name: 'group0' });
  const [c3] = b.node('Conv', [x, w], { kernel_shape: [3, 3], dilations: [5, 1] }, { name: 'toolarge' });
  const [one] = b.node('Reshape', [x, b.initializer('flat', I, [4], [1, 1, 1, 192])]);
  const [e] = b.node('Expand', [one!, b.initializer('sh', I, [4], [2 ** 40, 2 ** 40, 2 ** 20, 1])], {}, { name: 'expand' });
  const r = inferShapes(model);
  const errors = new Map(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.node?.name, d.message]));
  assert.match(errors.get('pad')!, /input 1 'pads' cannot be used as sizes: it holds -4611686018427387904, past 2\^53/);
  assert.match(errors.get('crop')!, /output 'crop_out' would have shape \[1,3,-12,8\]: dim -12 is negative/);
  assert.match(errors.get('stride0')!, /strides \[0,1\]: every value must be a whole number >= 1/);
  assert.match(errors.get('kernel0')!, /kernel_shape \[0,2\]: every value must be a whole number >= 1/);
  assert.match(errors.get('group0')!, /group 0: it must be >= 1/);
  assert.match(errors.get('toolarge')!, /window \(kernel 3, dilation 5\) does not fit the padded input \(8/);
  assert.match(errors.get('expand')!, /would have shape \[1099511627776,1099511627776,1048576,192\]: its 4 dims multiply to .* past 2\^53/);
  // Every dim left is a symbol or an exact whole number: nothing downstream can compute a wrong figure.
  for (const v of [p, p2, c0, c1, c3, e]) {
    const s = r.shapeOf(v!);
    assert.ok(s && !isConcrete(s), `${v!.name}: ${JSON.stringify(s)}`);
    assert.equal(shapeProblem(s), null);
  }
  assert.deepEqual(r.shapeOf(c0!)!.slice(0, 2), [1, 4], 'batch and channels stay known');
  assert.equal(r.shapeOf(c2!)!.length, 4);
});

test('INT64_MAX survives folding exactly (Concat, Gather, Cast) and slices to the end', () => {
  const { model, b } = newModel('sentinel');
  const x = b.input('x', F, [3, 10]);
  const [ends] = b.node('Concat', [int64(b, 'a', [2n]), int64(b, 'm', [INT64_MAX])], { axis: 0 });
  const [c] = b.node('Cast', [ends!], { to: I });
  const [g] = b.node('Gather', [c!, b.initializer('i', I, [1], [1])], { axis: 0 });
  const [s] = b.node('Slice', [x, int64(b, 'st', [0n, 4n]), c!]);
  const [neg] = b.node('Neg', [g!]);
  const [f] = b.node('Cast', [g!], { to: F });
  const r = inferShapes(model);
  assert.deepEqual(r.info(ends!)!.constant!.toBigInts(), [2n, INT64_MAX]);
  assert.deepEqual(r.info(g!)!.constant!.toBigInts(), [INT64_MAX]);
  assert.deepEqual(r.shapeOf(s!), [2, 6]);
  assert.equal(r.info(neg!)?.constant, undefined, 'arithmetic on a sentinel is not folded (ORT wraps around)');
  assert.deepEqual(Array.from(r.info(f!)!.constant!.toNumbers()), [2 ** 63]);
  assert.deepEqual(Tensor.fromNumbers('t', I, [2], [Infinity, -Infinity]).toBigInts(), [INT64_MAX, -INT64_MAX - 1n]);
});

test('integer arithmetic whose result passes 2^53 is not folded; within 2^53 it is', () => {
  const { model, b } = newModel('arith');
  const big = b.initializer('big', I, [1], [2 ** 40]);
  const [sq] = b.node('Mul', [big, big]);
  const [ok] = b.node('Mul', [big, b.initializer('k', I, [1], [4096])]);
  const [p] = b.node('Pow', [b.initializer('two', I, [1], [2]), b.initializer('e', I, [1], [60])]);
  const [q] = b.node('Pow', [b.initializer('three', I, [1], [3]), b.initializer('e2', I, [1], [33])]);
  const r = inferShapes(model);
  assert.equal(r.info(sq!)?.constant, undefined);
  assert.deepEqual(Array.from(r.info(ok!)!.constant!.toNumbers()), [2 ** 52]);
  assert.equal(r.info(p!)?.constant, undefined);
  assert.deepEqual(r.info(q!)!.constant!.toBigInts(), [3n ** 33n]);
});

test('exactProduct: a count is a figure only when exact', () => {
  assert.equal(exactProduct(2 ** 26, 2 ** 26), 2 ** 52);
  assert.equal(exactProduct(2 ** 26, 2 ** 26, 2), null);
  assert.equal(exactProduct(3, -1), null);
  assert.equal(exactProduct(2.5), null);
});
