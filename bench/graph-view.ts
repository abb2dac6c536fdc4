// `npm run bench`, graph-view part: the built language server over stdio answers `layerlens/graphView`
// for a `file:` URI of a generated 20,000-node model (not open as a document; the model worker loads,
// analyses and keeps it). Cold = first request (read + decode + analysis + view model + transfer);
// warm = medians of 10 from the worker's cache; also node details (first one lists every rule's sites),
// another dims binding (the decoded model is shared), and a text-document request sent during the
// cold load (the main thread stays free).
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeModel } from '../src/core/onnx/writer';
import { median } from '../src/core/profile/stats';
import { startServer } from '../test/support/server';
import { buildLargeModel } from './large-model';

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  mkdirSync(join(root, '.cache'), { recursive: true });
  const file = join(root, '.cache', 'bench-graph-20k.onnx');
  const model = buildLargeModel(20000);
  writeFileSync(file, writeModel(model));
  let diagnosed: () => void = () => undefined;
  const server = await startServer({ onDiagnostics: () => diagnosed() });
  const conn = server.conn;
  const small = 'file:///tmp/bench-small.onnxtxt';
  const opened = new Promise<void>((r) => (diagnosed = r));
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: small, languageId: 'onnxtxt', version: 1, text: '<ir_version: 8, opset_import: ["" : 17]>\nd (float[1,4] x) => (float[1,4] y)\n{\n   y = Relu (x)\n}\n' } });
  await opened;

  const uri = pathToFileURL(file).href;
  const dims = { batch: 1, seq: 128 };
  const timed = async <T>(f: () => Promise<T>): Promise<[number, T]> => {
    const t0 = performance.now();
    const r = await f();
    return [performance.now() - t0, r];
  };
  const warm = async (f: () => Promise<unknown>): Promise<{ med: number; min: number; max: number }> => {
    const xs: number[] = [];
    for (let i = 0; i < 10; i++) xs.push((await timed(f))[0]);
    return { med: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
  };
  const view = (d: object) => conn.sendRequest('layerlens/graphView', { uri, dims: d });
  const duringCold = timed(() => new Promise((r) => setTimeout(r, 5)).then(() => conn.sendRequest('layerlens/modelSummary', { uri: small })));
  const [coldMs, vm] = await timed(() => view(dims));
  const [otherDuringMs] = await duringCold;
  const text = JSON.stringify(vm);
  const jsonMB = text.length / 1e6;
  // What the client alone spends parsing that much JSON (part of every warm figure below).
  const parseMs = median(Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    JSON.parse(text);
    return performance.now() - t0;
  }));
  const warmView = await warm(() => view(dims));
  const node = '/encoder/layer.100/attn/q/MatMul';
  const [detailsColdMs] = await timed(() => conn.sendRequest('layerlens/nodeDetails', { uri, dims, node }));
  const warmDetails = await warm(() => conn.sendRequest('layerlens/nodeDetails', { uri, dims, node }));
  const warmFixes = await warm(() => conn.sendRequest('layerlens/listFixes', { uri, dims, node: '/encoder/layer.100/ln/mean' }));
  const warmSummary = await warm(() => conn.sendRequest('layerlens/modelSummary', { uri, dims }));
  const [otherDimsMs] = await timed(() => view({ batch: 4, seq: 128 }));
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
  const [reloadMs] = await timed(() => view(dims));
  const f = (x: { med: number; min: number; max: number }): string => `${x.med.toFixed(1)} ms (${x.min.toFixed(1)}–${x.max.toFixed(1)})`;
  console.log(`\ngraph view of a file: URI, generated model with ${model.graph.nodes.length} nodes (${(statSync(file).size / 1e6).toFixed(1)} MB file, view model ${jsonMB.toFixed(1)} MB of JSON):`);
  console.log(`cold (first request: read, decode, analyse, view model, transfer) ${coldMs.toFixed(0)} ms; a text-document request sent meanwhile answered in ${otherDuringMs.toFixed(1)} ms`);
  console.log(`warm graph view, median of 10 (min–max): ${f(warmView)}, of which the client's JSON.parse of the response is ~${parseMs.toFixed(0)} ms`);
  console.log(`node details: first ${detailsColdMs.toFixed(0)} ms (lists every rule's sites once), then ${f(warmDetails)}; list fixes ${f(warmFixes)}; summary ${f(warmSummary)}`);
  console.log(`other dims (decoded model shared, analysis + view again) ${otherDimsMs.toFixed(0)} ms; after didChangeWatchedFiles (reload) ${reloadMs.toFixed(0)} ms`);

  // The real models, cold, as text (as: 'text', the compare view's form: the JSON passed on unparsed; the graph editor asks for it gzip-compressed).
  const real: [string, Record<string, number>][] = [
    ['samples/tiny-cnn.onnx', { batch: 1 }],
    ['.cache/models/ppocr-cls.onnx', { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 192 }],
    ['.cache/models/ppocr-rec.onnx', { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320 }],
    ['.cache/models/hello-deepa.onnx', {}],
    ['.cache/models/silero-vad-v5.onnx', {}],
    ['.cache/models/silero-vad-legacy.onnx', { batch: 1, sequence: 512 }],
  ];
  const cold: string[] = [];
  for (const [f2, d2] of real) {
    const [ms] = await timed(() => conn.sendRequest('layerlens/graphView', { uri: pathToFileURL(join(root, f2)).href, dims: d2, as: 'text' }));
    cold.push(`${f2.split('/').pop()} ${ms.toFixed(0)} ms`);
  }
  console.log(`cold graph view of the real models (as: 'text'): ${cold.join('; ')}`);
  server.close();
}

void main();
