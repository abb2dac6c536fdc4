// `layerlens optimize` end to end: external data written beside OUT (and referenced under OUT's name),
// no temp files left, typos in --only refused, a wrong rewrite caught by verification and not
// written (run in-process through registerOptimize with a deliberately wrong rule registered), no
// write over a file the input reads (its data, through links, in place), and kill -9 mid-write.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerOptimize } from '../../src/cli/commands/optimize';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import { readModel } from '../../src/core/onnx/reader';
import { writeModel } from '../../src/core/onnx/writer';
import { addInitializer } from '../../src/core/passes/graph-edit';
import { registerRule, unregisterRule } from '../../src/core/passes';
import type { RewriteRule } from '../../src/core/passes/types';
import { runCli } from '../support/cli';
import { bigExternalModel, externalModel, outputOf } from '../support/external-model';
import { ROOT } from '../support/models';
import { makeInputs, runOrt } from '../support/ort';

const F = DataType.FLOAT;

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

test("-o B where the input keeps its weights in B.data: refused (exit 2), the input's data byte-identical and its outputs unchanged", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-clash-'));
  // a.onnx reads W at offset 64 of b.onnx.data: a result written there (W at 0) would change what a.onnx computes.
  const a = externalModel(dir, { name: 'a.onnx', location: 'b.onnx.data', prefix: 64 });
  const data = readFileSync(join(dir, 'b.onnx.data'));
  const before = await outputOf(a);
  const r = runCli(['optimize', a, '-o', join(dir, 'b.onnx'), '--fuse'], { timeoutMs: 120_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^WriteConflictError: .*b\.onnx\.data would be replaced by the result's external data, but .*a\.onnx reads it .*choose another name for the result\n$/);
  assert.deepEqual(readFileSync(join(dir, 'b.onnx.data')), data, 'b.onnx.data byte-identical');
  assert.deepEqual(await outputOf(a), before);
  assert.deepEqual(readdirSync(dir).sort(), ['a.onnx', 'b.onnx.data'], 'nothing written, no candidate left');

  // The same clash through a link: a.onnx reads w.bin, a link to c.onnx.data.
  const dir2 = mkdtempSync(join(tmpdir(), 'll-clash-link-'));
  const a2 = externalModel(dir2, { name: 'a.onnx', location: 'c.onnx.data', prefix: 64 });
  const m = readModel(readFileSync(a2));
  const w = m.graph.initializers[0]!;
  if (w.storage.kind !== 'external') throw new Error('external expected');
  w.storage.ref.location = 'w.bin';
  w.storage.ref.entries = [['location', 'w.bin'], ['offset', '64'], ['length', '48']];
  writeFileSync(a2, writeModel(m));
  symlinkSync('c.onnx.data', join(dir2, 'w.bin'));
  const r2 = runCli(['optimize', a2, '-o', join(dir2, 'c.onnx'), '--fuse'], { timeoutMs: 120_000 });
  assert.equal(r2.status, 2, r2.stderr);
  assert.match(r2.stderr, /c\.onnx\.data would be replaced/);
  assert.deepEqual(await outputOf(a2), before);

  // --in-place on a model whose own weights are IN.data: refused, nothing changes.
  const own = externalModel(mkdtempSync(join(tmpdir(), 'll-clash-own-')), { name: 'own.onnx', location: 'own.onnx.data' });
  const ownBytes = readFileSync(own);
  const r3 = runCli(['optimize', own, '--in-place', '--fuse'], { timeoutMs: 120_000 });
  assert.equal(r3.status, 2, r3.stderr);
  assert.match(r3.stderr, /own\.onnx\.data would be replaced by the result's external data, but .*own\.onnx \(kept as own\.onnx\.bak\) reads it .*write the result to a new file instead/);
  assert.deepEqual(readFileSync(own), ownBytes);
  assert.equal(existsSync(`${own}.bak`), false);
});

/** Private files the write path leaves beside OUT while it works (or after a kill). */
const privateFiles = (dir: string): string[] => readdirSync(dir).filter((f) => /^\.out\.onnx\.(candidate|tmp)-/.test(f));

test('kill -9 while writing: nothing half-written under OUT, the input untouched, and the next run removes the leftovers', async (t) => {
  const src = mkdtempSync(join(tmpdir(), 'll-kill-src-'));
  const inPath = bigExternalModel(src, 4096); // 64 MiB of weights: the write takes a while
  const inSize = statSync(`${inPath}.data`).size;
  const inModel = readFileSync(inPath);
  const dir = mkdtempSync(join(tmpdir(), 'll-kill-'));
  t.after(() => [src, dir].forEach((d) => rmSync(d, { recursive: true, force: true }))); // 64 MiB each
  const out = join(dir, 'out.onnx');
  let killedMidWrite = 0;
  for (let trial = 0; trial < 4 && killedMidWrite < 2; trial++) {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'optimize', inPath, '-o', out, '--fuse', '--no-verify'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // Kill as soon as the candidate's data file appears (it is written first).
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && child.exitCode === null; ) {
      if (privateFiles(dir).some((f) => f.endsWith('.data'))) break;
      await new Promise((r) => setImmediate(r));
    }
    child.kill('SIGKILL');
    await exited;
    const partial = privateFiles(dir).filter((f) => f.endsWith('.data') && statSync(join(dir, f)).size < inSize);
    if (partial.length > 0) killedMidWrite++;
    // Whatever the moment: OUT is absent or complete (its weights whole, its data named after it).
    if (existsSync(out)) {
      const w = readModel(readFileSync(out)).graph.initializers[0]!;
      assert.equal(w.storage.kind === 'external' && w.storage.ref.location, 'out.onnx.data');
      assert.equal(statSync(`${out}.data`).size, inSize);
    }
    assert.deepEqual(readFileSync(inPath), inModel, 'IN untouched');
    assert.equal(statSync(`${inPath}.data`).size, inSize);
  }
  assert.ok(killedMidWrite > 0, 'at least one kill landed while the candidate was being written (a partial data file left under its private name)');
  // The next run to this folder removes the dead run's files and writes OUT whole.
  const next = runCli(['optimize', inPath, '-o', out, '--fuse', '--no-verify'], { timeoutMs: 120_000 });
  assert.equal(next.status, 0, next.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['out.onnx', 'out.onnx.data']);
  assert.equal(statSync(`${out}.data`).size, inSize);
});

test('Ctrl-C (SIGINT) during verification: exit 130 and the candidate is deleted at once', async (t) => {
  const src = mkdtempSync(join(tmpdir(), 'll-int-src-'));
  const inPath = bigExternalModel(src, 2048); // 16 MiB: verification runs a while
  const dir = mkdtempSync(join(tmpdir(), 'll-int-'));
  t.after(() => [src, dir].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'optimize', inPath, '-o', join(dir, 'out.onnx'), '--fuse'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The candidate model is written after its data: once it is there, verification is under way.
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && child.exitCode === null; ) {
    if (privateFiles(dir).some((f) => f.endsWith('.onnx'))) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(privateFiles(dir).length > 0, 'the candidate was written before the signal');
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  assert.deepEqual(readdirSync(dir), []);
});
