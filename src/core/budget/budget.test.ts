// The budget file and its verdicts: the schema file in the repo is the generated one and a strict
// draft-07 schema; limits parse as written ("300M", "256 KiB"); a bad file is a BudgetFileError that
// names the key; and the rules of evaluate.ts on figures made by hand (exact, lower bound, unknown,
// growth over a baseline, node shares).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { BudgetFileError } from '../errors';
import { evaluateBudget } from './evaluate';
import { parseByteSize, parseCount } from './limits';
import { budgetSchemaFiles } from '../../../scripts/budget-schema-files';
import { BUDGET_SCHEMA } from './schema';
import type { BudgetTarget, ModelFigures, NodeFigures } from './types';
import { parseBudgetFile } from './validate';

const ROOT = join(__dirname, '..', '..', '..');

test('schemas/budget.schema.json and the compiled validator are what npm run gen:budget-schema makes now; the schema is strict draft-07', () => {
  for (const [rel, text] of Object.entries(budgetSchemaFiles())) assert.equal(readFileSync(join(ROOT, rel), 'utf8'), text, `${rel} is out of date: run npm run gen:budget-schema`);
  assert.doesNotThrow(() => new Ajv({ strict: true, strictRequired: false }).compile(BUDGET_SCHEMA));
  // The compiled validator stands alone: ajv (a devDependency) is not needed to run it.
  assert.doesNotMatch(readFileSync(join(ROOT, 'src/core/budget/gen/budget-validator.js'), 'utf8'), /\brequire\(|^import /m);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string; url: string }[] } };
  assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: 'layerlens.budget.json', url: './schemas/budget.schema.json' }]);
});

test('limits as people write them', () => {
  assert.equal(parseCount('300M'), 300e6);
  assert.equal(parseCount(' 1.5 G '), 1.5e9);
  assert.equal(parseCount('25k'), 25_000);
  assert.equal(parseCount(42), 42);
  assert.equal(parseCount('3 apples'), null);
  assert.equal(parseByteSize('256 KiB'), 262_144);
  assert.equal(parseByteSize('2MiB'), 2 * 1024 * 1024);
  assert.equal(parseByteSize('1.5 MB'), 1_500_000);
  assert.equal(parseByteSize('512'), 512);
  assert.equal(parseByteSize('2 MiBs'), null);
});

test('a bad budget file names the key and what was expected', () => {
  const bad = (text: string): BudgetFileError => {
    try {
      parseBudgetFile(text, 'b.json');
    } catch (e) {
      assert.ok(e instanceof BudgetFileError);
      assert.equal(e.exitCode, 2);
      return e;
    }
    assert.fail(`accepted: ${text}`);
  };
  const unknownKey = bad('{"models":[{"files":"a.onnx","budgets":{"macz":1}}]}');
  assert.equal(unknownKey.at, 'models[0].budgets.macz');
  assert.match(unknownKey.message, /unknown key 'macz' in models\[0\]\.budgets; expected one of: macs, flops, params, weightBytes, fileBytes, peakActivationBytes, latencyMs/);
  const wrongType = bad('{"models":[{"files":"a.onnx","budgets":{"weightBytes":"2 MiBs"}}]}');
  assert.equal(wrongType.at, 'models[0].budgets.weightBytes');
  assert.match(wrongType.message, /expected a size in bytes: .* \(got "2 MiBs"\)/);
  assert.match(bad('{"models":[{"files":"a.onnx"}]}').message, /models\[0\] lacks one of the keys 'budgets', 'nodeBudgets'/);
  assert.match(bad('{"models":[{"budgets":{"macs":1}}]}').message, /models\[0\] lacks the key 'files'/);
  assert.match(bad('{"models": [').message, /b\.json is not valid JSON/);
  assert.match(bad('{"models":[{"files":"a.onnx","nodeBudgets":{"activationBytes":{"maxSharePercent":3}}}]}').message, /unknown key 'maxSharePercent' in models\[0\]\.nodeBudgets\.activationBytes; expected one of: max/);
});

test('a good file normalizes: globs as a list, limits in the metric unit', () => {
  const b = parseBudgetFile(
    JSON.stringify({ onUnknown: 'warning', models: [{ files: 'models\\*.onnx', dims: { batch: 1 }, budgets: { macs: '300M', peakActivationBytes: { max: '256 KiB', maxIncreasePercent: 5 } }, nodeBudgets: { latencyMs: { maxSharePercent: 30 } } }] }),
    'b.json',
  );
  assert.equal(b.onUnknown, 'warning');
  const t = b.targets[0]!;
  assert.deepEqual(t.files, ['models/*.onnx']);
  assert.deepEqual(t.model, { macs: { max: 300e6 }, peakActivationBytes: { max: 262_144, maxIncreasePercent: 5 } });
  assert.deepEqual(t.nodes, { latencyMs: { maxSharePercent: 30 } });
  assert.deepEqual(t.bindings, { inputs: {}, dims: { batch: 1 } });
});

function target(model: BudgetTarget['model'], nodes: BudgetTarget['nodes'] = {}): BudgetTarget {
  return { where: 'models[0]', name: 't', files: ['*.onnx'], bindings: {}, model, nodes, latency: {} };
}

function node(name: string, macs: number | null, runs = 1, extra: Partial<NodeFigures> = {}): NodeFigures {
  return { name, graph: '', opType: 'Conv', runs, macs, flops: macs === null ? null : 2 * macs, params: 0, weightBytes: 0, activationBytes: 1024, ...extra };
}

