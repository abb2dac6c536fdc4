// `layerlens optimize` end to end: external data written beside OUT (and referenced under OUT's name),
// no temp files left, typos in --only refused, and a wrong rewrite caught by verification and not
// written (run in-process through registerOptimize with a deliberately wrong rule registered).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerOptimize } from '../../src/cli/commands/optimize';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import { Tensor } from '../../src/core/ir/tensor';
import { readModel } from '../../src/core/onnx/reader';
import { writeModel } from '../../src/core/onnx/writer';
import { addInitializer } from '../../src/core/passes/graph-edit';
import { registerRule, unregisterRule } from '../../src/core/passes';
import type { RewriteRule } from '../../src/core/passes/types';
import { runCli } from '../support/cli';
import { makeInputs, runOrt } from '../support/ort';

const F = DataType.FLOAT;

/** x[2,4] -> MatMul(W kept in weights.bin) -> Identity -> y */
function externalModel(dir: string): string {
  const { model, b } = newModel('ext');
  const x = b.input('x', F, [2, 4]);
  const loc = 'weights.bin';
  const w = new Tensor('W', F, [4, 3], { kind: 'external', ref: { location: loc, offset: 0, length: 48, entries: [['location', loc], ['offset', '0'], ['length', '48']] }, reader: null });
  model.graph.initializers.push(w);
  const wv = model.graph.define('W');
  wv.initializer = w;
  const [m] = b.node('MatMul', [x, wv], {}, { name: 'mm' });
  const [y] = b.node('Identity', [m!], {}, { name: 'id', outputs: ['y'] });
  b.output(y!, F, [2, 3]);
  writeFileSync(join(dir, loc), Buffer.from(Float32Array.from({ length: 12 }, (_, i) => (i - 5) / 4).buffer));
  const path = join(dir, 'in.onnx');
  writeFileSync(path, writeModel(model));
  return path;
}

test('external data: OUT.data is written beside OUT, referenced by its final name; ORT runs the result', async () => {
  const src = mkdtempSync(join(tmpdir(), 'll-ext-'));
  const inPath = externalModel(src);
  const inBytes = readFileSync(inPath);
  const outDir = mkdtempSync(join(tmpdir(), 'll-ext-out-'));
  const out = join(outDir, 'slim.onnx');
  const r = runCli(['optimize', inPath, '-o', out, '--fuse', '--json'], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { applied: { rule: string }[]; verification: { passed: boolean } };
  assert.deepEqual(j.applied.map((a) => a.rule), ['fuse-identity']);
  assert.equal(j.verification.passed, true);
  assert.deepEqual(readdirSync(outDir).sort(), ['slim.onnx', 'slim.onnx.data'], 'no staging folder or temp file left');
  const written = readModel(readFileSync(out));
  const w = written.graph.initializers.find((t) => t.name === 'W')!;
  assert.equal(w.storage.kind === 'external' && w.storage.ref.location, 'slim.onnx.data');
  const feeds = makeInputs([{ name: 'x', elemType: F, shape: [2, 4] }], 5);
  const a = await runOrt(inPath, feeds);
  const b = await runOrt(out, makeInputs([{ name: 'x', elemType: F, shape: [2, 4] }], 5));
  assert.deepEqual(Array.from(b.y!.data as Float32Array), Array.from(a.y!.data as Float32Array));
  assert.deepEqual(readFileSync(inPath), inBytes, 'IN untouched');
  // --in-place would overwrite a data file the .bak still needs only if the names collide: here they do not.
  const inPlace = runCli(['optimize', inPath, '--in-place', '--fuse'], { timeoutMs: 120_000 });
  assert.equal(inPlace.status, 0, inPlace.stderr);
  assert.deepEqual(readFileSync(`${inPath}.bak`), inBytes);
  assert.ok(existsSync(join(src, 'weights.bin')), 'the original data file stays for the .bak');
});

test('--only with a name that is neither a rule nor a node: exit 2 and nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-only-'));
  const inPath = externalModel(dir);
  const out = join(dir, 'o.onnx');
  const r = runCli(['optimize', inPath, '-o', out, '--fuse', '--only', 'fuse-identty']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--only 'fuse-identty': neither a rule id/);
  assert.equal(existsSync(out), false);
});

/** A deliberately wrong "fusion": doubles a MatMul weight. Verification must catch it. */
const wrongRule: RewriteRule = {
  id: 'fuse-test-wrong',
  title: 'A wrong rewrite (tests only)',
  family: 'fuse',
  tolerance: { maxRelError: 1e-4 },
  match: (ctx) => ctx.model.graph.nodes.filter((n) => n.opType === 'MatMul' && n.inputs[1]!.name === 'w').map((n) => ({ anchor: n, nodes: [n], graph: n.graph })),
  check: () => ({ ok: true }),
  rewrite(site) {
    const w = site.anchor.inputs[1]!.constant!;
    site.anchor.setInput(1, addInitializer(site.graph, 'w_doubled', w.dataType, w.dims, Array.from(w.toNumbers(), (v) => 2 * v)));
  },
};

/** Runs the optimize command in this process (its report goes to stdout, between the test lines). */
async function optimizeInProcess(args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  registerOptimize(program);
  try {
    await program.parseAsync(['node', 'layerlens', 'optimize', ...args]);
    return null;
  } catch (e) {
    return e;
  }
}

test('a wrong rewrite fails verification: nothing is written unless --force (registerOptimize in-process)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-wrong-'));
  const { model, b } = newModel('mm');
  const x = b.input('x', F, [3, 4]);
  const [y] = b.node('MatMul', [x, b.initializer('w', F, [4, 2], [1, 2, 3, 4, 5, 6, 7, 8])], {}, { name: 'mm', outputs: ['y'] });
  b.output(y!, F, [3, 2]);
  const inPath = join(dir, 'in.onnx');
  writeFileSync(inPath, writeModel(model));
  const out = join(dir, 'out.onnx');
  registerRule(wrongRule);
  try {
    const error = await optimizeInProcess([inPath, '-o', out, '--fuse', '--only', 'fuse-test-wrong']);
    assert.ok(error instanceof Error, 'the action fails');
    assert.equal(error.name, 'VerificationError');
    assert.match(error.message, /output 'y': max rel error 1\.00e\+0 > 0\.0001.*nothing was written/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir), ['in.onnx'], 'no staging folder left');
    const forced = await optimizeInProcess([inPath, '-o', out, '--fuse', '--only', 'fuse-test-wrong', '--force']);
    assert.equal(forced, null, String(forced));
    const written = readModel(readFileSync(out));
    assert.deepEqual(Array.from(written.graph.nodes[0]!.inputs[1]!.constant!.toNumbers()), [2, 4, 6, 8, 10, 12, 14, 16], '--force wrote the wrong model');
  } finally {
    unregisterRule('fuse-test-wrong');
  }
});
