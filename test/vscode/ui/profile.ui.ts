// Profiling from the Explorer: right-click the model → Profile Model; a progress notification with
// Cancel while ONNX Runtime measures it (in its own process), then the graph is coloured by measured
// latency and the slowest layers are listed. (Cancelling: profile-cancel.ui.ts.)
import assert from 'node:assert/strict';
import type { UiScenario } from '../harness/scenario';

export const scenario: UiScenario = {
  name: 'profile',
  // Enough runs that the progress is on screen for a while.
  texts: { '.vscode/settings.json': JSON.stringify({ 'layerlens.dims': { batch: 1 }, 'layerlens.profile.runs': 20000 }) },
  timeoutMs: 30_000,
  async run(wb) {
    await wb.explorerContextMenu('tiny-cnn.onnx', 'Profile Model', 60_000);
    await wb.waitForProgress(/LayerLens: profiling tiny-cnn\.onnx/, { timeoutMs: 60_000 });
    const toast = await wb.waitForNotification(/LayerLens: profiling tiny-cnn\.onnx/);
    assert.ok(await toast.getByRole('button', { name: 'Cancel' }).count(), 'the progress can be cancelled');
    await wb.screenshot('progress');
    const view = await wb.waitForWebview('svg.graph g.kind-node', 60_000);
    await view.locator('ol.slowest li').first().waitFor({ timeout: 120_000 });
    assert.match((await view.locator('.legend-title').innerText())!, /Latency/);
    const slowest = await view.locator('ol.slowest li a').allInnerTexts();
    assert.ok(slowest.length >= 10, `slowest layers listed (${slowest.length})`);
    // The overlay colours measured nodes: the slowest one carries a heat colour.
    const fill = await view.locator(`svg.graph [aria-label$=" ${slowest[0]}"] rect`).first().evaluate((r) => (r as SVGElement).style.fill);
    assert.match(fill, /^rgb\(/);
    await wb.waitForStatusBarItem(/ms$/);
    await wb.screenshot('latency-overlay');
  },
};
