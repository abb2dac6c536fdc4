// Fixes and profiles through the built language server over stdio with a real JSON-RPC client: a
// fix applied in place, preview → commit or discard (verified in ONNX Runtime, nothing written until
// committed, nothing but candidates beside their model deleted), and profiling every node. Oracles:
// ONNX Runtime in process on the written files, the protobuf decoded with @bufbuild.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import type { MessageConnection } from 'vscode-languageserver-protocol/node';
import { ModelProtoSchema, type ModelProto } from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';
import { DataType } from '../../src/core/ir/data-type';
import type { ViewModel } from '../../src/protocol/view-model';
import type { ApplyFixResult, CommitFixResult, DiscardFixResult } from '../../src/protocol/fixes';
import type { ProfileResult } from '../../src/protocol/requests';
import { rejectsTyped, tmp as tmpFolder, uriOf } from '../support/lsp';
import { assertConsistentLatencyChange } from '../support/latency-change';
import { SAMPLE } from '../support/models';
import { makeInputs, runOrt } from '../support/ort';
import { startServer, type ServerProcess } from '../support/server';

let conn: MessageConnection;
let server: ServerProcess;

before(async () => {
  server = await startServer();
  conn = server.conn;
});

after(() => server.close());

const proto = (path: string): ModelProto => fromBinary(ModelProtoSchema, readFileSync(path));
const tmp = (): string => tmpFolder('ll-fixes-');
const graphView = (uri: string): Promise<ViewModel> => conn.sendRequest('layerlens/graphView', { uri });
const exec = <T>(command: string, args: unknown): Promise<T> => conn.sendRequest('workspace/executeCommand', { command, arguments: [args] });

test('a fix applied in place is seen by the next graph view', async () => {
  const dir = tmp();
  const path = join(dir, 'tiny.onnx');
  copyFileSync(SAMPLE, path);
  const bns = async (): Promise<number> => (await graphView(uriOf(path))).nodes.filter((n) => n.opType === 'BatchNormalization').length;
  assert.equal(await bns(), 3);
  const r = await exec<ApplyFixResult>('layerlens.applyFix', { modelUri: uriOf(path), ruleId: 'fuse-conv-batchnorm', write: 'in-place' });
  assert.equal(r.passed, true, r.failures.join('; '));
  assert.equal(r.written, path);
  assert.equal(await bns(), 0);
  assert.deepEqual(readFileSync(`${path}.bak`), readFileSync(SAMPLE));
});

test('preview a fix (verified, figures per output, nothing written), then commit it as a new file or in place', async () => {
  const dir = tmp();
  const path = join(dir, 'tiny.onnx');
  copyFileSync(SAMPLE, path);
  const before = readdirSync(dir).sort();
  const modelUri = uriOf(path);
  const preview = await exec<ApplyFixResult>('layerlens.applyFix', { modelUri, ruleId: 'fuse-conv-batchnorm', write: 'preview' });
  assert.equal(preview.passed, true, preview.failures.join('; '));
  assert.equal(preview.written, null);
  assert.equal(preview.applied, 3);
  assert.ok(preview.candidate && existsSync(preview.candidate));
  assert.match(preview.candidate, /\/\.tiny\.fuse-conv-batchnorm\.onnx\.candidate-\d+-\d+\.onnx$/);
  assert.deepEqual(readFileSync(path), readFileSync(SAMPLE), 'the model is untouched');
  assert.ok(!existsSync(join(dir, 'tiny.fuse-conv-batchnorm.onnx')));
  assert.deepEqual(preview.outputs.map((o) => o.name), ['probs']);
  const o = preview.outputs[0]!;
  assert.ok(o.maxAbsError !== null && o.maxAbsError < 1e-4 && o.cosine > 0.99999, JSON.stringify(o));
  // ORT fuses Conv+BN itself: the latency verdict comes with its spread and follows from the numbers.
  assertConsistentLatencyChange(preview.latencyChange, preview.before!, preview.after!, 'tiny-cnn BN fold');

  await rejectsTyped(exec('layerlens.commitFix', { candidate: preview.candidate, modelUri, ruleId: 'fuse-conv-affine', write: 'new-file' }), 'FixCandidateError', /is a preview of fuse-conv-batchnorm/);
  const c = await exec<CommitFixResult>('layerlens.commitFix', { candidate: preview.candidate, modelUri, ruleId: 'fuse-conv-batchnorm', write: 'new-file' });
  assert.equal(c.written, join(dir, 'tiny.fuse-conv-batchnorm.onnx'));
  assert.equal(c.backup, undefined);
  assert.ok(!existsSync(preview.candidate));
  assert.deepEqual(readdirSync(dir).sort(), [...before, 'tiny.fuse-conv-batchnorm.onnx'].sort());
  // The written model loads, has no BatchNormalization left, and computes what the original does.
  const written = proto(c.written);
  assert.equal(written.graph!.node.filter((n) => n.opType === 'BatchNormalization').length, 0);
  const feeds = makeInputs([{ name: 'image', elemType: DataType.FLOAT, shape: [2, 3, 32, 32] }], 5);
  const a = (await runOrt(readFileSync(path), feeds)).probs!.data as Float32Array;
  const b = (await runOrt(readFileSync(c.written), feeds)).probs!.data as Float32Array;
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-5, `probs[${i}] ${a[i]} vs ${b[i]}`);
  await rejectsTyped(exec('layerlens.commitFix', { candidate: preview.candidate, modelUri, ruleId: 'fuse-conv-batchnorm', write: 'new-file' }), 'FixCandidateError', /not a fix preview of this server/);

  // In place: the original is kept as .bak, the graph view sees the new model.
  const again = await exec<ApplyFixResult>('layerlens.applyFix', { modelUri, ruleId: 'fuse-conv-batchnorm', anchor: '/features/block2/bn', write: 'preview' });
  assert.equal(again.applied, 1);
  const inPlace = await exec<CommitFixResult>('layerlens.commitFix', { candidate: again.candidate, modelUri, ruleId: 'fuse-conv-batchnorm', write: 'in-place' });
  assert.equal(inPlace.written, path);
  assert.equal(inPlace.backup, `${path}.bak`);
  assert.deepEqual(readFileSync(`${path}.bak`), readFileSync(SAMPLE));
  assert.equal((await graphView(modelUri)).nodes.filter((n) => n.opType === 'BatchNormalization').length, 2);

  // A preview of a model that then changes cannot be committed.
  const stale = await exec<ApplyFixResult>('layerlens.applyFix', { modelUri, ruleId: 'fuse-conv-batchnorm', write: 'preview' });
  copyFileSync(SAMPLE, path);
  utimesSync(path, 1_600_000_000, 1_600_000_000);
  await rejectsTyped(exec('layerlens.commitFix', { candidate: stale.candidate, modelUri, ruleId: 'fuse-conv-batchnorm', write: 'in-place' }), 'FixCandidateError', /changed since the preview/);
  await exec('layerlens.discardFix', { candidate: stale.candidate });
});

