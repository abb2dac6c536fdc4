// The server's fixes and the CLI's `optimize` write through one path: on a model with external
// weights both leave `<final>.onnx` + `<final>.onnx.data` (byte for byte the same files), the model
// names its own data file, and no hidden candidate file remains — whether written at once, or
// previewed and then committed as a new file or in place. Refusals and file system failures come back
// as typed errors; a killed server's candidates are removed by the next fix in that folder. Real
// server process (dist/server.js) over stdio, real CLI, ONNX Runtime reading the files as the oracle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';
import type { ApplyFixResult, CommitFixResult, DiscardFixResult } from '../../src/protocol/fixes';
import type { ModelErrorData } from '../../src/protocol/rpc';
import { runCli } from '../support/cli';
import { externalModel, outputOf } from '../support/external-model';
import { startServer, type ServerProcess } from '../support/server';

let server: ServerProcess;
before(async () => {
  server = await startServer();
});
const mounts: string[] = [];
after(() => {
  server.close();
  for (const m of mounts) {
    spawnSync('umount', [m]);
    rmdirSync(m);
  }
});

const exec = <T>(s: ServerProcess, command: string, args: unknown): Promise<T> => s.conn.sendRequest('workspace/executeCommand', { command, arguments: [args] });
const uriOf = (path: string): string => pathToFileURL(path).href;
/** Where each external tensor of a model file says its data is. */
const locations = (path: string): string[] => fromBinary(ModelProtoSchema, readFileSync(path)).graph!.initializer.flatMap((t) => t.externalData.filter((e) => e.key === 'location').map((e) => e.value));
const hidden = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('.'));

async function rejectsTyped(p: Promise<unknown>, name: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: { code?: number; message: string; data?: ModelErrorData }) => {
    assert.equal(e.code, -32803, e.message);
    assert.equal(e.data?.name, name, e.message);
    assert.match(e.data!.message, message);
    return true;
  });
}

/** A folder holding model.onnx whose weight is in weights.bin. */
function folder(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'll-write-path-'));
  return { dir, path: externalModel(dir, { name: 'model.onnx' }) };
}

test('a fix written at once and `optimize -o` leave the same files: <final>.onnx naming <final>.onnx.data, nothing hidden', async () => {
  const s = folder();
  const expected = await outputOf(s.path);
  const r = await exec<ApplyFixResult>(server, 'layerlens.applyFix', { modelUri: uriOf(s.path), ruleId: 'fuse-identity' });
  assert.equal(r.passed, true, r.failures.join('; '));
  const final = join(s.dir, 'model.fuse-identity.onnx');
  assert.equal(r.written, final);
  assert.deepEqual(readdirSync(s.dir).sort(), ['model.fuse-identity.onnx', 'model.fuse-identity.onnx.data', 'model.onnx', 'weights.bin']);
  assert.deepEqual(locations(final), ['model.fuse-identity.onnx.data']);
  assert.deepEqual(await outputOf(final), expected);

  const c = folder();
  const cli = runCli(['optimize', c.path, '-o', join(c.dir, 'model.fuse-identity.onnx'), '--fuse', '--only', 'fuse-identity'], { timeoutMs: 120_000 });
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(readdirSync(c.dir).sort(), readdirSync(s.dir).sort());
  for (const f of ['model.fuse-identity.onnx', 'model.fuse-identity.onnx.data']) assert.deepEqual(readFileSync(join(c.dir, f)), readFileSync(join(s.dir, f)), `${f}: the CLI's and the server's are the same bytes`);
});

test('preview → commit as a new file, and preview → commit in place: the data file is renamed with the model, none stays hidden', async () => {
  const { dir, path } = folder();
  const original = readFileSync(path);
  const expected = await outputOf(path);
  const modelUri = uriOf(path);
  const p = await exec<ApplyFixResult>(server, 'layerlens.applyFix', { modelUri, ruleId: 'fuse-identity', write: 'preview' });
  assert.equal(p.passed, true, p.failures.join('; '));
  assert.match(p.candidate!, /\/\.model\.fuse-identity\.onnx\.candidate-\d+-\d+\.onnx$/);
  assert.deepEqual(hidden(dir).sort(), [p.candidate!.split('/').pop()!, `${p.candidate!.split('/').pop()!}.data`].sort(), 'the candidate runs from its own data file');
  const c = await exec<CommitFixResult>(server, 'layerlens.commitFix', { candidate: p.candidate, modelUri, ruleId: 'fuse-identity', write: 'new-file' });
  const final = join(dir, 'model.fuse-identity.onnx');
  assert.equal(c.written, final);
  assert.deepEqual(hidden(dir), []);
  assert.deepEqual(locations(final), ['model.fuse-identity.onnx.data']);
  assert.deepEqual(await outputOf(final), expected);

  const q = await exec<ApplyFixResult>(server, 'layerlens.applyFix', { modelUri, ruleId: 'fuse-identity', write: 'preview' });
  const d = await exec<CommitFixResult>(server, 'layerlens.commitFix', { candidate: q.candidate, modelUri, ruleId: 'fuse-identity', write: 'in-place' });
  assert.deepEqual(d, { written: path, backup: `${path}.bak` });
  assert.deepEqual(hidden(dir), []);
  assert.deepEqual(locations(path), ['model.onnx.data']);
  assert.deepEqual(readFileSync(`${path}.bak`), original);
  assert.deepEqual(locations(`${path}.bak`), ['weights.bin'], 'the backup still reads the original weights, which nothing replaced');
  assert.deepEqual(await outputOf(path), expected);
  assert.deepEqual(await outputOf(`${path}.bak`), expected);
  assert.deepEqual(readdirSync(dir).sort(), ['model.fuse-identity.onnx', 'model.fuse-identity.onnx.data', 'model.onnx', 'model.onnx.bak', 'model.onnx.data', 'weights.bin']);

  const r = await exec<ApplyFixResult>(server, 'layerlens.applyFix', { modelUri: uriOf(final), ruleId: 'fuse-identity', write: 'preview' });
  assert.equal(r.applied, 0, 'nothing left to fuse');
  const again = folder();
  const e = await exec<ApplyFixResult>(server, 'layerlens.applyFix', { modelUri: uriOf(again.path), ruleId: 'fuse-identity', write: 'preview' });
  const gone = await exec<DiscardFixResult>(server, 'layerlens.discardFix', { candidate: e.candidate, modelUri: uriOf(again.path) });
  assert.deepEqual(gone.deleted, [e.candidate, `${e.candidate}.data`]);
  assert.deepEqual(hidden(again.dir), []);
});

