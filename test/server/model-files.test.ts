// The language server's requests about binary .onnx files that are not open as documents (the graph
// editor's case), spoken to over stdio with a real JSON-RPC client against the built dist/server.js:
// graph view, node details with weight statistics, list fixes and summary through the model worker;
// typed errors for hostile files; cache invalidation; preview → commit / discard of fixes; profile
// with every node. Oracles: the protobuf decoded directly with @bufbuild (not our reader), ONNX
// Runtime in process, and the same requests answered for the model's text view.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { CancellationTokenSource, createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { buildLargeModel } from '../../bench/large-model';
import { ModelProtoSchema, ValueInfoProtoSchema, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';
import { writeModel } from '../../src/core/onnx/writer';
import { DataType } from '../../src/core/ir/data-type';
import type { ViewGraph, ViewModel } from '../../src/protocol/view-model';
import { textViewUriFor, type ApplyFixResult, type CommitFixResult, type DiscardFixResult, type ModelErrorData, type ModelSummaryResult, type NodeDetailsResult, type ProfileResult, type WeightStats } from '../../src/protocol/requests';
import { realModelPath, ROOT, SAMPLE } from '../support/models';
import { makeInputs, runOrt } from '../support/ort';
import { startServer, type ServerProcess } from '../support/server';

let conn: MessageConnection;
const diagnosed = new Map<string, () => void>();

let server: ServerProcess;

before(async () => {
  server = await startServer({ onDiagnostics: (p) => diagnosed.get(p.uri)?.() });
  conn = server.conn;
});

after(() => server.close());

const uriOf = (path: string): string => pathToFileURL(path).href;
const proto = (path: string): ModelProto => fromBinary(ModelProtoSchema, readFileSync(path));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'll-model-files-'));
const graphView = (uri: string, dims?: Record<string, number>): Promise<ViewModel> => conn.sendRequest('layerlens/graphView', { uri, ...(dims ? { dims } : {}) });
const exec = <T>(command: string, args: unknown): Promise<T> => conn.sendRequest('workspace/executeCommand', { command, arguments: [args] });

async function openTextView(fileUri: string): Promise<string> {
  const { text } = (await conn.sendRequest('layerlens/textView', { uri: fileUri })) as { text: string };
  const uri = textViewUriFor(fileUri);
  const got = new Promise<void>((r) => diagnosed.set(uri, r));
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'onnxtxt', version: 1, text } });
  await got;
  return uri;
}

/** The request fails with the typed error: code RequestFailed, `Name: message`, data {name, message}. */
async function rejectsTyped(p: Promise<unknown>, name: string | RegExp, message?: RegExp): Promise<ModelErrorData> {
  let data: ModelErrorData | undefined;
  await assert.rejects(p, (e: { code?: number; message: string; data?: ModelErrorData }) => {
    assert.equal(e.code, -32803, e.message);
    assert.ok(e.data, `no data on ${e.message}`);
    assert.equal(e.message, `${e.data.name}: ${e.data.message}`);
    if (typeof name === 'string') assert.equal(e.data.name, name, e.message);
    else assert.match(e.data.name, name, e.message);
    if (message) assert.match(e.data.message, message);
    data = e.data;
    return true;
  });
  return data!;
}

/** A float tensor's elements straight from the protobuf (raw_data little-endian, or float_data). */
function floats(t: TensorProto): Float64Array {
  assert.equal(t.dataType, DataType.FLOAT);
  if (t.rawData.length) {
    const dv = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Float64Array.from({ length: t.rawData.length / 4 }, (_, i) => dv.getFloat32(i * 4, true));
  }
  return Float64Array.from(t.floatData);
}

function expectStats(got: WeightStats, t: TensorProto): void {
  const xs = floats(t);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (const x of xs) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    sum += x;
    if (x === 0) zeros++;
  }
  const mean = sum / xs.length;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  assert.equal(got.dtype, 'float');
  assert.deepEqual(got.dims, t.dims.map(Number));
  assert.equal(got.elements, xs.length);
  assert.equal(got.min, min);
  assert.equal(got.max, max);
  assert.ok(Math.abs(got.mean! - mean) <= 1e-12 * Math.max(1, Math.abs(mean)), `mean ${got.mean} vs ${mean}`);
  assert.ok(Math.abs(got.std! - std) <= 1e-9 * Math.max(1e-12, std), `std ${got.std} vs ${std}`);
  assert.equal(got.zeroFraction, zeros / xs.length);
  assert.equal(got.nonFinite, 0);
}

