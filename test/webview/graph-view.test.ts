// The graph view's webview in a real Chromium (the built bundle, its real CSP and layout worker), fed
// view models of real models: what it draws, group sums, hover facts, search, the layer table, the
// heat map, profile overlay, image export, error page, and hostile names rendered as text only.
// The VS Code side is stood in for by test/webview/page.ts (see there); test/vscode covers the real one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DataType } from '../../src/core/ir/data-type';
import { newModel } from '../../src/core/ir/builder';
import { profileModel } from '../../src/node/ort/profile';
import type { ProfileResult } from '../../src/protocol/requests';
import { realModelPath, SAMPLE } from '../support/models';
import { openGraphView, showModel, type WebviewPage } from './page';
import { viewOfFile, viewOfModel } from './views';

let w: WebviewPage;

before(async () => {
  w = await openGraphView();
});
after(() => w.close());

const show = (view: ReturnType<typeof viewOfFile>['view'], fileName: string, metric: 'macs' | 'none' = 'macs', profile: ProfileResult | null = null): Promise<void> => showModel(w, view, fileName, { metric, profile });

const boxText = (key: string) => w.page.locator(`svg.graph [data-key="${key}"]`).first().getAttribute('aria-label');

test('the sample: every node and graph input/output drawn, groups with their sums, hover with the node’s costs', async () => {
  const { view, analysis } = viewOfFile(SAMPLE, { batch: 1 });
  await show(view, 'tiny-cnn.onnx');
  // 15 op nodes + 1 input + 1 output, all visible after the automatic expansion of a small model.
  assert.equal(await w.page.locator('g.kind-node').count(), 17);
  const features = analysis.report.nodes.filter((n) => n.name.startsWith('/features/'));
  const macs = features.reduce((a, n) => a + (n.macs ?? 0), 0);
  const header = await boxText('#g/features');
  assert.match(header!, new RegExp(`features · ${features.length} nodes · ${(macs / 1e6).toFixed(2)} MMACs`));
  // Hover a Conv: its MACs as the cost model computed them, its output type.
  const conv = analysis.report.nodes.find((n) => n.name === '/features/block2/conv')!;
  const id = view.nodes.find((n) => n.name === conv.name)!.id;
  await w.page.locator(`svg.graph [data-key="#n${id}"]`).hover();
  const tip = w.page.locator('.tooltip:not([hidden])');
  await tip.waitFor();
  const text = await tip.textContent();
  assert.ok(text!.includes(`${(conv.macs! / 1e6).toFixed(2)} MMACs`), text!);
  assert.ok(text!.includes('float[1,32,16,16]'), text!);
  // The page asked its host which rewrites apply there, as the LSP hover lists them.
  const asked = (await w.posted()).filter((m) => m.type === 'listFixes' && m.node === conv.name);
  assert.equal(asked.length, 1);
});

test('the heat map colours the node with the most MACs darkest and marks unknown costs as unknown', async () => {
  const { view, analysis } = viewOfFile(SAMPLE, {});
  await show(view, 'tiny-cnn.onnx');
  // batch unbound: Conv MACs unknown → hatched, not coloured as 0.
  const conv1 = view.nodes.find((n) => n.name === '/features/block1/conv')!;
  assert.equal(conv1.macs, null);
  const cls = await w.page.locator(`svg.graph [data-key="#n${conv1.id}"] rect`).first().getAttribute('class');
  assert.match(cls!, /unknown/);
  assert.equal(await w.page.locator('#bind-dims').count(), 1, 'a banner offers to bind the symbolic dims');
  const bound = viewOfFile(SAMPLE, { batch: 1 });
  await show(bound.view, 'tiny-cnn.onnx');
  const known = bound.analysis.report.nodes.filter((n) => n.macs !== null && n.macs > 0);
  const top = known.reduce((a, b) => (b.macs! > a.macs! ? b : a));
  const topId = bound.view.nodes.find((n) => n.name === top.name)!.id;
  const fill = await w.page.locator(`svg.graph [data-key="#n${topId}"] rect`).first().evaluate((r) => getComputedStyle(r).fill);
  assert.equal(fill, 'rgb(180, 20, 40)');
  void analysis;
});

