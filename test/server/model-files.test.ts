// The language server's requests about binary .onnx files that are not open as documents (the graph
// editor's case), spoken to over stdio with a real JSON-RPC client against the built dist/server.js:
// graph view, node details with weight statistics, list fixes and summary through the model worker;
// typed errors for hostile files; cache invalidation. (Fixes and profiles: fixes.test.ts; worker
// limits: workers.test.ts.) Oracles: the protobuf decoded directly with @bufbuild (not our reader), ONNX
// Runtime in process, and the same requests answered for the model's text view.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-languageserver-protocol/node';
import { ModelProtoSchema, ValueInfoProtoSchema, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';
import { DataType } from '../../src/core/ir/data-type';
import type { ViewGraph, ViewModel } from '../../src/protocol/view-model';
import type { ModelSummaryResult, NodeDetailsResult, WeightStats } from '../../src/protocol/requests';
import type { ModelErrorData } from '../../src/protocol/rpc';
import { openTextView as openView, rejectsTyped, tmp as tmpFolder, uriOf } from '../support/lsp';
import { realModelPath, ROOT, SAMPLE } from '../support/models';
import { makeInputs, runOrt } from '../support/ort';
import { startServer, type ServerProcess } from '../support/server';

let conn: MessageConnection;
const diagnosed = new Map<string, (p: unknown) => void>();

let server: ServerProcess;

before(async () => {
  server = await startServer({ onDiagnostics: (p) => diagnosed.get(p.uri)?.(p) });
  conn = server.conn;
});

after(() => server.close());

const proto = (path: string): ModelProto => fromBinary(ModelProtoSchema, readFileSync(path));
const tmp = (): string => tmpFolder('ll-model-files-');
const graphView = (uri: string, dims?: Record<string, number>): Promise<ViewModel> => conn.sendRequest('layerlens/graphView', { uri, ...(dims ? { dims } : {}) });
const openTextView = async (fileUri: string): Promise<string> => (await openView(conn, diagnosed, fileUri)).uri;

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
  const text = (await conn.sendRequest('layerlens/graphView', { uri: uriOf(SAMPLE), dims: { batch: 1 }, as: 'text' })) as { json: string; summary: unknown };
  assert.equal(typeof text.json, 'string');
  assert.deepEqual(JSON.parse(text.json), tiny);
  // As gzip (what the graph editor asks for): that JSON text compressed, in base64, with its length.
  const packed = (await conn.sendRequest('layerlens/graphView', { uri: uriOf(SAMPLE), dims: { batch: 1 }, as: 'gzip' })) as { gzip: string; bytes: number; summary: unknown };
  const unpacked = gunzipSync(Buffer.from(packed.gzip, 'base64'));
  assert.equal(unpacked.length, packed.bytes);
  assert.equal(unpacked.toString('utf8'), text.json);
  assert.ok(Buffer.from(packed.gzip, 'base64').length < packed.bytes / 4, 'the view model compresses');
  assert.deepEqual(packed.summary, text.summary);

  // Over node IPC the same view model arrives (stdio writes the worker's JSON as it is; IPC re-serialises).
  const ipc = fork(join(ROOT, 'dist', 'server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const c2 = createMessageConnection(new IPCMessageReader(ipc), new IPCMessageWriter(ipc));
  c2.listen();
  try {
    await c2.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(ROOT).href, capabilities: {} });
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
    // The text view is answered from the same decoded model: weight statistics included.
    assert.deepEqual(fromText, fromFile, name);
    const { weights } = fromFile;
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
  const bn = (await conn.sendRequest('layerlens/listFixes', { uri: fileUri, node: '/features/block2/bn' })) as { fixes: { ruleId: string; ok: boolean; top: boolean; headline: string; text: string }[] };
  const fold = bn.fixes.find((f) => f.ruleId === 'fuse-conv-batchnorm');
  assert.ok(fold?.ok);
  // Ranked (docs/optimizations.md): ORT folds BN into the Conv when it loads the model, so the fold's
  // estimate counts no time gain and says why (its small file gain is what ranks it); top fixes come first.
  assert.match(fold.text || fold.headline, /no latency gain with ONNX Runtime|file −/);
  if (fold.top) assert.match(fold.text, /no latency gain with ONNX Runtime/);
  const firstMore = bn.fixes.findIndex((f) => !f.top);
  assert.ok(bn.fixes.slice(firstMore).every((f) => !f.top), 'top fixes first');
  for (const f of bn.fixes.filter((x) => x.top)) assert.ok(f.ok && f.text.length > 0, f.ruleId);
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