/** Every op node's output added as a graph output (types left to ORT), so ORT reports its actual shape. */
function exposeAll(m: ModelProto): Uint8Array {
  const g = m.graph!;
  const outs = new Set(g.output.map((o) => o.name));
  for (const n of g.node) if (n.opType !== 'Constant') for (const o of n.output) if (o && !outs.has(o)) g.output.push(create(ValueInfoProtoSchema, { name: o }));
  return toBinary(ModelProtoSchema, m);
}

/** Edge shapes of the view against ONNX Runtime's actual output shapes (and Constant tensors' dims). */
async function checkEdgesAgainstOrt(path: string, input: string, shape: number[], vm: ViewModel): Promise<void> {
  const m = proto(path);
  const constants = new Map<string, number[]>();
  for (const n of m.graph!.node) if (n.opType === 'Constant') constants.set(n.output[0]!, n.attribute.find((a) => a.name === 'value')!.t!.dims.map(Number));
  const out = await runOrt(exposeAll(m), makeInputs([{ name: input, elemType: DataType.FLOAT, shape }]));
  let compared = 0;
  for (const e of vm.edges) {
    const actual = out[e.value]?.dims ?? constants.get(e.value) ?? (e.value === input ? shape : undefined);
    assert.ok(actual, `edge ${e.value}: ORT gave no shape`);
    assert.equal(e.shape, `[${actual.join(',')}]`, `edge ${e.value}`);
    compared++;
  }
  assert.equal(compared, vm.edges.length);
}

/** Each group counts the op nodes inside it at any depth (their sums are the webview's, webview/heat.ts). */
function checkGroups(g: ViewGraph): void {
  for (const grp of g.groups) {
    const inside = g.nodes.filter((n) => n.kind === 'op' && n.group !== null && (n.group === grp.id || n.group.startsWith(grp.id + '/')));
    assert.equal(grp.nodeCount, inside.length, grp.id);
    assert.equal(grp.parent, grp.id.lastIndexOf('/') > 0 ? grp.id.slice(0, grp.id.lastIndexOf('/')) : null);
  }
}

