// The built language server as a real process, spoken to over stdio with a real JSON-RPC client
// (vscode-jsonrpc): diagnostics, hover, definition, references, symbols and the text view request.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { CancellationTokenSource, createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-languageserver-protocol/node';
import type { CodeAction, DocumentSymbol, Hover, Location, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { readModel } from '../../src/core/onnx/reader';
import { type ApplyFixResult } from '../../src/protocol/fixes';
import { textViewUriFor } from '../../src/protocol/requests';
import { ROOT, SAMPLE } from '../support/models';
import { startServer, type ServerProcess } from '../support/server';

let conn: MessageConnection;
const diagnostics = new Map<string, PublishDiagnosticsParams>();
/** Waiters for the diagnostics of one document (other documents' diagnostics may come in between). */
const waiters = new Map<string, () => void>();

let server: ServerProcess;

before(async () => {
  server = await startServer({
    onDiagnostics: (p) => {
      diagnostics.set(p.uri, p);
      waiters.get(p.uri)?.();
      waiters.delete(p.uri);
    },
  });
  conn = server.conn;
});

after(() => server.close());

async function open(uri: string, text: string): Promise<PublishDiagnosticsParams> {
  const got = new Promise<void>((r) => waiters.set(uri, r));
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'onnxtxt', version: 1, text } });
  await Promise.race([got, new Promise((_, rej) => setTimeout(() => rej(new Error('no diagnostics within 10 s')), 10_000))]);
  return diagnostics.get(uri)!;
}

test('text view of a binary model, then hover, definition, references, symbols on it', async () => {
  const { text } = (await conn.sendRequest('layerlens/textView', { uri: pathToFileURL(SAMPLE).href })) as { text: string };
  assert.match(text, /= Conv </);
  const uri = 'layerlens:/samples/tiny-cnn.onnx.onnxtxt';
  const d = await open(uri, text);
  assert.ok(d.diagnostics.some((x) => /BatchNormalization/.test(x.message) && x.code === 'fuse-conv-batchnorm'), JSON.stringify(d.diagnostics.slice(0, 3)));
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('["/features/block2/conv"]'));
  const hover = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 10 } })) as Hover;
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /`Conv`/);
  assert.match(value, /float\[batch,32,16,16\]/);
  assert.match(value, /Fold BatchNormalization into the preceding Conv/);
  // Definition of an input name used on that line: the output of pool1.
  const use = lines[line]!.indexOf('"/features/pool1_out"');
  const defs = (await conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line, character: use + 2 } })) as Location[];
  assert.equal(defs.length, 1);
  assert.ok(lines[defs[0]!.range.start.line]!.includes('["/features/pool1"]'));
  const refs = (await conn.sendRequest('textDocument/references', { textDocument: { uri }, position: { line, character: use + 2 }, context: { includeDeclaration: false } })) as Location[];
  assert.equal(refs.length, 1);
  const syms = (await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
  assert.deepEqual(syms.map((s) => s.name), ['features', 'head']);
  const summary = (await conn.sendRequest('layerlens/modelSummary', { uri })) as { params: number; nodes: number };
  assert.equal(summary.nodes, 15);
  assert.equal(summary.params, 24_682);
});

test('a hand-written design: parse errors with exact ranges, costs before weights exist', async () => {
  const bad = `<ir_version: 8, opset_import: ["" : 17]>
design (float[1,3,32,32] x) => (float[1,8,32,32] y)
   <float[8,3,3,3] w>
{
   y = Conv <kernel_shape = [3, 3], pads = [1, 1, 1, 1]> (x, w
}`;
  const d = await open('file:///tmp/design.onnxtxt', bad);
  const err = d.diagnostics.find((x) => x.severity === 1)!;
  assert.ok(err, 'a parse error');
  assert.equal(err.range.start.line, 5);
  const good = bad.replace('(x, w\n', '(x, w)\n');
  const d2 = await open('file:///tmp/design2.onnxtxt', good);
  assert.equal(d2.diagnostics.filter((x) => x.severity === 1).length, 0);
  const summary = (await conn.sendRequest('layerlens/modelSummary', { uri: 'file:///tmp/design2.onnxtxt' })) as { macs: number };
  assert.equal(summary.macs, 8 * 32 * 32 * 3 * 9);
});