function figures(macs: number | null, lowerBound: boolean, nodes: NodeFigures[] = []): ModelFigures {
  const f = { value: macs, lowerBound, ...(lowerBound ? { why: '1 node has no cost function' } : {}) };
  const exact = (v: number) => ({ value: v, lowerBound: false });
  return { macs: f, flops: f, params: exact(100), weightBytes: exact(400), fileBytes: exact(1000), peakActivationBytes: exact(4096), nodes };
}

test('max: exact figures pass or fail; a lower bound fails only above the limit; unknown cannot be verified', () => {
  const t = target({ macs: { max: 1000 } });
  const [pass] = evaluateBudget(t, figures(1000, false));
  assert.equal(pass!.status, 'pass'); // equal to the limit is within it
  const [fail] = evaluateBudget(t, figures(1200, false));
  assert.equal(fail!.status, 'fail');
  assert.match(fail!.message, /MACs 1\.20 kMACs exceeds the budget of 1\.00 kMACs \(models\[0\]\) by 20\.0 %/);
  const [lowFail] = evaluateBudget(t, figures(1500, true));
  assert.equal(lowFail!.status, 'fail'); // at least 1500 > 1000: certainly over
  assert.match(lowFail!.message, /at least 1\.50 kMACs exceeds/);
  const [lowWithin] = evaluateBudget(t, figures(800, true));
  assert.equal(lowWithin!.status, 'unknown'); // at least 800: could be over
  assert.match(lowWithin!.message, /within the budget .* only as far as known: 1 node has no cost function/);
  const [unknown] = evaluateBudget(t, figures(null, true));
  assert.equal(unknown!.status, 'unknown');
  assert.equal(unknown!.actual, null);
});

test('increase over a baseline: percent of the baseline, exact figures only, growth from 0 is infinite', () => {
  const t = target({ macs: { maxIncreasePercent: 5 } });
  const c = (now: number, base: number, lb = false) => evaluateBudget(t, figures(now, lb), { baseline: figures(base, false) })[0]!;
  assert.equal(c(22_000 * 1.05, 22_000).status, 'pass'); // +5.0 % exactly
  const grew = c(24_200, 22_000); // +10 %
  assert.equal(grew.status, 'fail');
  assert.ok(Math.abs(grew.increasePercent! - 10) < 1e-9);
  assert.match(grew.message, /grew more than the budget of \+5 % over the baseline \(models\[0\]\): 22\.00 kMACs → 24\.20 kMACs, \+10\.0 %/);
  assert.equal(c(20_000, 22_000).status, 'pass'); // shrinking is fine
  assert.equal(c(10, 0).increasePercent, Infinity);
  assert.equal(c(10, 0).status, 'fail');
  assert.equal(c(24_200, 22_000, true).status, 'unknown');
  // No baseline figures (the editor without a "baseline"): the increase limit is not evaluated.
  assert.deepEqual(evaluateBudget(t, figures(1, false)), []);
});

test('node limits: each offending node once, a node share counts its runs, unknown nodes grouped', () => {
  const nodes = [node('a', 600), node('b', 300), node('c', 100), node('loop_body', 50, 0)];
  const t = target({}, { macs: { maxSharePercent: 50, max: 400 } });
  const checks = evaluateBudget(t, figures(1000, false, nodes));
  const share = checks.filter((c) => c.ruleId === 'node-macs-share');
  assert.deepEqual(share.map((c) => [c.node?.name, c.status, c.sharePercent]), [['a', 'fail', 60]]);
  const max = checks.filter((c) => c.ruleId === 'node-macs');
  assert.deepEqual(max.map((c) => [c.node?.name, c.status]), [['a', 'fail']]);
  // A node inside a Loop run 4 times holds 4 × its figure of the total.
  const looped = evaluateBudget(target({}, { macs: { maxSharePercent: 50 } }), figures(1000, false, [node('body', 200, 4), node('rest', 200)]));
  assert.deepEqual(looped.map((c) => [c.node?.name, c.sharePercent]), [['body', 80]]);
  // Unknown node figures are one unknown check; the others still pass.
  const some = evaluateBudget(target({}, { macs: { max: 10_000 } }), figures(1000, true, [node('x', null), node('y', null), node('z', 5)]));
  assert.deepEqual(some.map((c) => c.status), ['unknown']);
  assert.match(some[0]!.message, /2 node\(s\) have unknown MACs .* \(e\.g\. Conv 'x', Conv 'y'\)/);
  // Shares of a total that is only a lower bound cannot be verified.
  const lb = evaluateBudget(target({}, { macs: { maxSharePercent: 50 } }), figures(1000, true, nodes));
  assert.deepEqual(lb.map((c) => c.status), ['unknown']);
  // Every node within: one pass.
  const ok = evaluateBudget(target({}, { macs: { maxSharePercent: 70 } }), figures(1000, false, nodes));
  assert.deepEqual(ok.map((c) => [c.status, c.node]), [['pass', undefined]]);
});

test('latency: node shares of the measured node times; skipped when not measured', () => {
  const nodes = [node('a', 1, 1, { latencyMs: 3 }), node('b', 1, 1, { latencyMs: 1 })];
  const f: ModelFigures = { ...figures(2, false, nodes), latencyMs: { value: 4.5, lowerBound: false } };
  const t = target({ latencyMs: { max: 5 } }, { latencyMs: { maxSharePercent: 70 } });
  const checks = evaluateBudget(t, f);
  assert.deepEqual(checks.map((c) => [c.ruleId, c.status, c.node?.name]), [['model-latencyMs', 'pass', undefined], ['node-latencyMs-share', 'fail', 'a']]);
  assert.equal(checks[1]!.sharePercent, 75); // 3 of 4 ms attributed to nodes
  assert.deepEqual(evaluateBudget(t, f, { skipLatency: true }), []);
});
