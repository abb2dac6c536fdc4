// The graph view shows latency predicted on the target (a `predicted` message from its host, as the
// extension posts the language server's layerlens/predict result) beside the measured one: the heat
// metric, the layer table's column, the hover card's line. In a real Chromium, the built bundle.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { catalogDevice, catalogProfile } from '../../src/core/predict';
import { predictionResult } from '../../src/server/features/predict';
import { SAMPLE } from '../support/models';
import { openGraphView, showModel, type WebviewPage } from './page';
import { viewOfFile } from './views';

let w: WebviewPage;
before(async () => {
  w = await openGraphView();
});
after(() => w.close());

test('predicted on the target: heat metric, table column and hover line, labelled with the target and its kind', async () => {
  const { view, analysis, model } = viewOfFile(SAMPLE, { batch: 1 });
  await showModel(w, view, 'tiny-cnn.onnx');
  const result = predictionResult(model, analysis, catalogProfile(catalogDevice('rpi5')!), { batch: 1 });
  await w.send({ type: 'predicted', result });
  await w.send({ type: 'colorMetric', metric: 'predicted' });
  await w.page.waitForFunction(() => /predicted on the target/.test(document.querySelector('.legend-title')?.textContent ?? ''), undefined, { timeout: 5000 }).catch(async (e: Error) => {
    throw new Error(`${e.message}: legend '${await w.page.locator('.legend').first().textContent()}', errors ${w.browser.consoleErrors.join(' | ')}`);
  });
  const conv = view.nodes.find((n) => n.name === '/features/block2/conv')!;
  await w.page.locator(`svg.graph [data-key="#n${conv.id}"]`).hover();
  const tip = w.page.locator('.tooltip:not([hidden])');
  await tip.waitFor();
  const text = (await tip.textContent())!;
  const us = result.nodes.find((n) => n.name === conv.name)!.us;
  assert.ok(text.includes(`${us.toFixed(1)} µs`) && text.includes('Raspberry Pi 5') && text.includes('(estimate)'), text);
  await w.page.locator('#toggle-table').click();
  assert.ok((await w.page.locator('.th[data-col="predicted"]').count()) === 1, 'a Predicted column');
  await w.page.locator('.th[data-col="predicted"]').click();
  const top = [...result.nodes].sort((a, b) => b.us - a.us)[0]!;
  const firstName = await w.page.locator('.table-rows .tr .td:first-child').first().textContent();
  assert.equal(firstName, top.name);
  await w.page.locator('#toggle-table').click();
});