test('preview then discard leaves nothing behind; discard refuses anything but a candidate beside its model', async () => {
  const dir = tmp();
  const path = join(dir, 'tiny.onnx');
  copyFileSync(SAMPLE, path);
  const before = readdirSync(dir).sort();
  const modelUri = uriOf(path);
  const p = await exec<ApplyFixResult>('layerlens.applyFix', { modelUri, ruleId: 'fuse-conv-batchnorm', write: 'preview' });
  assert.ok(p.candidate && existsSync(p.candidate));
  const d = await exec<DiscardFixResult>('layerlens.discardFix', { candidate: p.candidate, modelUri });
  assert.deepEqual(d.deleted, [p.candidate]);
  assert.deepEqual(readdirSync(dir).sort(), before);
  assert.deepEqual((await exec<DiscardFixResult>('layerlens.discardFix', { candidate: p.candidate })).deleted, [], 'already gone');
  await rejectsTyped(exec('layerlens.commitFix', { candidate: p.candidate, modelUri, ruleId: 'fuse-conv-batchnorm', write: 'new-file' }), 'FixCandidateError');

  const other = tmp();
  const victim = join(other, 'keep.txt');
  writeFileSync(victim, 'keep');
  const lookalike = join(other, '.tiny.fuse-conv-batchnorm.onnx.candidate-1-1.onnx');
  writeFileSync(lookalike, 'not ours');
  const link = join(dir, '.tiny.fuse-conv-batchnorm.onnx.candidate-2-1.onnx');
  symlinkSync(victim, link);
  const refused: [unknown, RegExp][] = [
    [{ candidate: path }, /not a candidate file name/],
    [{ candidate: victim }, /not a candidate file name/],
    [{ candidate: `${dir}/../${other.split('/').pop()}/.tiny.fuse-conv-batchnorm.onnx.candidate-1-1.onnx` }, /not a plain absolute path/],
    [{ candidate: 'tiny.onnx' }, /not a plain absolute path/],
    [{ candidate: lookalike }, /no model it belongs to/],
    [{ candidate: lookalike, modelUri }, /not in the folder of/],
    [{ candidate: link }, /is not a regular file/],
  ];
  for (const [args, why] of refused) await rejectsTyped(exec('layerlens.discardFix', args), 'FixCandidateError', why);
  // A path outside the workspace folders is refused before any job looks at it.
  await rejectsTyped(exec('layerlens.discardFix', { candidate: '/etc/passwd' }), 'FileAccessError', /\/etc\/passwd is outside the workspace folders/);
  assert.equal(readFileSync(victim, 'utf8'), 'keep');
  assert.equal(readFileSync(lookalike, 'utf8'), 'not ours');
  assert.ok(existsSync(link) && existsSync(path));
});

test('profile: limit 0 gives every timed node (per-node mode: every non-Constant node of the file); limit and threads are checked', async () => {
  const uri = uriOf(SAMPLE);
  const all = (await conn.sendRequest('layerlens/profile', { uri, mode: 'per-node', runs: 3, limit: 0, threads: 1 })) as ProfileResult;
  const expected = proto(SAMPLE).graph!.node.filter((n) => n.opType !== 'Constant').map((n) => n.name).sort();
  assert.deepEqual(all.nodes.map((n) => n.name).sort(), expected);
  const few = (await conn.sendRequest('layerlens/profile', { uri, mode: 'per-node', runs: 3, limit: 2 })) as ProfileResult;
  assert.equal(few.nodes.length, 2);
  assert.ok(few.nodes[0]!.medianUs >= few.nodes[1]!.medianUs);
  await rejectsTyped(conn.sendRequest('layerlens/profile', { uri, limit: -1 }), 'UsageError', /limit/);
  await rejectsTyped(conn.sendRequest('layerlens/profile', { uri, threads: 0 }), 'UsageError', /threads/);
});
