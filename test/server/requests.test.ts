// Every custom request and command of the built server (over stdio, a real JSON-RPC client with the
// typed request objects of src/protocol/requests.ts): failures answer with a typed error and its data
// (ModelErrorData) — the text view too, which used to answer -32603 without data; file access is
// confined to the workspace folders and what the client opened; the `layerlens.dims` setting binds
// each open model by the names it has, and messages name the setting, not a command-line flag.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { ApplyFixCommand, CommitFixCommand, DiscardFixCommand, ListFixesRequest } from '../../src/protocol/fixes';
import { CompileCommand, ExportMetricsRequest, GraphViewRequest, ModelSummaryRequest, NodeDetailsRequest, OpenModelNotification, ProfileRequest, TensorValuesRequest, TextViewRequest, textViewUriFor } from '../../src/protocol/requests';
import { rejectsTyped, tmp, uriOf } from '../support/lsp';
import { realModelPath, SAMPLE } from '../support/models';
import { startServer, type ServerProcess } from '../support/server';

const inside = tmp('ll-requests-in-');
const outside = tmp('ll-requests-out-');
let server: ServerProcess;
const diagnostics = new Map<string, Diagnostic[]>();
const waiters = new Map<string, () => void>();

before(async () => {
  // The workspace is one folder: `outside` is not in it.
  server = await startServer({
    folders: [inside],
    onDiagnostics: (p) => {
      diagnostics.set(p.uri, p.diagnostics);
      waiters.get(p.uri)?.();
    },
  });
});

after(() => server.close());

const conn = () => server.conn;

async function open(uri: string, text: string, version = 1): Promise<Diagnostic[]> {
  const got = new Promise<void>((r) => waiters.set(uri, r));
  await conn().sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'onnxtxt', version, text } });
  await got;
  return diagnostics.get(uri)!;
}

async function openView(path: string): Promise<string> {
  const { text } = await conn().sendRequest(TextViewRequest.type, { uri: uriOf(path) });
  const uri = textViewUriFor(uriOf(path));
  await open(uri, text);
  return uri;
}

test('every custom request and command answers a corrupt model with a typed error and its data', async () => {
  const bad = join(inside, 'truncated.onnx');
  const bytes = readFileSync(SAMPLE);
  writeFileSync(bad, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const uri = uriOf(bad);
  const format = /^(ModelFormatError|ModelGraphError)$/;
  const c = conn();
  await rejectsTyped(c.sendRequest(TextViewRequest.type, { uri }), format, /truncated|corrupt/);
  await rejectsTyped(c.sendRequest(GraphViewRequest.type, { uri }), format);
  await rejectsTyped(c.sendRequest(GraphViewRequest.textType, { uri, as: 'text' }), format);
  await rejectsTyped(c.sendRequest(ModelSummaryRequest.type, { uri }), format);
  await rejectsTyped(c.sendRequest(NodeDetailsRequest.type, { uri, node: 'x' }), format);
  await rejectsTyped(c.sendRequest(ListFixesRequest.type, { uri, node: 'x' }), format);
  await rejectsTyped(c.sendRequest(ExportMetricsRequest.type, { uri, format: 'csv' }), format);
  await rejectsTyped(c.sendRequest(TensorValuesRequest.type, { uri, name: 'x' }), format);
  await rejectsTyped(c.sendRequest(ProfileRequest.type, { uri, runs: 1 }), format);
  await rejectsTyped(c.sendRequest(ApplyFixCommand.request, ApplyFixCommand.params({ modelUri: uri, ruleId: 'fuse-conv-batchnorm' })), format);
  // Commands with bad arguments, unknown commands, bad parameters: typed too.
  await rejectsTyped(c.sendRequest(CommitFixCommand.request, CommitFixCommand.params({ candidate: join(inside, '.x.onnx.candidate-1-1.onnx'), modelUri: uriOf(SAMPLE), ruleId: 'fuse-conv-batchnorm', write: 'new-file' })), /^(FixCandidateError|FileAccessError)$/);
  await rejectsTyped(c.sendRequest(DiscardFixCommand.request, DiscardFixCommand.params({ candidate: join(inside, 'truncated.onnx') })), 'FixCandidateError');
  await rejectsTyped(c.sendRequest(ApplyFixCommand.request, { command: ApplyFixCommand.command, arguments: ['not an object'] }), 'UsageError', /takes one argument, an object/);
  await rejectsTyped(c.sendRequest('workspace/executeCommand', { command: 'layerlens.nosuch', arguments: [] }), 'UsageError', /unknown command/);
  await rejectsTyped(c.sendRequest(TextViewRequest.type, { uri: 'untitled:model.onnx' }), 'UsageError', /must be a file: URI/);
  const design = join(inside, 'broken.onnxtxt');
  writeFileSync(design, '<ir_version: 8, opset_import: ["" : 17]>\nd (float[1] x) => (float[1] y)\n{\n  y = Relu (x\n}\n');
  await rejectsTyped(c.sendRequest(CompileCommand.request, CompileCommand.params({ uri: uriOf(design) })), 'ModelFormatError', /broken\.onnxtxt:5:1: .*fix the text, then compile again/);
  // The server lives on.
  copyFileSync(SAMPLE, join(inside, 'sample.onnx'));
  assert.equal((await c.sendRequest(ModelSummaryRequest.type, { uri: uriOf(join(inside, 'sample.onnx')) }))!.nodes, 15);
});

test('files outside the workspace folders are refused until the client opens them', async () => {
  const c = conn();
  const model = join(outside, 'tiny.onnx');
  copyFileSync(SAMPLE, model);
  const uri = uriOf(model);
  const refused = /tiny\.onnx is outside the workspace folders \(.*ll-requests-in-.*\) and is not a document or model open in the editor/;
  await rejectsTyped(c.sendRequest(TextViewRequest.type, { uri }), 'FileAccessError', refused);
  await rejectsTyped(c.sendRequest(GraphViewRequest.type, { uri }), 'FileAccessError', refused);
  await rejectsTyped(c.sendRequest(ModelSummaryRequest.type, { uri }), 'FileAccessError', refused);
  await rejectsTyped(c.sendRequest(TensorValuesRequest.type, { uri, name: '/features/block1/conv.weight' }), 'FileAccessError', refused);
  await rejectsTyped(c.sendRequest(ProfileRequest.type, { uri, runs: 1 }), 'FileAccessError', refused);
  await rejectsTyped(c.sendRequest(ApplyFixCommand.request, ApplyFixCommand.params({ modelUri: uri, ruleId: 'fuse-conv-batchnorm' })), 'FileAccessError', refused);
  await rejectsTyped(c.sendRequest(TextViewRequest.type, { uri: 'file:///etc/passwd' }), 'FileAccessError', /\/etc\/passwd is outside/);
  // '..' does not lead out of a folder.
  await rejectsTyped(c.sendRequest(TextViewRequest.type, { uri: uriOf(inside) + '/../' + outside.split('/').pop() + '/tiny.onnx' }), 'FileAccessError', refused);
  const design = join(outside, 'design.onnxtxt');
  writeFileSync(design, '<ir_version: 8, opset_import: ["" : 17]>\nd (float[1,4] x) => (float[1,4] y)\n{\n   y = Relu (x)\n}\n');
  await rejectsTyped(c.sendRequest(CompileCommand.request, CompileCommand.params({ uri: uriOf(design) })), 'FileAccessError');
  assert.ok(!existsSync(join(outside, 'design.onnx')), 'nothing written');

  // The user opens the model (the graph editor tells the server): now it is read.
  await c.sendNotification(OpenModelNotification.type, { uri });
  const { text } = await c.sendRequest(TextViewRequest.type, { uri });
  assert.match(text, /= Conv </);
  assert.equal((await c.sendRequest(ModelSummaryRequest.type, { uri }))!.nodes, 15);
  // A document the client opened may be compiled, and the .onnx written beside it.
  await open(uriOf(design), readFileSync(design, 'utf8'));
  const r = await c.sendRequest(CompileCommand.request, CompileCommand.params({ uri: uriOf(design) }));
  assert.equal(r.written, join(outside, 'design.onnx'));
  // Another file of that folder is still refused; a folder added to the workspace is allowed.
  const other = join(outside, 'other.onnx');
  copyFileSync(SAMPLE, other);
  await rejectsTyped(c.sendRequest(GraphViewRequest.type, { uri: uriOf(other) }), 'FileAccessError');
  await c.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: uriOf(outside), name: 'outside' }], removed: [] } });
  assert.equal((await c.sendRequest(ModelSummaryRequest.type, { uri: uriOf(other) }))!.nodes, 15);
  await c.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: uriOf(outside), name: 'outside' }] } });
  await rejectsTyped(c.sendRequest(GraphViewRequest.type, { uri: uriOf(other) }), 'FileAccessError');
});

