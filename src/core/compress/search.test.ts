// The budget search on a model of errors whose combination is known: the chosen set meets the
// budget, is the longest fitting prefix of the gain/use order (then filled), layers over the budget
// alone never enter, and every layer left out has a reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { searchWithinBudget, type SearchLayer } from './search';

const layers: SearchLayer[] = [
  { name: 'a', use: 0.1, gain: 0.4 }, // 4.0 per unit of budget
  { name: 'b', use: 0.2, gain: 0.2 }, // 1.0
  { name: 'c', use: 0.05, gain: 0.1 }, // 2.0
  { name: 'd', use: 1.4, gain: 0.9 }, // over the budget alone
  { name: 'e', use: 0.5, gain: 0.05 }, // 0.1
  { name: 'f', use: 0.3, gain: 0.15 }, // 0.5
];
const useOf = new Map(layers.map((l) => [l.name, l.use]));

test('additive errors: the greedy prefix by gain/use that fits, then a fill; d stays out alone', async () => {
  const runs: string[][] = [];
  const r = await searchWithinBudget(layers, async (names) => {
    runs.push(names);
    const use = names.reduce((a, n) => a + useOf.get(n)!, 0);
    return { use, figures: `use ${use.toFixed(2)}` };
  });
  assert.deepEqual(r.order, ['a', 'c', 'b', 'f', 'e']);
  // a + c + b + f = 0.65 fits, + e = 1.15 does not.
  assert.deepEqual(r.compressed, ['a', 'c', 'b', 'f']);
  assert.ok(r.steps.some((s) => s.passed && s.compressed.join() === 'a,c,b,f'), 'the chosen set was run and passed');
  assert.match(r.kept.find((k) => k.name === 'd')!.reason, /^alone it exceeds the budget \(uses 140 % of it\)/);
  assert.match(r.kept.find((k) => k.name === 'e')!.reason, /with the 4 layer\(s\) compressed before it the model exceeds the budget \(use 1\.15\)/);
  assert.ok(r.steps.length <= 4, `${r.steps.length} runs`);
});

test('errors that compound (super-additive): the binary search shrinks the prediction until the combined model fits', async () => {
  const r = await searchWithinBudget(layers, async (names) => {
    const sum = names.reduce((a, n) => a + useOf.get(n)!, 0);
    const use = sum * (1 + 0.5 * (names.length - 1)); // every extra layer makes the rest worse
    return { use, figures: `use ${use.toFixed(2)}` };
  });
  // a,c: 0.15·1.5 = 0.225; a,c,b: 0.35·2 = 0.7; a,c,b,f: 0.65·2.5 = 1.625.
  assert.deepEqual(r.compressed.slice(0, 3), ['a', 'c', 'b']);
  for (const s of r.steps) assert.equal(s.passed, s.use <= 1);
  const final = r.steps.filter((s) => s.passed).pop()!;
  assert.deepEqual(final.compressed, r.compressed, 'the last passing run is the chosen set');
});

test('errors that cancel (sub-additive): more than predicted fits, found by extending the prefix', async () => {
  const r = await searchWithinBudget(layers, async (names) => {
    const use = names.reduce((a, n) => a + useOf.get(n)!, 0) * 0.7;
    return { use, figures: '' };
  });
  // Σ over a,c,b,f,e = 1.15, · 0.7 = 0.805: all five fit although the prediction stopped at four.
  assert.deepEqual(r.compressed, ['a', 'c', 'b', 'f', 'e']);
});

test('the allowance of runs: layers not tried say so; nothing fits: nothing compressed', async () => {
  const r = await searchWithinBudget(layers, async () => ({ use: 2, figures: 'use 2' }), { maxEvaluations: 2 });
  assert.deepEqual(r.compressed, []);
  assert.ok(r.steps.length <= 2);
  assert.ok(r.kept.some((k) => /not tried: the search stopped after 2 runs/.test(k.reason)));
  assert.equal(r.kept.length, layers.length);
  const none = await searchWithinBudget([], async () => ({ use: 0, figures: '' }));
  assert.deepEqual(none, { compressed: [], kept: [], steps: [], order: [] });
});