test('a text view request for a file that vanished answers with an error, and the server lives on', async () => {
  await assert.rejects(conn.sendRequest('layerlens/textView', { uri: pathToFileURL('/tmp/no/such/model.onnx').href }), /ENOENT|cannot read/);
  const { text } = (await conn.sendRequest('layerlens/textView', { uri: pathToFileURL(SAMPLE).href })) as { text: string };
  assert.ok(text.length > 100);
});

test('quick fix on the text view: verified in ORT, written beside the original, original untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-lsp-'));
  const model = join(dir, 'tiny.onnx');
  copyFileSync(SAMPLE, model);
  const before = readFileSync(model);
  const fileUri = pathToFileURL(model).href;
  const { text } = (await conn.sendRequest('layerlens/textView', { uri: fileUri })) as { text: string };
  const uri = textViewUriFor(fileUri);
  await open(uri, text);
  const line = text.split('\n').findIndex((l) => l.includes('["/features/block2/bn"]'));
  const actions = (await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line, character: 0 }, end: { line, character: 5 } },
    context: { diagnostics: [] },
  })) as CodeAction[];
  const fix = actions.find((a) => a.kind === 'quickfix' && /Fold BatchNormalization/.test(a.title))!;
  assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
  const result = (await conn.sendRequest('workspace/executeCommand', { command: fix.command!.command, arguments: fix.command!.arguments })) as ApplyFixResult;
  assert.equal(result.passed, true, result.failures.join('; '));
  assert.equal(result.applied, 1);
  assert.ok(result.written && existsSync(result.written));
  assert.deepEqual(readFileSync(model), before, 'the original is untouched');
  const written = readModel(readFileSync(result.written!));
  assert.equal(written.graph.nodes.filter((n) => n.opType === 'BatchNormalization').length, 2, 'one of three folded');
  assert.ok(result.after!.params < result.before!.params);
});

test('inlay hints give output shapes and MACs; a code lens gives the totals and a Profile command', async () => {
  const text = `<ir_version: 8, opset_import: ["" : 17]>
design (float[1,3,32,32] x) => (float[1,8,32,32] y)
   <float[8,3,3,3] w>
{
   y = Conv <kernel_shape = [3, 3], pads = [1, 1, 1, 1]> (x, w)
}`;
  const uri = 'file:///tmp/hints.onnxtxt';
  await open(uri, text);
  const hints = (await conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } } })) as { label: string; position: { line: number } }[];
  assert.equal(hints.length, 1);
  assert.equal(hints[0]!.position.line, 4);
  assert.equal(hints[0]!.label.trim(), `[1,8,32,32] · ${((8 * 32 * 32 * 27) / 1000).toFixed(1)} kMACs`);
  const lenses = (await conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { command: { title: string; command: string } }[];
  assert.match(lenses[0]!.command.title, /^1 nodes · 221\.2 kMACs/);
  assert.equal(lenses[1]!.command.command, 'layerlens.profileModel');
});

test('profile request: work-done progress, a result attributed to the nodes, and cancellation', async () => {
  const uri = pathToFileURL(SAMPLE).href;
  const progress: { kind: string; message?: string }[] = [];
  const sub = conn.onNotification('$/progress', (p: { token: string; value: { kind: string; message?: string } }) => {
    if (p.token === 'prof-1') progress.push(p.value);
  });
  const r = (await conn.sendRequest('layerlens/profile', { uri, runs: 3, workDoneToken: 'prof-1' })) as { medianMs: number; coverage: number; nodes: { name: string }[] };
  sub.dispose();
  assert.ok(r.medianMs > 0);
  assert.ok(r.coverage > 0.999);
  assert.ok(r.nodes.some((n) => n.name === '/features/block2/conv'));
  assert.equal(progress[0]?.kind, 'begin');
  assert.equal(progress[progress.length - 1]?.kind, 'end');
  assert.ok(progress.some((p) => p.kind === 'report' && /timed run/.test(p.message ?? '')));
  const source = new CancellationTokenSource();
  const pending = conn.sendRequest('layerlens/profile', { uri, runs: 100000 }, source.token);
  setTimeout(() => source.cancel(), 1500);
  await assert.rejects(pending, (e: { code?: number }) => e.code === -32800);
  // The server lives on.
  const again = (await conn.sendRequest('layerlens/profile', { uri, runs: 2 })) as { medianMs: number };
  assert.ok(again.medianMs > 0);
});