test('graph view of a real model by file URI: node count, edge shapes as ONNX Runtime makes them, group sums', async () => {
  const path = realModelPath('ppocr-rec.onnx');
  const dims = { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320 };
  const vm = await graphView(uriOf(path), dims);
  assert.equal(vm.nodes.filter((n) => n.kind === 'op').length, proto(path).graph!.node.length);
  await checkEdgesAgainstOrt(path, 'x', [1, 3, 48, 320], vm);
  checkGroups(vm);
  const summary = (await conn.sendRequest('layerlens/modelSummary', { uri: uriOf(path), dims })) as ModelSummaryResult;
  assert.equal(summary.nodes, vm.info.nodeCount);
  assert.equal(summary.macs, vm.totals.macs);
  assert.equal(summary.totalsIncomplete, false);

  // The sample has name scopes: groups exist and add up; unbound `batch` stays symbolic.
  const tiny = await graphView(uriOf(SAMPLE), { batch: 1 });
  assert.ok(tiny.groups.length >= 4);
  checkGroups(tiny);
  await checkEdgesAgainstOrt(SAMPLE, 'image', [1, 3, 32, 32], tiny);
  const symbolic = await graphView(uriOf(SAMPLE));
  assert.ok(symbolic.edges.some((e) => e.shape.startsWith('[batch,')));
  // As text (what the extension asks for, to hand on unparsed): the same view model, as a JSON string.
  const text = (await conn.sendRequest('layerlens/graphView', { uri: uriOf(SAMPLE), dims: { batch: 1 }, as: 'text' })) as { json: string };
  assert.equal(typeof text.json, 'string');
  assert.deepEqual(JSON.parse(text.json), tiny);

  // Over node IPC the same view model arrives (stdio writes the worker's JSON as it is; IPC re-serialises).
  const ipc = fork(join(ROOT, 'dist', 'server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const c2 = createMessageConnection(new IPCMessageReader(ipc), new IPCMessageWriter(ipc));
  c2.listen();
  try {
    await c2.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.deepEqual(await c2.sendRequest('layerlens/graphView', { uri: uriOf(SAMPLE), dims: { batch: 1 } }), tiny);
  } finally {
    c2.dispose();
    ipc.kill();
  }
});

test('node details and list fixes by file URI agree with the text view; weight statistics equal the initializers\' own', async () => {
  const fileUri = uriOf(SAMPLE);
  const textUri = await openTextView(fileUri);
  const m = proto(SAMPLE);
  for (const name of ['/features/block1/conv', '/features/block2/bn', '/head/fc']) {
    const fromFile = (await conn.sendRequest('layerlens/nodeDetails', { uri: fileUri, node: name })) as NodeDetailsResult;
    const fromText = (await conn.sendRequest('layerlens/nodeDetails', { uri: textUri, node: name })) as NodeDetailsResult;
    assert.ok(fromFile, name);
    const { weights, ...rest } = fromFile;
    assert.deepEqual(rest, fromText, name);
    const node = m.graph!.node.find((n) => n.name === name)!;
    const inits = node.input.map((i, k) => [k, m.graph!.initializer.find((t) => t.name === i)] as const).filter(([, t]) => t);
    assert.equal(weights!.length, inits.length, name);
    for (const [k, t] of inits) {
      const w = weights!.find((x) => x.input === k)!;
      assert.equal(w.name, t!.name);
      expectStats(w, t!);
    }
    const fixesFile = await conn.sendRequest('layerlens/listFixes', { uri: fileUri, node: name });
    const fixesText = await conn.sendRequest('layerlens/listFixes', { uri: textUri, node: name });
    assert.deepEqual(fixesFile, fixesText);
  }
  const bn = (await conn.sendRequest('layerlens/listFixes', { uri: fileUri, node: '/features/block2/bn' })) as { fixes: { ruleId: string; ok: boolean }[] };
  assert.ok(bn.fixes.some((f) => f.ruleId === 'fuse-conv-batchnorm' && f.ok));
  assert.equal(await conn.sendRequest('layerlens/nodeDetails', { uri: fileUri, node: '/no/such/node' }), null);
  const fileSummary = await conn.sendRequest('layerlens/modelSummary', { uri: fileUri });
  assert.deepEqual(fileSummary, await conn.sendRequest('layerlens/modelSummary', { uri: textUri }));
});

test('a node inside an If body is found by its display name, its weights read from Constant nodes in the body', async () => {
  const path = realModelPath('silero-vad-v5.onnx');
  const m = proto(path);
  const ifNode = m.graph!.node.find((n) => n.opType === 'If')!;
  const body: GraphProto = ifNode.attribute.find((a) => a.name === 'then_branch')!.g!;
  const conv: NodeProto = body.node.find((n) => n.opType === 'Conv' && n.name)!;
  assert.ok(conv, 'a named Conv in the then branch');
  const d = (await conn.sendRequest('layerlens/nodeDetails', { uri: uriOf(path), node: conv.name })) as NodeDetailsResult;
  assert.equal(d.name, conv.name);
  assert.equal(d.opType, 'Conv');
  const w = conv.input[1]!;
  const producer = [...body.node, ...m.graph!.node].find((n) => n.output.includes(w))!;
  assert.equal(producer.opType, 'Constant');
  expectStats(d.weights!.find((x) => x.input === 1)!, producer.attribute.find((a) => a.name === 'value')!.t!);
  const vm = await graphView(uriOf(path));
  const ifView = vm.nodes.find((n) => n.opType === 'If')!;
  const then = ifView.subgraphs!.find((s) => s.attribute === 'then_branch')!.graph;
  assert.equal(then.nodes.filter((n) => n.kind === 'op').length, body.node.length);
  assert.ok(then.nodes.some((n) => n.name === conv.name));
});

test('hostile files answer with typed errors and the worker and server live on', async () => {
  const dir = tmp();
  const sample = readFileSync(SAMPLE);
  const ok = async (): Promise<void> => assert.equal((await graphView(uriOf(SAMPLE))).nodes.filter((n) => n.kind === 'op').length, 15);

  const truncated = join(dir, 'truncated.onnx');
  writeFileSync(truncated, sample.subarray(0, Math.floor(sample.length / 2)));
  await rejectsTyped(graphView(uriOf(truncated)), 'ModelFormatError', /truncated|corrupt/);
  await ok();

  const random = join(dir, 'random.onnx');
  let s = 7;
  writeFileSync(random, Uint8Array.from({ length: 65536 }, () => ((s = (s * 1103515245 + 12345) % 2147483648) >> 16) & 0xff));
  await rejectsTyped(graphView(uriOf(random)), /^(ModelFormatError|ModelGraphError)$/);
  await rejectsTyped(conn.sendRequest('layerlens/nodeDetails', { uri: uriOf(random), node: 'x' }), /^(ModelFormatError|ModelGraphError)$/);
  await ok();

  const empty = join(dir, 'empty.onnx');
  writeFileSync(empty, new Uint8Array(0));
  await rejectsTyped(conn.sendRequest('layerlens/modelSummary', { uri: uriOf(empty) }), 'ModelFormatError', /empty/);
  await rejectsTyped(graphView(uriOf(join(dir, 'missing.onnx'))), 'ModelFormatError', /cannot read .*ENOENT/);

  for (const dims of [{ batch: -1 }, { batch: 1.5 }, { batch: 2 ** 60 }, { batch: 'one' }]) {
    await rejectsTyped(graphView(uriOf(SAMPLE), dims as unknown as Record<string, number>), 'UsageError', /whole number/);
  }
  // A dim the model does not have is left out (the extension's setting is workspace-wide).
  const unrelated = await graphView(uriOf(SAMPLE), { batch: 2, nosuch: 1 });
  assert.deepEqual(unrelated.totals, (await graphView(uriOf(SAMPLE), { batch: 2 })).totals);
  // Huge but representable: costed as such (MACs scale with the batch) or refused with a typed error.
  const one = (await graphView(uriOf(SAMPLE), { batch: 1 })).totals.macs;
  await graphView(uriOf(SAMPLE), { batch: 2 ** 52 }).then(
    (vm) => assert.ok(Math.abs(vm.totals.macs / (one * 2 ** 52) - 1) < 1e-9, `${vm.totals.macs}`),
    (e: { data?: ModelErrorData }) => assert.match(e.data?.name ?? '', /^(ShapeError|UsageError)$/),
  );
  await ok();

  // External data: '..' and a symlink out of the folder are both refused when the file is loaded (as ORT does).
  const external = (location: string): Uint8Array => {
    const m = create(ModelProtoSchema, {
      irVersion: 8n,
      opsetImport: [{ domain: '', version: 17n }],
      graph: {
        name: 'ext',
        node: [{ name: 'mm', opType: 'MatMul', input: ['x', 'w'], output: ['y'] }],
        initializer: [{ name: 'w', dims: [4n, 2n], dataType: DataType.FLOAT, dataLocation: 1, externalData: [{ key: 'location', value: location }, { key: 'offset', value: '0' }, { key: 'length', value: '32' }] }],
        input: [{ name: 'x', type: { value: { case: 'tensorType', value: { elemType: DataType.FLOAT, shape: { dim: [{ value: { case: 'dimValue', value: 1n } }, { value: { case: 'dimValue', value: 4n } }] } } } } }],
        output: [{ name: 'y', type: { value: { case: 'tensorType', value: { elemType: DataType.FLOAT, shape: { dim: [{ value: { case: 'dimValue', value: 1n } }, { value: { case: 'dimValue', value: 2n } }] } } } } }],
      },
    });
    return toBinary(ModelProtoSchema, m);
  };
  const outside = tmp();
  writeFileSync(join(outside, 'secret.bin'), new Uint8Array(32));
  const dotdot = join(dir, 'dotdot.onnx');
  writeFileSync(dotdot, external('../secret.bin'));
  await rejectsTyped(graphView(uriOf(dotdot)), 'ExternalDataError', /leaves the model's folder/);
  const linked = join(dir, 'linked.onnx');
  writeFileSync(linked, external('weights.bin'));
  symlinkSync(join(outside, 'secret.bin'), join(dir, 'weights.bin'));
  await rejectsTyped(graphView(uriOf(linked)), 'ExternalDataError', /outside the model's folder/);
  await ok();
});

test('a changed file is reloaded: on didChangeWatchedFiles even when its size and mtime are the same, and when they differ', async () => {
  const dir = tmp();
  const path = join(dir, 'm.onnx');
  const original = readFileSync(SAMPLE);
  const bytes = Buffer.from(original);
  // Same length: only names differ (every '/features/block2/conv…' string, node and values alike).
  const from = Buffer.from('/features/block2/conv');
  const to = Buffer.from('/features/block2/cOnv');
  for (let i = bytes.indexOf(from); i >= 0; i = bytes.indexOf(from, i + 1)) to.copy(bytes, i);
  assert.equal(bytes.length, original.length);
  const T = 1_700_000_000;
  writeFileSync(path, original);
  utimesSync(path, T, T);
  const names = async (): Promise<string[]> => (await graphView(uriOf(path))).nodes.map((n) => n.name);
  assert.ok((await names()).includes('/features/block2/conv'));
  writeFileSync(path, bytes);
  utimesSync(path, T, T);
  assert.ok((await names()).includes('/features/block2/conv'), 'same size and mtime: the cached model is served');
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path), type: 2 }] });
  const now = await names();
  assert.ok(now.includes('/features/block2/cOnv') && !now.includes('/features/block2/conv'), 'reloaded after the notification');
  const d = (await conn.sendRequest('layerlens/nodeDetails', { uri: uriOf(path), node: '/features/block2/cOnv' })) as NodeDetailsResult;
  assert.equal(d.opType, 'Conv');

  // Another model under the same name, no notification: the size differs, so it is reloaded.
  copyFileSync(realModelPath('hello-deepa.onnx'), path);
  assert.equal((await graphView(uriOf(path))).nodes.filter((n) => n.kind === 'op').length, proto(path).graph!.node.length);
});

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
    [{ candidate: '/etc/passwd' }, /not a candidate file name/],
    [{ candidate: `${dir}/../${other.split('/').pop()}/.tiny.fuse-conv-batchnorm.onnx.candidate-1-1.onnx` }, /not a plain absolute path/],
    [{ candidate: 'tiny.onnx' }, /not a plain absolute path/],
    [{ candidate: lookalike }, /no model it belongs to/],
    [{ candidate: lookalike, modelUri }, /not in the folder of/],
    [{ candidate: link }, /is not a regular file/],
  ];
  for (const [args, why] of refused) await rejectsTyped(exec('layerlens.discardFix', args), 'FixCandidateError', why);
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

