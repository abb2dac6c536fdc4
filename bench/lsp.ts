// `npm run bench`, language-server part: a generated 5,000-node model's text view opened in the
// built server over stdio; time to the first diagnostics (parse + analysis), then request latencies
// (medians of 10) once it is loaded; then a real detection model's text view (size and times).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeModel } from '../src/core/onnx/writer';
import { median } from '../src/core/profile/stats';
import { TextViewRequest, textViewUriFor } from '../src/protocol/requests';
import { realModelPath } from '../test/support/models';
import { startServer } from '../test/support/server';
import { buildLargeModel } from './large-model';

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  mkdirSync(join(root, '.cache'), { recursive: true });
  const file = join(root, '.cache', 'bench-5k.onnx');
  const model = buildLargeModel(5000);
  writeFileSync(file, writeModel(model));
  let diagnosed: () => void = () => undefined;
  const server = await startServer({ onDiagnostics: () => diagnosed() });
  const conn = server.conn;
  const fileUri = pathToFileURL(file).href;
  let t = performance.now();
  const { text } = (await conn.sendRequest('layerlens/textView', { uri: fileUri })) as { text: string };
  const textViewMs = performance.now() - t;
  const uri = textViewUriFor(fileUri);
  t = performance.now();
  const done = new Promise<void>((r) => (diagnosed = r));
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'onnxtxt', version: 1, text } });
  await done;
  const firstDiagnosticsMs = performance.now() - t - 150; // minus the debounce
  const line = text.split('\n').findIndex((l) => l.includes('/encoder/layer.100/attn/scores'));
  const time = async (f: () => Promise<unknown>): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await f();
      xs.push(performance.now() - t0);
    }
    return median(xs);
  };
  const hoverMs = await time(() => conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 8 } }));
  const viewMs = await time(() => conn.sendRequest('layerlens/graphView', { uri }));
  const fixesMs = await time(() => conn.sendRequest('layerlens/listFixes', { uri, node: '/encoder/layer.100/ln/mean' }));
  const symbolsMs = await time(() => conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }));
  console.log(`\nlanguage server, generated model with ${model.graph.nodes.length} nodes (${(text.length / 1e6).toFixed(1)} MB of text):`);
  console.log(`text view ${textViewMs.toFixed(0)} ms; first diagnostics (parse + analysis + rule sites) ${firstDiagnosticsMs.toFixed(0)} ms`);
  console.log(`once loaded (medians of 10): hover ${hoverMs.toFixed(1)} ms, graph view ${viewMs.toFixed(1)} ms, list fixes ${fixesMs.toFixed(1)} ms, symbols ${symbolsMs.toFixed(1)} ms`);

  // A real detection model whose weights are all Constant nodes (their values elided in the text).
  const det = pathToFileURL(realModelPath('ppocr-det.onnx')).href;
  t = performance.now();
  const detText = (await conn.sendRequest(TextViewRequest.type, { uri: det })).text;
  const detMs = performance.now() - t;
  const detUri = textViewUriFor(det);
  t = performance.now();
  const detDone = new Promise<void>((r) => (diagnosed = r));
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: detUri, languageId: 'onnxtxt', version: 1, text: detText } });
  await detDone;
  const detDiagnosticsMs = performance.now() - t - 150;
  const longest = Math.max(...detText.split('\n').map((l) => l.length));
  console.log(`ppocr-det.onnx (4.7 MB): text view ${detMs.toFixed(0)} ms, ${(detText.length / 1e3).toFixed(0)} kB of text, longest line ${longest} characters; first diagnostics ${detDiagnosticsMs.toFixed(0)} ms`);
  server.close();
}

void main();
