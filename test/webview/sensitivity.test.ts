// The graph view shows per-layer quantization sensitivity (a `sensitivity` message, as the extension
// posts the language server's layerlens/sensitivity result): the heat metric (1 − cosine, layers not
// measured hatched as unknown, containers not summed), the layer table's column and the hover card's
// line. The result is measured for real in ONNX Runtime (the jobs worker's function, in process) on
// the sample model; the page is the built bundle in a real Chromium.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runSensitivity } from '../../src/server/jobs/sensitivity';
import { SAMPLE } from '../support/models';
import { openGraphView, showModel, type WebviewPage } from './page';
import { viewOfFile } from './views';

let w: WebviewPage;
before(async () => {
  w = await openGraphView();
});
after(() => w.close());

test('sensitivity: heat metric, table column ranked like the measurement, hover line; unmeasured layers unknown, never 0', async () => {
  const { view } = viewOfFile(SAMPLE, { batch: 1 });
  await showModel(w, view, 'tiny-cnn.onnx');
  const result = await runSensitivity({ uri: pathToFileURL(SAMPLE).href, kind: 'int8-static', dims: { batch: 1 } }, new AbortController().signal, () => {});
  const measured = result.layers.filter((l) => l.ok && l.cosine !== null);
  assert.ok(measured.length >= 2, `the sample's convolutions are measured: ${JSON.stringify(result.layers)}`);

  await w.send({ type: 'sensitivity', result, select: true });
  await w.page.waitForFunction(() => /sensitivity/i.test(document.querySelector('.legend-title')?.textContent ?? ''), undefined, { timeout: 5000 });
  assert.equal(await w.page.locator('#metric').evaluate((e) => (e as HTMLElement & { value: string }).value), 'sensitivity', 'the picker follows a new measurement');

  // A measured layer: its box shows 1 − cosine; a layer that was not measured is unknown (hatched, "?").
  const worst = [...measured].sort((a, b) => a.cosine! - b.cosine!)[0]!;
  assert.equal(measured[0]!.cosine, worst.cosine, 'the result is ranked worst first');
  const worstNode = view.nodes.find((n) => n.name === worst.name)!;
  const box = w.page.locator(`svg.graph [data-key="#n${worstNode.id}"]`);
  await box.waitFor();
  const expected = (1 - worst.cosine!).toExponential(2);
  assert.ok(((await box.textContent()) ?? '').includes(expected), `box of ${worst.name}: ${await box.textContent()} (expected ${expected})`);
  const unmeasured = view.nodes.find((n) => n.kind === 'op' && !result.layers.some((l) => l.name === n.name && l.ok));
  assert.ok(unmeasured, 'the sample has layers the method does not quantize (Relu, pooling)');
  const other = w.page.locator(`svg.graph [data-key="#n${unmeasured.id}"] rect.node`);
  assert.match((await other.getAttribute('class')) ?? '', /unknown/, `${unmeasured.name} (${unmeasured.opType}) is unknown, not 0`);

  // The table's column sorts like the measurement's ranking (worst first), unknowns last.
  await w.page.locator('#toggle-table').click();
  await w.page.locator('.th[data-col="sensitivity"]').click();
  const first = await w.page.locator('.table-rows .tr .td:first-child').first().textContent();
  assert.equal(first, worst.name);
  // A row click goes back to the graph with the layer revealed (centred) and selected.
  await w.page.locator('.table-rows .tr').first().click();

  await box.hover();
  // The card of that layer (the pointer may have crossed another node on its way).
  const tip = w.page.locator(`.tooltip:not([hidden])[data-key="#n${worstNode.id}"]`);
  await tip.waitFor();
  const text = (await tip.textContent())!;
  assert.ok(text.includes(`1 − cos ${expected}`) && text.includes('int8-static'), text);

  // Offered without selecting (a view reopened on a model measured earlier): the metric stays.
  await w.send({ type: 'colorMetric', metric: 'macs' });
  await w.send({ type: 'sensitivity', result, select: false });
  await w.page.waitForFunction(() => /MACs/.test(document.querySelector('.legend-title')?.textContent ?? ''), undefined, { timeout: 5000 });
});