test('expanding and collapsing a group, and the layer table sorted by MACs', async () => {
  const { view, analysis } = viewOfFile(SAMPLE, { batch: 1 });
  await show(view, 'tiny-cnn.onnx');
  await w.page.locator('svg.graph [data-header="#g/features/block2"] .toggle').click();
  await w.page.waitForFunction(() => !document.querySelector('[data-key="#g/features/block2"]')?.classList.contains('open'));
  assert.match((await boxText('#g/features/block2'))!, /3 nodes/);
  assert.equal(await w.page.locator('g.kind-node').count(), 14);
  await w.page.locator('svg.graph [data-key="#g/features/block2"]').first().click();
  await w.page.waitForFunction(() => document.querySelector('[data-key="#g/features/block2"]')?.classList.contains('open'));
  await w.page.locator('#toggle-table').click();
  const first = await w.page.locator('.table-rows .tr').first().locator('.td').first().textContent();
  const byMacs = [...analysis.report.nodes].sort((a, b) => (b.macs ?? -1) - (a.macs ?? -1));
  assert.equal(first, byMacs[0]!.name);
  await w.page.locator('.th[data-col="name"]').click();
  const names = await w.page.locator('.table-rows .tr .td:first-child').allTextContents();
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
  await w.page.locator('#toggle-table').click();
});

test('search by op type highlights every match; Enter selects the next and shows its details', async () => {
  const { view } = viewOfFile(SAMPLE, { batch: 1 });
  await show(view, 'tiny-cnn.onnx');
  await w.page.locator('#search input, #search').first().click();
  await w.page.keyboard.type('BatchNormalization');
  await w.page.waitForFunction(() => document.querySelectorAll('g.highlight').length === 3);
  await w.page.keyboard.press('Enter');
  await w.page.waitForSelector('g.selected');
  const sel = await w.page.locator('g.selected .name').textContent();
  assert.equal(sel, 'bn');
  const req = (await w.posted()).filter((m) => m.type === 'nodeDetails').pop();
  assert.equal(req?.node, '/features/block1/bn');
});

test('node names and strings with HTML or script are shown as text and never run; the CSP blocks inline script', async () => {
  const { model, b } = newModel('hostile');
  const x = b.input('<img src=x onerror="window.__pwned=1">', DataType.FLOAT, [1, 4]);
  const [y] = b.node('Relu', [x], {}, { name: '<script>window.__pwned=2</script>/"><svg onload=window.__pwned=3>' });
  b.output(y!, DataType.FLOAT, [1, 4]);
  const { view } = viewOfModel(model);
  await show(view, '<b>evil</b>.onnx');
  const texts = await w.page.locator('svg.graph').textContent();
  assert.ok(texts!.includes('<img src=x'), 'the input name is drawn as text');
  assert.equal(await w.page.locator('svg.graph img, svg.graph script, svg.graph svg svg').count(), 0);
  assert.equal(await w.page.locator('.toolbar .file').textContent(), '<b>evil</b>.onnx');
  // Even markup injected into the page cannot run an inline handler under the policy.
  await w.page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__pwned=4">'));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.ok(w.browser.consoleErrors.some((e) => /Content Security Policy/.test(e)), 'the browser reported the blocked handler');
});

test('a model that fails to load shows its typed error and offers Open as Text', async () => {
  await w.send({ type: 'error', fileName: 'broken.onnx', name: 'ModelFormatError', message: 'truncated or corrupt protobuf at byte 1234 (file ends at 1200)', hint: 'The file may be truncated.' });
  await w.page.waitForSelector('.error-page');
  assert.equal(await w.page.locator('.error-name').textContent(), 'ModelFormatError');
  assert.match((await w.page.locator('.error-message').textContent())!, /byte 1234/);
  await w.page.locator('#open-as-text').click();
  assert.equal((await w.posted()).at(-1)?.type, 'openAsText');
});

