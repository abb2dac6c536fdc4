// Cancelling a profile from the graph view: its Profile button starts ONNX Runtime (a run long enough
// that it cannot finish first), the toolbar offers Cancel, and cancelling stops it: the user is told,
// no overlay appears, and Profile is offered again.
import assert from 'node:assert/strict';
import type { UiScenario } from '../harness/scenario';

export const scenario: UiScenario = {
  name: 'profile-cancel',
  texts: { '.vscode/settings.json': JSON.stringify({ 'layerlens.dims': { batch: 1 }, 'layerlens.profile.runs': 200000 }) },
  timeoutMs: 30_000,
  async run(wb) {
    await wb.quickOpen('tiny-cnn.onnx');
    const view = await wb.waitForWebview('svg.graph g.kind-node', 60_000);
    await view.locator('#profile').click();
    await view.locator('#cancel-profile').waitFor({ timeout: 60_000 });
    await wb.waitForProgress(/LayerLens: profiling tiny-cnn\.onnx/, { timeoutMs: 60_000 });
    await wb.screenshot('running');
    await view.locator('#cancel-profile').click();
    await wb.waitForNotification(/profiling tiny-cnn\.onnx was cancelled/, 30_000);
    await view.locator('#profile').waitFor();
    assert.equal(await view.locator('ol.slowest').count(), 0, 'a cancelled profile leaves no overlay');
    assert.match(await view.locator('.status').innerText(), /profiling cancelled/);
    await wb.screenshot('cancelled');
  },
};
