// Models' text views through the built server over stdio: a real detection model (PaddleOCR's
// PP-OCRv4 detector, 4.7 MB, every weight a Constant node) gives a small text — constants elided like
// initializers, shown on demand by hover and layerlens/tensorValues — whose every document symbol has
// a name (342 of its 672 were empty); the text is served from the model worker with the printer's
// range map, and answers exactly what parsing the same text answers; long text views and fix
// previews report work-done progress. Oracles: the protobuf decoded with @bufbuild (not our reader),
// the graph view's node names, and the main thread's own parse of the same text.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { WorkDoneProgress, type CodeLens, type Diagnostic, type DocumentSymbol, type Hover, type InlayHint, type Location, type MessageConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { ModelProtoSchema, type TensorProto } from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';
import { DataType } from '../../src/core/ir/data-type';
import { ApplyFixCommand } from '../../src/protocol/fixes';
import { GraphViewRequest, TensorValuesRequest, TextViewRequest } from '../../src/protocol/requests';
import type { ViewModel } from '../../src/protocol/view-model';
import { openTextView, tmp, uriOf } from '../support/lsp';
import { realModelPath, SAMPLE } from '../support/models';
import { startServer, type ServerProcess } from '../support/server';

let server: ServerProcess;
let conn: MessageConnection;
const diagnosed = new Map<string, (p: unknown) => void>();
const det = realModelPath('ppocr-det.onnx');

before(async () => {
  server = await startServer({ onDiagnostics: (p) => diagnosed.get(p.uri)?.(p) });
  conn = server.conn;
});

after(() => server.close());

/** Leaf symbols (nodes) as scope paths, and every symbol's name. */
function walk(symbols: DocumentSymbol[], prefix: string[] = [], leaves: string[] = [], names: string[] = []): { leaves: string[]; names: string[] } {
  for (const s of symbols) {
    names.push(s.name);
    if (s.children?.length) walk(s.children, [...prefix, s.name], leaves, names);
    else if (s.kind === 12) leaves.push([...prefix, s.name].join('/'));
  }
  return { leaves, names };
}

test('the detection model: a text of < 1 MB with short lines, every symbol named as the graph view names its node', async () => {
  const fileUri = uriOf(det);
  const { uri, text } = await openTextView(conn, diagnosed, fileUri);
  assert.ok(text.length < 1_000_000, `${text.length} characters`);
  const longest = Math.max(...text.split('\n').map((l) => l.length));
  assert.ok(longest < 2000, `longest line ${longest}`);
  // Only small tensors are written out (the printer's 16).
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) assert.ok(m[1]!.split(',').length <= 16, m[0].slice(0, 80));
  const symbols = (await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
  const { leaves, names } = walk(symbols);
  assert.deepEqual(names.filter((n) => !n.trim()), [], 'no empty or blank names');
  const proto = fromBinary(ModelProtoSchema, readFileSync(det));
  assert.equal(leaves.length, proto.graph!.node.length);
  assert.equal(proto.graph!.node.filter((n) => !n.name).length, 342, 'the model has 342 unnamed nodes');
  const view = (await conn.sendRequest(GraphViewRequest.type, { uri: fileUri })) as ViewModel;
  const viewNames = view.nodes.filter((n) => n.kind === 'op').map((n) => n.name.split('/').filter(Boolean).join('/'));
  assert.deepEqual([...leaves].sort(), [...viewNames].sort());
});

/** A float tensor's elements straight from the protobuf. */
function floats(t: TensorProto): number[] {
  assert.equal(t.dataType, DataType.FLOAT);
  const dv = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
  return t.rawData.length ? Array.from({ length: t.rawData.length / 4 }, (_, i) => dv.getFloat32(i * 4, true)) : [...t.floatData];
}

