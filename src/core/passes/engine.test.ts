// The rewrite engine: fix-all reaches a fixed point, refusals describe the final model, shapes are
// inferred only when a rule reads them, only= limits sites, maxRewrites stops early, notes reach the result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../ir/builder';
import { applyAt, contextFor, listSites, rulesOf, runPass } from './index';
import { chain, rule } from '../../../test/support/rules';
import { DataType } from '../ir/data-type';

const F = DataType.FLOAT;

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

test('listing the sites of a design whose weights are declared without data never throws: a check that cannot read them is a refusal', () => {
  // The text view of a binary model prints weights as declarations (type and shape, no data); a text
  // view the server parses itself then holds 'declared' tensors, which rules that read values refuse.
  const { model, b } = newModel('design', [{ domain: '', version: 17 }]);
  const x = b.input('x', F, [1, 64]);
  const w = b.initializer('w', F, [64, 64], new Array<number>(4096).fill(0.5));
  w.initializer!.storage = { kind: 'declared' };
  b.output(b.node('MatMul', [x, w], {}, { name: 'mm' })[0]!, F, [1, 64]);
  // Low-rank factorization's check takes the SVD of the weight: here it cannot read it.
  const sites = listSites([rule('decompose-low-rank')], contextFor(model));
  assert.equal(sites.length, 1);
  assert.equal(sites[0]!.check.ok, false);
  assert.match((sites[0]!.check as { reason: string }).reason, /declared by type and shape only/);
});