test('graph view model (groups by name scope, edges with shapes) and fixes listed per node', async () => {
  const uri = 'layerlens:/samples/tiny-cnn.onnx.onnxtxt'; // opened by the first test
  const vm = (await conn.sendRequest('layerlens/graphView', { uri })) as {
    nodes: { id: number; kind: string; name: string; group: string | null; macs: number | null }[];
    edges: { from: number; to: number; shape: string }[];
    groups: { id: string; parent: string | null; nodeCount: number }[];
  };
  assert.equal(vm.nodes.filter((n) => n.kind === 'op').length, 15);
  assert.deepEqual(vm.nodes.filter((n) => n.kind !== 'op').map((n) => `${n.kind} ${n.name}`), ['input image', 'output probs']);
  const block2 = vm.groups.find((g) => g.id === '/features/block2')!;
  assert.equal(block2.parent, '/features');
  assert.equal(block2.nodeCount, 3);
  assert.equal(vm.groups.find((g) => g.id === '/features')!.nodeCount, 11);
  const conv2 = vm.nodes.find((n) => n.name === '/features/block2/conv')!;
  assert.equal(conv2.group, '/features/block2');
  const into = vm.edges.find((e) => e.to === conv2.id)!;
  assert.equal(into.shape, '[batch,16,16,16]');
  const fixes = (await conn.sendRequest('layerlens/listFixes', { uri, node: '/features/block2/bn' })) as { fixes: { ruleId: string; ok: boolean; reason?: string }[] };
  assert.ok(fixes.fixes.some((f) => f.ruleId === 'fuse-conv-batchnorm' && f.ok));
});

test('after a profile, hovers on the model text view show measured latency; big MatMuls get an int8 hint', async () => {
  const fileUri = pathToFileURL(SAMPLE).href;
  await conn.sendRequest('layerlens/profile', { uri: fileUri, runs: 3 });
  const { text } = (await conn.sendRequest('layerlens/textView', { uri: fileUri })) as { text: string };
  const uri = textViewUriFor(fileUri);
  await open(uri, text);
  const line = text.split('\n').findIndex((l) => l.includes('["/features/block2/conv"]'));
  const h = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 10 } })) as Hover;
  assert.match((h.contents as { value: string }).value, /measured \(deployed\): [\d.]+ µs, [\d.]+ % of the model, (compute|memory)-bound/);
  const design = `<ir_version: 8, opset_import: ["" : 17]>
big (float[1,1024] x) => (float[1,1024] y)
   <float[1024,1024] w>
{
   y = MatMul (x, w)
}`;
  const d = await open('file:///tmp/big.onnxtxt', design);
  const hint = d.diagnostics.find((x) => x.code === 'quantize-int8-dynamic');
  assert.ok(hint, JSON.stringify(d.diagnostics));
  assert.match(hint.message, /MatMul holds 1\.0 M fp32 weights: int8 would save 3\.1 MB/);
});

