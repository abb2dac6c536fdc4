// Budget use: ≤ 1 exactly when verify.ts's failuresOf finds nothing with the budget as tolerance
// (the search and the write path must agree), checked on figures around each bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failuresOf, type OutputComparison } from '../../node/ort/verify';
import { budgetProblem, budgetUse, describeBudget, worstOf, type Budget } from './budget';

const out = (cosine: number, maxAbsError: number, top1: number | null = null, maxRelError = maxAbsError): OutputComparison => ({ name: 'y', cosine, maxAbsError, maxRelError, top1 });

test('use ≤ 1 ⟺ verification passes with the budget as tolerance', () => {
  const budgets: Budget[] = [{ minCosine: 0.999 }, { maxAbsError: 0.01 }, { minCosine: 0.99, maxAbsError: 0.1, minTop1: 0.9 }, { maxRelError: 0.05 }, { minCosine: 1 }];
  const figures = [out(0.9995, 0.005, 1), out(0.999, 0.01, 0.9), out(0.9989, 0.0101, 0.89), out(0.98, 0.2, null, 0.06), out(1, 0, 1), out(0.5, Infinity, 0)];
  for (const b of budgets) {
    for (const f of figures) {
      const passes = failuresOf([f], b).length === 0;
      assert.equal(budgetUse([f], b) <= 1, passes, `${describeBudget(b)} on cosine ${f.cosine}, abs ${f.maxAbsError}, top-1 ${f.top1}`);
    }
  }
  // (1 − 0.9995)/(1 − 0.999) = 0.5; 0.02/0.01 = 2; the worst output counts.
  assert.ok(Math.abs(budgetUse([out(0.9995, 0)], { minCosine: 0.999 }) - 0.5) < 1e-9);
  assert.equal(budgetUse([out(1, 0.005), out(1, 0.02)], { maxAbsError: 0.01 }), 2);
  assert.equal(budgetUse([{ ...out(1, 0), problem: 'missing' }], { minCosine: 0.9 }), Infinity);
  assert.deepEqual(worstOf([out(0.9, 0.1, 1), out(0.95, 0.3, 0.5)]), { cosine: 0.9, maxAbsError: 0.3, maxRelError: 0.3, top1: 0.5 });
});

test('a budget that bounds nothing or is out of range is refused with what to give', () => {
  assert.match(budgetProblem({})!, /bounds nothing/);
  assert.match(budgetProblem({ minCosine: 1.5 })!, /min cosine 1.5: give a number in \(−1, 1\]/);
  assert.match(budgetProblem({ maxAbsError: -1 })!, /≥ 0/);
  assert.match(budgetProblem({ minTop1: 2 })!, /share in \[0, 1\]/);
  assert.equal(budgetProblem({ minCosine: 0.999, maxAbsError: 0.01 }), null);
});