test('a model keeping its weights in model.onnx.data: in place is refused (typed), the preview stays and commits as a new file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-write-path-own-'));
  const path = externalModel(dir, { name: 'model.onnx', location: 'model.onnx.data', prefix: 64 });
  const data = readFileSync(join(dir, 'model.onnx.data'));
  const modelUri = uriOf(path);
  await rejectsTyped(exec(server, 'layerlens.applyFix', { modelUri, ruleId: 'fuse-identity', write: 'in-place' }), 'WriteConflictError', /model\.onnx\.data would be replaced .* reads it .*write the result to a new file instead/);
  const p = await exec<ApplyFixResult>(server, 'layerlens.applyFix', { modelUri, ruleId: 'fuse-identity', write: 'preview' });
  await rejectsTyped(exec(server, 'layerlens.commitFix', { candidate: p.candidate, modelUri, ruleId: 'fuse-identity', write: 'in-place' }), 'WriteConflictError', /model\.onnx\.data would be replaced/);
  assert.deepEqual(readFileSync(join(dir, 'model.onnx.data')), data);
  const c = await exec<CommitFixResult>(server, 'layerlens.commitFix', { candidate: p.candidate, modelUri, ruleId: 'fuse-identity', write: 'new-file' });
  assert.deepEqual(locations(c.written), ['model.fuse-identity.onnx.data']);
  assert.deepEqual(hidden(dir), []);
});

test('a fix in a read-only folder is a typed FileSystemError naming the file (root: a read-only tmpfs)', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to mount a read-only tmpfs');
  const src = folder();
  const ro = mkdtempSync(join(tmpdir(), 'll-write-path-ro-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', ro]).status !== 0) return t.skip('mount failed here');
  mounts.push(ro);
  for (const f of ['model.onnx', 'weights.bin']) copyFileSync(join(src.dir, f), join(ro, f));
  spawnSync('mount', ['-o', 'remount,ro', ro]);
  await rejectsTyped(exec(server, 'layerlens.applyFix', { modelUri: uriOf(join(ro, 'model.onnx')), ruleId: 'fuse-identity' }), 'FileSystemError', new RegExp(`cannot write ${ro}/model\\.fuse-identity\\.onnx: ${ro} is on a read-only file system`));
});

test("a killed server's candidates are removed by the next fix in that folder; a live process's are kept", async () => {
  const { dir, path } = folder();
  const other = await startServer();
  const p = await exec<ApplyFixResult>(other, 'layerlens.applyFix', { modelUri: uriOf(path), ruleId: 'fuse-identity', write: 'preview' });
  assert.ok(existsSync(p.candidate!) && existsSync(`${p.candidate!}.data`));
  other.child.kill('SIGKILL');
  await new Promise((r) => other.child.once('exit', r));
  other.conn.dispose();
  // The candidate is named after the jobs worker process that wrote it, which ends by itself once
  // its server is gone (its watchdog looks every 100 ms): wait for it.
  const writer = Number(/candidate-(\d+)-/.exec(p.candidate!)![1]);
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    try {
      process.kill(writer, 0);
    } catch {
      break;
    }
  }
  const mine = join(dir, `.model.onnx.candidate-${process.pid}-1.onnx`); // a live process's (this one)
  writeFileSync(mine, 'live');
  const q = await exec<ApplyFixResult>(server, 'layerlens.applyFix', { modelUri: uriOf(path), ruleId: 'fuse-identity', write: 'preview' });
  assert.ok(!existsSync(p.candidate!) && !existsSync(`${p.candidate!}.data`), 'the dead server\'s candidate is gone');
  assert.deepEqual(hidden(dir).sort(), [mine.split('/').pop()!, q.candidate!.split('/').pop()!, `${q.candidate!.split('/').pop()!}.data`].sort());
});