test('source actions quantize or prune the whole model, verified and written beside it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-lsp-'));
  const model = join(dir, 'tiny.onnx');
  copyFileSync(SAMPLE, model);
  const fileUri = pathToFileURL(model).href;
  const { text } = (await conn.sendRequest('layerlens/textView', { uri: fileUri })) as { text: string };
  const uri = textViewUriFor(fileUri);
  await open(uri, text);
  const actions = (await conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } })) as CodeAction[];
  const prune = actions.find((a) => /Prune model: 50 %/.test(a.title))!;
  assert.ok(prune, actions.map((a) => a.title).join(' | '));
  const r = (await conn.sendRequest('workspace/executeCommand', { command: prune.command!.command, arguments: prune.command!.arguments })) as ApplyFixResult;
  assert.equal(r.applied, 3);
  assert.ok(r.written && existsSync(r.written));
  assert.ok(r.after!.macs < 0.6 * r.before!.macs, `MACs ${r.before!.macs} -> ${r.after!.macs}`);
  const fp16 = actions.find((a) => /Quantize model: float16/.test(a.title))!;
  const q = (await conn.sendRequest('workspace/executeCommand', { command: fp16.command!.command, arguments: fp16.command!.arguments })) as ApplyFixResult;
  assert.equal(q.passed, true, q.failures.join('; '));
  assert.ok(q.after!.fileBytes < 0.6 * q.before!.fileBytes);
});

test('node details, the compile command, and model-changed notifications', async () => {
  const uri = 'layerlens:/samples/tiny-cnn.onnx.onnxtxt'; // opened by the first test
  const d = (await conn.sendRequest('layerlens/nodeDetails', { uri, node: '/features/block1/conv' })) as { opType: string; attributes: { name: string; value: string }[]; outputs: { type: string }[]; params: number; fixes: { ruleId: string }[] };
  assert.equal(d.opType, 'Conv');
  assert.deepEqual(d.attributes.find((a) => a.name === 'kernel_shape'), { name: 'kernel_shape', value: '[3, 3]' });
  assert.equal(d.outputs[0]!.type, 'float[batch,16,32,32]');
  assert.equal(d.params, 16 * 3 * 9 + 16);
  assert.ok(d.fixes.some((f) => f.ruleId === 'fuse-conv-batchnorm'));

  const dir = mkdtempSync(join(tmpdir(), 'll-lsp-'));
  const design = join(dir, 'net.onnxtxt');
  writeFileSync(design, `<ir_version: 8, opset_import: ["" : 17]>\nnet (float[1,4] x) => (float[1,2] y)\n   <float[4,2] w>\n{\n   y = MatMul (x, w)\n}\n`);
  const c = (await conn.sendRequest('workspace/executeCommand', { command: 'layerlens.compile', arguments: [{ uri: pathToFileURL(design).href, init: 'normal' }] })) as { written: string; filled: number };
  assert.equal(c.filled, 1);
  assert.equal(readModel(readFileSync(c.written)).graph.initializers[0]!.dims.join('x'), '4x2');

  const changed = new Promise<{ uri: string }>((resolve) => conn.onNotification('layerlens/modelChanged', resolve));
  const modelUri = pathToFileURL(c.written).href;
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: modelUri, type: 2 }] });
  assert.equal((await changed).uri, modelUri);
});

test('the server also speaks over node IPC', async () => {
  const ipc = fork(join(ROOT, 'dist', 'server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const c2 = createMessageConnection(new IPCMessageReader(ipc), new IPCMessageWriter(ipc));
  c2.listen();
  const init = (await c2.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as { serverInfo: { name: string } };
  assert.equal(init.serverInfo.name, 'layerlens');
  c2.dispose();
  ipc.kill();
});

test('while a long profile runs, the server keeps answering (the work is off its main thread)', async () => {
  const source = new CancellationTokenSource();
  let profileDone = false;
  const long = conn.sendRequest('layerlens/profile', { uri: pathToFileURL(SAMPLE).href, runs: 100000 }, source.token).then(
    () => (profileDone = true),
    () => (profileDone = true),
  );
  await new Promise((r) => setTimeout(r, 800));
  const uri = 'layerlens:/samples/tiny-cnn.onnx.onnxtxt';
  const vm = (await conn.sendRequest('layerlens/graphView', { uri })) as { nodes: { kind: string }[] };
  assert.equal(vm.nodes.filter((n) => n.kind === 'op').length, 15);
  assert.equal(profileDone, false, 'answered while the profile was still running');
  source.cancel();
  await long;
});
