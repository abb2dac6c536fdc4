// Bounded folding: hostile models that used to exhaust the heap (a broadcast Sum of three small
// initializers to 10^9 elements; a Concat of one initializer 20,000 times; a long chain of folds)
// are analysed with their shapes known, their values not materialised, and the folding work held to
// the budget, with one warning naming the node where it ran out. The limits can be raised per analysis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import type { Value } from '../ir/graph';
import type { Model } from '../ir/model';
import { UsageError } from '../errors';
import { inferShapes } from './infer';
import { FOLD_LIMITS, FOLD_LIMIT_CAPS, resolveFoldLimits } from './limits';

const F = DataType.FLOAT;
const I = DataType.INT64;

test('a broadcast Sum of [1000,1,1], [1,1000,1], [1,1,1000] ones: shape known, nothing folded, no budget spent on it', () => {
  const { model, b } = newModel('sum');
  const a = b.initializer('a', F, [1000, 1, 1], new Array(1000).fill(1));
  const c = b.initializer('c', F, [1, 1000, 1], new Array(1000).fill(1));
  const d = b.initializer('d', F, [1, 1, 1000], new Array(1000).fill(1));
  const [s] = b.node('Sum', [a, c, d]);
  const r = inferShapes(model);
  assert.deepEqual(r.shapeOf(s!), [1000, 1000, 1000]);
  assert.equal(r.info(s!)?.constant, undefined);
  assert.equal(r.folding!.elements, 0, 'the result was sized before anything was read');
  assert.deepEqual(r.diagnostics, []);
});

test('Concat of one [4096] initializer 20,000 times (float and int64): shape [81920000], not folded', () => {
  for (const t of [F, I]) {
    const { model, b } = newModel('concat');
    const a = b.initializer('a', t, [4096], new Array(4096).fill(1));
    const [s] = b.node('Concat', new Array(20000).fill(a), { axis: 0 });
    const r = inferShapes(model);
    assert.deepEqual(r.shapeOf(s!), [81920000]);
    assert.equal(r.info(s!)?.constant, undefined);
    assert.ok(r.folding!.elements <= FOLD_LIMITS.maxValueElements, `${r.folding!.elements} elements folded`);
  }
});

test('Gather, Tile, Range and ConstantOfShape asking for huge values: shapes known, values not materialised', () => {
  const { model, b } = newModel('big');
  const a = b.initializer('a', I, [4096], new Array(4096).fill(1));
  const [e] = b.node('Expand', [b.initializer('idx', I, [4096, 1], new Array(4096).fill(3)), b.initializer('sh', I, [2], [4096, 4096])]);
  const [g] = b.node('Gather', [a, e!], { axis: 0 });
  const [t] = b.node('Tile', [a, b.initializer('reps', I, [1], [1 << 20])]);
  const [rg] = b.node('Range', [b.initializer('r0', I, [], [0]), b.initializer('r1', I, [], [1e9]), b.initializer('r2', I, [], [1])]);
  const [c] = b.node('ConstantOfShape', [b.initializer('big', I, [2], [1e6, 1e6])]);
  const r = inferShapes(model);
  assert.deepEqual(r.shapeOf(g!), [4096, 4096]);
  assert.deepEqual(r.shapeOf(t!), [4096 * (1 << 20)]);
  assert.deepEqual(r.shapeOf(rg!), [1e9]);
  assert.deepEqual(r.shapeOf(c!), [1e6, 1e6]);
  for (const v of [e, g, t, rg, c]) assert.equal(r.info(v!)?.constant, undefined);
  assert.ok(r.folding!.elements < 20_000, `${r.folding!.elements} elements folded`);
});

/** n chained Adds of [4096] int64 constants, then a Reshape of the last by a constant target. */
function chain(n: number): { model: Model; outs: Value[]; reshaped: Value } {
  const { model, b } = newModel('chain');
  let v = b.initializer('a', I, [4096], new Array(4096).fill(1));
  const one = b.initializer('one', I, [4096], new Array(4096).fill(1));
  const outs: Value[] = [];
  for (let i = 0; i < n; i++) {
    v = b.node('Add', [v, one], {}, { name: `n${i}` })[0]!;
    outs.push(v);
  }
  const reshaped = b.node('Reshape', [v, b.initializer('target', I, [2], [64, 64])])[0]!;
  return { model, outs, reshaped };
}

test('1,000 chained folds stop at the budget with one warning naming the node; shapes stay known', () => {
  const { model, outs, reshaped } = chain(1000);
  const r = inferShapes(model);
  assert.ok(r.folding!.elements <= FOLD_LIMITS.budgetElements);
  const stop = r.folding!.stoppedAt!;
  assert.ok(stop, 'the budget ran out');
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.node, stop);
  assert.match(warnings[0]!.message, /constant folding stopped at this node.*budget of 4194304.*budgetElements/);
  const k = outs.findIndex((v) => v!.producer === stop);
  assert.ok(k > 100, `folding went on for ${k} nodes`);
  assert.deepEqual(Array.from(r.info(outs[k - 1]!)!.constant!.toNumbers().slice(0, 2)), [k + 1, k + 1], 'values before it are right');
  assert.equal(r.info(outs[k]!)?.constant, undefined);
  assert.ok(outs.every((v) => r.shapeOf(v)?.[0] === 4096));
  assert.deepEqual(r.shapeOf(reshaped), [64, 64], 'a constant Reshape target is still read after folding stopped');
});

test('raising the budget for one analysis folds the whole chain; lowering the value limit folds nothing', () => {
  const { model, outs } = chain(400);
  const raised = inferShapes(model, { foldLimits: { budgetElements: 8_000_000 } });
  assert.equal(raised.folding!.stoppedAt, null);
  assert.equal(raised.info(outs[399]!)!.constant!.toNumbers()[0], 401);
  const lowered = inferShapes(model, { foldLimits: { maxValueElements: 1024 } });
  assert.equal(lowered.info(outs[0]!)?.constant, undefined);
  assert.equal(lowered.folding!.elements, 0);
});

test('fold limits out of range are usage errors that say the range', () => {
  assert.throws(() => resolveFoldLimits({ budgetElements: -1 }), (e: unknown) => e instanceof UsageError && /from 0 to 134217728/.test(e.message));
  assert.throws(() => resolveFoldLimits({ maxValueElements: FOLD_LIMIT_CAPS.maxValueElements + 1 }), UsageError);
  assert.throws(() => resolveFoldLimits({ maxValueElements: 1.5 }), UsageError);
  assert.deepEqual(resolveFoldLimits({ maxValueElements: 10 }), { maxValueElements: 10, budgetElements: FOLD_LIMITS.budgetElements });
});
