// The graph editor sends the view model as gzip-compressed JSON bytes (src/extension/graph-editor.ts,
// GraphViewGzip): the built webview in real Chromium inflates it with DecompressionStream and paints the
// same graph, and a message the host posts right after the model is applied after it, not before.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { realModelPath, SAMPLE } from '../support/models';
import { openGraphView, showModel, type WebviewPage } from './page';
import { viewOfFile } from './views';

let w: WebviewPage;

before(async () => {
  w = await openGraphView();
});
after(() => w.close());

/** Posts the model as the extension host does (gzip bytes), then at once a colour-metric change. */
async function postCompressed(base64: string, fileName: string): Promise<void> {
  await w.page.evaluate(
    ({ base64, fileName }) => {
      delete document.body.dataset.ready;
      delete document.body.dataset.completeMs;
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      window.postMessage({ type: 'model', fileName, view: bytes, colorMetric: 'macs', profile: null, dims: {} }, '*');
      window.postMessage({ type: 'colorMetric', metric: 'params' }, '*');
    },
    { base64, fileName },
  );
  await w.page.waitForSelector('body[data-complete-ms]', { timeout: 60_000 });
}

const drawnKeys = (): Promise<string[]> => w.page.locator('svg.graph g.kind-node').evaluateAll((gs) => gs.map((g) => (g as SVGGElement).dataset.key ?? '').sort());

for (const [label, path, dims] of [
  ['the sample', SAMPLE, { batch: 1 }],
  ['ppocr-det (672 nodes)', realModelPath('ppocr-det.onnx'), {}],
] as const) {
  test(`${label}: gzip-compressed view model bytes are inflated and painted as the view model itself is`, async () => {
    const { view } = viewOfFile(path, dims);
    // The same view model posted as an object: what should be drawn.
    await w.page.evaluate(() => delete document.body.dataset.completeMs);
    await showModel(w, view, `${label}-plain.onnx`);
    await w.page.waitForSelector('body[data-complete-ms]', { timeout: 60_000 });
    const expected = await drawnKeys();
    assert.ok(expected.length >= Math.min(view.nodes.length, 15), `${expected.length} nodes drawn`);

    const json = Buffer.from(JSON.stringify(view), 'utf8');
    const packed = gzipSync(json, { level: 3 });
    assert.ok(packed.length < json.length / 4);
    await postCompressed(packed.toString('base64'), `${label}.onnx`);
    assert.deepEqual(await drawnKeys(), expected);
    // The metric change posted after the model holds: the model did not overwrite it.
    assert.equal(await w.page.locator('#metric').evaluate((e) => (e as HTMLElement & { value: string }).value), 'params');
    assert.deepEqual((await w.posted()).filter((m) => m.type === 'log'), []);
  });
}

test('bytes that are not gzip are reported to the host, not thrown away silently', async () => {
  const before = (await w.posted()).length;
  await w.page.evaluate(() => window.postMessage({ type: 'model', fileName: 'bad.onnx', view: new Uint8Array([1, 2, 3, 4]), colorMetric: 'macs', profile: null, dims: {} }, '*'));
  await w.page.waitForFunction((n) => (window as unknown as { __posted: unknown[] }).__posted.length > n, before, { timeout: 10_000 });
  const logs = (await w.posted()).slice(before).filter((m) => m.type === 'log') as { message?: string }[];
  assert.equal(logs.length, 1);
  assert.match(logs[0]!.message ?? '', /could not be read/);
  // The messages after it are still handled.
  await w.send({ type: 'colorMetric', metric: 'flops' });
  assert.equal(await w.page.locator('#metric').evaluate((e) => (e as HTMLElement & { value: string }).value), 'flops');
});
