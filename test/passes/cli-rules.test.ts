// The CLI's use of the rule registry: each flag maps to a registered id (a missing rule is a usage
// error, exit 2), --only splits rule ids from node names, tolerances combine to the loosest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseRules, combined, splitOnly } from '../../src/cli/commands/optimize';
import { createRule, isRegistered, registeredRules, registerRule, RULES, UnknownRuleError, unregisterRule } from '../../src/core/passes';
import { chain } from '../support/rules';

test('registry: fuse rules, quantize/prune factories under the agreed ids, unknown ids are usage errors (exit 2)', () => {
  for (const id of ['quantize-int8-dynamic', 'quantize-int8-static', 'quantize-int4-weight', 'quantize-fp16', 'prune-unstructured', 'prune-channel']) {
    assert.ok(isRegistered(id), id);
  }
  assert.ok(registeredRules('fuse').every((r) => !r.takesOptions));
  assert.equal(createRule('prune-channel', { ratio: 0.25 }).id, 'prune-channel');
  assert.throws(() => createRule('quantize-int3'), (e: unknown) => e instanceof UnknownRuleError && e.exitCode === 2 && /rule 'quantize-int3' is not registered in this build; registered quantize rules: quantize-int8-dynamic/.test(e.message));
  // The CLI maps each flag to its registry id: a missing rule fails before any work, with exit 2.
  const saved = RULES.find((r) => r.id === 'quantize-int8-dynamic')!;
  assert.ok(unregisterRule('quantize-int8-dynamic'));
  try {
    assert.throws(
      () => chooseRules({ quantize: 'int8', pruneMode: 'unstructured', pruneScope: 'layer', blockSize: '32' }),
      (e: unknown) => e instanceof UnknownRuleError && e.exitCode === 2 && /'quantize-int8-dynamic' \(--quantize int8\) is not registered/.test(e.message),
    );
  } finally {
    registerRule(saved);
  }
  assert.equal(chooseRules({ quantize: 'int8', pruneMode: 'unstructured', pruneScope: 'layer', blockSize: '32' })[0]!.id, 'quantize-int8-dynamic');
  assert.equal(chooseRules({ prune: '0.5', pruneMode: 'channel', pruneScope: 'layer', blockSize: '32' })[0]!.id, 'prune-channel');
});

test('CLI helpers: --only splits rule ids from node names and rejects typos; tolerances combine to the loosest', () => {
  const m = chain();
  assert.deepEqual(splitOnly(['fuse-conv-batchnorm', 'conv'], m), { rules: ['fuse-conv-batchnorm'], nodes: ['conv'] });
  assert.throws(() => splitOnly(['fuse-conv-batchnrom'], m), /--only 'fuse-conv-batchnrom': neither a rule id/);
  assert.deepEqual(combined(['fuse-conv-batchnorm', 'fuse-layernorm', 'fuse-conv-batchnorm']), { maxRelError: 1e-3, minCosine: 0.99999 });
  assert.deepEqual(combined(['fuse-conv-batchnorm', 'prune-unstructured']), {}, 'pruning bounds nothing');
});