test('one layerlens.dims setting binds each open model by the names it has; messages name the setting', async () => {
  const c = conn();
  const dir = join(inside, 'dims');
  mkdirSync(dir);
  const paths = { sample: join(dir, 'tiny.onnx'), cls: join(dir, 'cls.onnx'), fixed: join(dir, 'fixed.onnx') };
  copyFileSync(SAMPLE, paths.sample);
  copyFileSync(realModelPath('ppocr-cls.onnx'), paths.cls); // dims p2o.DynamicDimension.0..2, no 'batch'
  copyFileSync(realModelPath('hello-deepa.onnx'), paths.fixed); // no symbolic dims at all
  const views = { sample: await openView(paths.sample), cls: await openView(paths.cls), fixed: await openView(paths.fixed) };
  const fixedBefore = (await c.sendRequest(ModelSummaryRequest.type, { uri: views.fixed }))!;
  const settled = Promise.all(Object.values(views).map((u) => new Promise<void>((r) => waiters.set(u, r))));
  await c.sendNotification('workspace/didChangeConfiguration', { settings: { layerlens: { dims: { batch: 2, 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } } } });
  await settled;
  for (const [name, uri] of Object.entries(views)) {
    const errors = diagnostics.get(uri)!.filter((d) => d.severity === 1);
    assert.deepEqual(errors.map((d) => d.message), [], `${name}: no error from dims it lacks`);
    for (const d of diagnostics.get(uri)!) assert.doesNotMatch(d.message, /--dim|--input/, `${name}: ${d.message}`);
  }
  // Each model is bound by its own names: the sample's MACs are twice its batch-1 MACs (the oracle:
  // the same file asked with batch 1); the classifier's shapes are all concrete; the fixed model as before.
  const one = (await c.sendRequest(ModelSummaryRequest.type, { uri: uriOf(paths.sample), dims: { batch: 1 } }))!;
  const sample = (await c.sendRequest(ModelSummaryRequest.type, { uri: views.sample }))!;
  assert.equal(sample.macs, 2 * one.macs);
  assert.equal(sample.totalsIncomplete, false);
  const cls = (await c.sendRequest(ModelSummaryRequest.type, { uri: views.cls }))!;
  assert.equal(cls.totalsIncomplete, false);
  assert.deepEqual(await c.sendRequest(ModelSummaryRequest.type, { uri: views.fixed }), fixedBefore);
  // A bad size names the setting.
  await rejectsTyped(c.sendRequest(GraphViewRequest.type, { uri: uriOf(paths.sample), dims: { batch: -1 } }), 'UsageError', /"batch": -1 in dims \(the layerlens\.dims setting\)/);
});