test('If bodies expand in place; a profile overlays measured latency and lists the slowest layers', async () => {
  const path = realModelPath('silero-vad-v5.onnx');
  const { view } = viewOfFile(path, {});
  await show(view, 'silero-vad-v5.onnx');
  const ifNode = view.nodes.find((n) => n.opType === 'If')!;
  await w.page.locator(`svg.graph [data-key="#n${ifNode.id}"] .toggle`).click();
  await w.page.waitForFunction((k) => document.querySelectorAll(`[data-key^="${k}>"]`).length > 0, `#n${ifNode.id}`);
  const bodies = await w.page.locator(`[data-key^="#n${ifNode.id}>"].kind-body`).count();
  assert.equal(bodies, ifNode.subgraphs!.length);

  const r = await profileModel(SAMPLE, { bindings: { dims: { batch: 1 } }, mode: 'per-node', runs: 3, machine: false });
  const nodes = [...r.nodes].map(([n, x]) => ({ name: n.displayName, opType: n.opType, medianUs: x.medianUs, share: x.share, verdict: x.verdict }));
  const result: ProfileResult = { mode: r.attribution.mode, medianMs: r.latency!.medianMs, p10Ms: r.latency!.p10Ms, p90Ms: r.latency!.p90Ms, coverage: r.attribution.coverage, nodes };
  const { view: sample } = viewOfFile(SAMPLE, { batch: 1 });
  await show(sample, 'tiny-cnn.onnx');
  await w.send({ type: 'profile', result });
  await w.page.waitForSelector('ol.slowest li');
  const slowest = [...nodes].sort((a, b) => b.medianUs - a.medianUs)[0]!;
  assert.equal(await w.page.locator('ol.slowest li a').first().textContent(), slowest.name);
  assert.match((await w.page.locator('.legend-title').textContent())!, /Latency/);
  // The legend's low end is the real minimum (3 significant digits, ns/µs/ms), never `0.0 µs`.
  const min = Math.min(...nodes.map((n) => n.medianUs).filter((u) => u > 0));
  const [, num, unit] = /^([\d.]+) (ns|µs|ms)$/.exec((await w.page.locator('.legend-min').textContent())!)!;
  const us = Number(num) * { ns: 1e-3, µs: 1, ms: 1e3 }[unit as 'ns' | 'µs' | 'ms'];
  assert.ok(Math.abs(us - min) / min < 0.006, `legend min ${num} ${unit} vs the fastest layer's ${min} µs`);
  // A narrow panel: names are cut with an ellipsis, figures never wrap mid-figure.
  await w.page.setViewportSize({ width: 820, height: 700 });
  await w.page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  const lines = await w.page.locator('ol.slowest .figure').evaluateAll((fs) => fs.map((f) => f.getClientRects().length));
  assert.ok(lines.length > 0 && lines.every((n) => n === 1), `line boxes per figure: ${lines.join(',')}`);
  await w.page.setViewportSize({ width: 1400, height: 900 });
});

test('Export: the SVG the view renders stands alone and holds the drawn names', async () => {
  const { view } = viewOfFile(SAMPLE, { batch: 1 });
  await show(view, 'tiny-cnn.onnx');
  await w.send({ type: 'renderImage', requestId: 7, format: 'svg' });
  await w.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((p) => p.type === 'image'));
  const img = (await w.posted()).find((m) => m.type === 'image' && m.requestId === 7)!;
  const svg = img.data as string;
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes('>BatchNormalization<'));
  const parsed = await w.page.evaluate((t) => new DOMParser().parseFromString(t, 'image/svg+xml').querySelector('parsererror') === null, svg);
  assert.ok(parsed, 'the SVG parses');
  await w.send({ type: 'renderImage', requestId: 8, format: 'png' });
  await w.page.waitForFunction(() => (window as unknown as { __posted: { type: string; requestId?: number }[] }).__posted.some((p) => p.type === 'image' && p.requestId === 8));
  const png = (await w.posted()).find((m) => m.type === 'image' && m.requestId === 8)!.data as string;
  assert.equal(Buffer.from(png, 'base64').subarray(1, 4).toString(), 'PNG');
});

test('a 20,000-node model opens with a first view (grouped, laid out lazily)', async () => {
  const { buildLargeModel } = await import('../../bench/large-model');
  const { view } = viewOfModel(buildLargeModel(20000), { batch: 1, seq: 16 });
  await show(view, 'large.onnx');
  const shown = await w.page.locator('svg.graph g.box').count();
  assert.ok(shown > 10 && shown < 400, `a bounded first scene, not all 20,000 nodes (${shown} items)`);
  const ms = Number(await w.page.evaluate(() => document.body.dataset.firstPaintMs));
  assert.ok(ms > 0);
  console.log(`20,000-node model: first paint ${ms.toFixed(0)} ms after the message, ${shown} items drawn`);
});