test('an elided constant: the hover says what it holds, layerlens/tensorValues gives every value', async () => {
  const fileUri = uriOf(det);
  const { uri, text } = await openTextView(conn, diagnosed, fileUri);
  const proto = fromBinary(ModelProtoSchema, readFileSync(det));
  const node = proto.graph!.node.find((n) => n.opType === 'Constant' && n.attribute[0]!.t!.dims.reduce((a, d) => a * Number(d), 1) > 1000)!;
  const t = node.attribute.find((a) => a.name === 'value')!.t!;
  const values = floats(t);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(`"${node.output[0]}" = Constant`) || l.includes(`${node.output[0]} = Constant`));
  assert.ok(line >= 0, `the Constant defining ${node.output[0]}`);
  assert.doesNotMatch(lines[line]!, /\{/, 'its values are not written');
  const hover = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('Constant') } })) as Hover;
  const md = (hover.contents as { value: string }).value;
  assert.match(md, new RegExp(`value \`float\\[${t.dims.join(',')}\\]\`: ${values.length.toLocaleString('en-US')} values, not written in the text`));
  const first = /first values: `([^`]*)`/.exec(md)![1]!.replace(', …', '').split(', ').map(Number);
  assert.equal(first.length, 8);
  first.forEach((v, i) => assert.ok(Math.abs(v - values[i]!) <= 1e-6 * Math.max(1, Math.abs(values[i]!)), `first value ${i}: ${v} vs ${values[i]}`));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const hoverMean = Number(/mean (-?[\d.e+-]+)/.exec(md)![1]);
  assert.ok(Math.abs(hoverMean - mean) <= 1e-5 * Math.max(1, Math.abs(mean)), `${hoverMean} vs ${mean}`);
  // Every value, from the text view's URI and from the file's.
  for (const u of [uri, fileUri]) {
    const r = (await conn.sendRequest(TensorValuesRequest.type, { uri: u, name: node.output[0]! }))!;
    assert.deepEqual([r.dtype, r.dims, r.elements, r.shown], ['float', t.dims.map(Number), values.length, values.length]);
    const got = r.text.split(', ').map(Number);
    assert.equal(got.length, values.length);
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs(got[i]! - values[i]!) <= 1e-6 * Math.max(1, Math.abs(values[i]!)), `value ${i}: ${got[i]} vs ${values[i]}`);
  }
  assert.match(md, /request layerlens\/tensorValues gives them all/, 'no command link for a client that has none');
  // A client with a command for it (the VS Code extension) gets a link naming the document and value.
  const linked = await startServer({ initializationOptions: { showValuesCommand: 'layerlens.showTensorValues' }, onDiagnostics: (p) => diagnosed.get(p.uri)?.(p) });
  try {
    await openTextView(linked.conn, diagnosed, fileUri);
    const h = (await linked.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('Constant') } })) as Hover;
    const link = /\[show all values\]\(command:layerlens\.showTensorValues\?([^)]*)\)/.exec((h.contents as { value: string }).value);
    assert.ok(link, (h.contents as { value: string }).value);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1]!)), [uri, node.output[0]]);
  } finally {
    linked.close();
  }
  const few = (await conn.sendRequest(TensorValuesRequest.type, { uri: fileUri, name: node.output[0]!, limit: 3 }))!;
  assert.equal(few.shown, 3);
  assert.equal(few.text.split(', ').length, 3);
  assert.equal(await conn.sendRequest(TensorValuesRequest.type, { uri: fileUri, name: 'no such value' }), null);
});

test('a text view answers what parsing its text answers: diagnostics, symbols, hints, lenses, hovers, definitions', async () => {
  for (const path of [SAMPLE, det]) {
    const fileUri = uriOf(path);
    const view = await openTextView(conn, diagnosed, fileUri);
    const viewDiagnostics = await new Promise<Diagnostic[]>((r) => {
      // Diagnostics again for a fresh look at both documents side by side.
      diagnosed.set(view.uri, (p) => r((p as PublishDiagnosticsParams).diagnostics));
      void conn.sendNotification('textDocument/didChange', { textDocument: { uri: view.uri, version: 2 }, contentChanges: [{ text: view.text }] });
    });
    const copy = `file:///ll-text-view-copy/${path.split('/').pop()}.onnxtxt`;
    const parsed = await new Promise<Diagnostic[]>((r) => {
      diagnosed.set(copy, (p) => r((p as PublishDiagnosticsParams).diagnostics));
      void conn.sendNotification('textDocument/didOpen', { textDocument: { uri: copy, languageId: 'onnxtxt', version: 1, text: view.text } });
    });
    assert.deepEqual(viewDiagnostics, parsed, `${path}: diagnostics`);
    const ask = async <T>(method: string, extra: object = {}): Promise<[T, T]> =>
      [await conn.sendRequest(method, { textDocument: { uri: view.uri }, ...extra }), await conn.sendRequest(method, { textDocument: { uri: copy }, ...extra })] as [T, T];
    const [s1, s2] = await ask<DocumentSymbol[]>('textDocument/documentSymbol');
    assert.deepEqual(s1, s2, `${path}: symbols`);
    const lines = view.text.split('\n');
    const [h1, h2] = await ask<InlayHint[]>('textDocument/inlayHint', { range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } });
    assert.ok(h1.length > 10);
    assert.deepEqual(h1, h2, `${path}: inlay hints`);
    const [l1, l2] = await ask<CodeLens[]>('textDocument/codeLens');
    assert.deepEqual(l1.map((l) => l.command?.title), l2.map((l) => l.command?.title), `${path}: code lens`);
    // Hovers on every non-Constant node (a Constant's hover says more where the data is), and the
    // definition of each node's first input.
    let compared = 0;
    for (let line = 0; line < lines.length; line++) {
      const text = lines[line]!;
      if (!/^\s+(\[.*\] )?.* = [\w.]+/.test(text) || / = Constant\b/.test(text)) continue;
      const position = { line, character: text.search(/\S/) + 1 };
      const [a, b] = await ask<Hover | null>('textDocument/hover', { position });
      assert.deepEqual(a, b, `${path}:${line + 1}: hover`);
      const input = text.indexOf('(', text.indexOf(' = ')) + 2;
      const [d1, d2] = await ask<Location[]>('textDocument/definition', { position: { line, character: input } });
      assert.deepEqual(d1.map((d) => d.range), d2.map((d) => d.range), `${path}:${line + 1}: definition`);
      compared++;
    }
    assert.ok(compared >= 10, `${compared} nodes compared`);
    // The view is answered where the data is (the model worker): a Constant's hover shows its values;
    // the parse of the text has the declaration only.
    const constant = lines.findIndex((l) => / = Constant </.test(l) && !/\{/.test(l));
    if (constant >= 0) {
      const [a, b] = await ask<Hover>('textDocument/hover', { position: { line: constant, character: lines[constant]!.indexOf('Constant') } });
      assert.match((a.contents as { value: string }).value, /first values: /);
      assert.match((b.contents as { value: string }).value, /declared by type and shape only/);
    } else assert.equal(path, SAMPLE, 'the detection model has elided constants');
  }
});

test('a text view and a fix preview report work-done progress', async () => {
  const seen = async (token: string, run: () => Promise<unknown>): Promise<string[]> => {
    const kinds: string[] = [];
    const sub = conn.onProgress(WorkDoneProgress.type, token, (v) => kinds.push(`${v.kind}${'message' in v && v.message ? `: ${v.message}` : ''}`));
    await run();
    sub.dispose();
    return kinds;
  };
  const text = await seen('text-1', () => conn.sendRequest(TextViewRequest.type, { uri: uriOf(det), workDoneToken: 'text-1' }));
  assert.deepEqual(text, ['begin: reading the model', 'report: printing its text', 'end']);
  const dir = tmp('ll-text-view-');
  copyFileSync(SAMPLE, join(dir, 'tiny.onnx'));
  const fix = await seen('fix-1', () => conn.sendRequest(ApplyFixCommand.request, ApplyFixCommand.params({ modelUri: uriOf(join(dir, 'tiny.onnx')), ruleId: 'fuse-conv-batchnorm', write: 'preview' }, 'fix-1')));
  assert.deepEqual(fix, ['begin: rewriting the model, saving a candidate and running both in ONNX Runtime', 'end']);
});
