// The rewrite engine, the rule registry and the shared graph edits: fix-all reaches a fixed point,
// refusals describe the final model, shapes are inferred only when a rule reads them, --only limits
// sites, cloneModel is independent, and an unregistered rule is a usage error (exit 2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseRules, combined, splitOnly } from '../../src/cli/commands/optimize';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Model } from '../../src/core/ir/model';
import { applyAt, contextFor, createRule, isRegistered, listSites, registeredRules, registerRule, RULES, rulesOf, runPass, UnknownRuleError, unregisterRule } from '../../src/core/passes';
import { addInitializer, cloneModel, constantFloat32, soleConsumer, uniqueName } from '../../src/core/passes/graph-edit';

const F = DataType.FLOAT;
const rule = (id: string) => RULES.find((r) => r.id === id)!;

/** x -> Conv -> BN -> Transpose(perm) -> Transpose(inverse) -> Identity -> y, plus a dead Relu. */
function chain(): Model {
  const { model, b } = newModel('chain');
  const x = b.input('x', F, [1, 2, 4, 4]);
  const [c] = b.node('Conv', [x, b.initializer('w', F, [3, 2, 1, 1], [1, 2, 3, 4, 5, 6])], { kernel_shape: [1, 1] }, { name: 'conv' });
  const p = (n: string, v: number[]) => b.initializer(n, F, [3], v);
  const [bn] = b.node('BatchNormalization', [c!, p('g', [1, 2, 3]), p('b', [0, 1, 0]), p('m', [0.5, 0, 0]), p('v', [1, 1, 4])], {}, { name: 'bn' });
  const [t1] = b.node('Transpose', [bn!], { perm: [0, 2, 3, 1] }, { name: 't1' });
  const [t2] = b.node('Transpose', [t1!], { perm: [0, 3, 1, 2] }, { name: 't2' });
  const [y] = b.node('Identity', [t2!], {}, { name: 'id', outputs: ['y'] });
  b.node('Relu', [x], {}, { name: 'dead_relu' });
  b.output(y!, F, [1, 3, 4, 4]);
  return model;
}

test('fix-all reaches a fixed point across rules (BN fold, Transpose pair removal, Identity, dead code)', () => {
  const m = chain();
  const r = runPass(m, rulesOf('fuse-all'));
  assert.deepEqual(m.graph.nodes.map((n) => n.opType), ['Conv']);
  assert.equal(m.graph.outputs[0]!.name, 'y');
  assert.ok(r.modified);
  assert.deepEqual(new Set(r.applied.map((a) => a.rule)), new Set(['fuse-conv-batchnorm', 'fuse-transpose-pair', 'fuse-identity', 'cleanup-dead-code']));
  assert.deepEqual(r.refused, []);
  assert.deepEqual(m.graph.initializers.map((t) => t.name).sort(), ['conv.bias_bnfolded', 'conv.weight_bnfolded'], 'old weights and BN parameters dropped');
  // A second pass finds nothing: the first one ended at a fixed point.
  const again = runPass(m, rulesOf('fuse-all'));
  assert.equal(again.applied.length, 0);
  assert.equal(again.modified, false);
});

test('listSites reports every site with its check; applyAt applies one; shapes are inferred lazily', () => {
  const m = chain();
  const ctx = contextFor(m);
  const sites = listSites([rule('fuse-conv-batchnorm'), rule('cleanup-dead-code')], ctx);
  assert.deepEqual(sites.map((s) => `${s.rule.id}@${s.site.anchor.displayName}:${s.check.ok}`), ['fuse-conv-batchnorm@bn:true', 'cleanup-dead-code@dead_relu:true']);
  assert.equal(ctx.inferences, 0, 'Conv+BN and dead code read no shapes');
  assert.equal(applyAt(sites[0]!.rule, sites[0]!.site, ctx).ok, true);
  assert.equal(m.graph.nodes.some((n) => n.opType === 'BatchNormalization'), false);
  listSites([rule('fuse-transpose-pair')], ctx);
  assert.equal(ctx.inferences, 0, 'Transposes with a perm attribute need no shapes either');
  listSites([rule('fuse-constant-fold'), rule('fuse-constant-fold')], ctx);
  assert.equal(ctx.inferences, 1, 'constant folding reads shapes: inferred once, then reused');
});

test('only= limits a pass to sites involving the named nodes (the conv or the BN both select the fold)', () => {
  const m = chain();
  const r = runPass(m, rulesOf('fuse-all'), { only: ['conv'], keepDeadCode: true });
  assert.deepEqual(r.applied.map((a) => a.rule), ['fuse-conv-batchnorm']);
  assert.ok(m.graph.nodes.some((n) => n.opType === 'Transpose'));
  assert.ok(m.graph.nodes.some((n) => n.displayName === 'dead_relu'), 'keepDeadCode keeps it');
});

test('maxRewrites stops a pass early', () => {
  const m = chain();
  const r = runPass(m, rulesOf('fuse-all'), { maxRewrites: 1 });
  assert.equal(r.applied.length, 1);
});

test('a shared weight is folded into a copy, and the note says so', () => {
  const { model, b } = newModel('shared');
  const x = b.input('x', F, [1, 2, 3, 3]);
  const w = b.initializer('w', F, [2, 2, 1, 1], [1, 2, 3, 4]);
  const [c1] = b.node('Conv', [x, w], { kernel_shape: [1, 1] }, { name: 'c1' });
  const [c2] = b.node('Conv', [x, w], { kernel_shape: [1, 1] }, { name: 'c2' });
  const p = (n: string, v: number[]) => b.initializer(n, F, [2], v);
  const [bn] = b.node('BatchNormalization', [c1!, p('g', [2, 3]), p('b', [1, 1]), p('m', [0, 0]), p('v', [1, 1])], {}, { name: 'bn' });
  b.output(bn!, F, null);
  b.output(c2!, F, null);
  const r = runPass(model, [rule('fuse-conv-batchnorm')]);
  assert.match(r.applied[0]!.note ?? '', /'w' is also read by other nodes: the folded values are a new copy/);
  const c2w = model.graph.nodes.find((n) => n.displayName === 'c2')!.inputs[1]!;
  assert.equal(c2w.name, 'w');
  assert.deepEqual(Array.from(c2w.constant!.toNumbers()), [1, 2, 3, 4], 'the other conv keeps the original weights');
});

test('graph-edit: unique names, cloneModel independence, constantFloat32, soleConsumer', () => {
  const m = chain();
  assert.equal(uniqueName(m.graph, 'w'), 'w_1');
  assert.equal(uniqueName(m.graph, 'fresh'), 'fresh');
  const v = addInitializer(m.graph, 'w', F, [2], [0.5, 1.5]);
  assert.equal(v.name, 'w_1');
  assert.deepEqual(Array.from(constantFloat32(v)!), [0.5, 1.5]);
  assert.equal(constantFloat32(m.graph.inputs[0]!), null, 'a graph input is not constant');
  const copy = cloneModel(m);
  runPass(copy, rulesOf('fuse-all'));
  assert.equal(copy.graph.nodes.length, 1);
  assert.equal(m.graph.nodes.length, 6, 'the original is untouched');
  const conv = m.graph.nodes[0]!;
  assert.equal(soleConsumer(conv.outputs[0]!)?.displayName, 'bn');
  assert.equal(soleConsumer(m.graph.inputs[0]!), null, 'x feeds two nodes');
});

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