test('while the model worker loads a 20,000-node model, the main thread answers other requests; cancelling works; a worker out of memory is replaced', async () => {
  const dir = tmp();
  const big = join(dir, 'big.onnx');
  writeFileSync(big, writeModel(buildLargeModel(20000)));
  const design = 'file:///tmp/ll-model-files-small.onnxtxt';
  const got = new Promise<void>((r) => diagnosed.set(design, r));
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri: design, languageId: 'onnxtxt', version: 1, text: '<ir_version: 8, opset_import: ["" : 17]>\nd (float[1,4] x) => (float[1,4] y)\n{\n   y = Relu (x)\n}\n' },
  });
  await got;
  // Cancelled while the worker loads it: RequestCancelled; the worker keeps what it did.
  const source = new CancellationTokenSource();
  const cancelled = conn.sendRequest('layerlens/graphView', { uri: uriOf(big), dims: { batch: 1, seq: 8 } }, source.token);
  source.cancel();
  await assert.rejects(cancelled, (e: { code?: number }) => e.code === -32800);
  const order: string[] = [];
  const view = graphView(uriOf(big), { batch: 1, seq: 16 }).then((vm) => {
    order.push('graph view');
    return vm;
  });
  const summary = (conn.sendRequest('layerlens/modelSummary', { uri: design }) as Promise<ModelSummaryResult>).then((s) => {
    order.push('summary');
    return s;
  });
  assert.equal((await summary).nodes, 1);
  const vm = await view;
  assert.deepEqual(order, ['summary', 'graph view']);
  assert.equal(vm.nodes.filter((n) => n.kind === 'op').length, proto(big).graph!.node.length);

  // A worker that runs out of memory (its heap capped at 48 MB here) fails that request with
  // ModelWorkerError; the server lives on and the next request gets a new worker.
  const small = await startServer({ env: { LAYERLENS_MODEL_WORKER_HEAP_MB: '48' } });
  const c3 = small.conn;
  try {
    await rejectsTyped(c3.sendRequest('layerlens/graphView', { uri: uriOf(big), dims: { batch: 1, seq: 16 } }), 'ModelWorkerError', /the model worker stopped .*the next request starts a new worker/);
    const again = (await c3.sendRequest('layerlens/graphView', { uri: uriOf(SAMPLE) })) as ViewModel;
    assert.equal(again.nodes.filter((n) => n.kind === 'op').length, 15);
  } finally {
    small.close();
  }
});
