// Smoke: the workbench opens with the extension under development loaded, the Explorer lists the
// sample model, and the screenshots are written.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import type { UiScenario } from '../harness/scenario';

export const scenario: UiScenario = {
  name: 'smoke',
  async run(wb) {
    await wb.waitForExplorerItem('tiny-cnn.onnx');
    assert.deepEqual(await wb.explorerItems(), ['tiny-cnn.onnx']);
    // the window is an Extension Development Host: the URL's extensionDevelopmentPath was taken
    assert.match(await wb.page.title(), /^\[Extension Development Host\]/);
    const shots = [await wb.screenshot('explorer')];
    // the model opens in LayerLens's custom editor (priority "default" for *.onnx): a webview tab
    await wb.quickOpen('tiny-cnn.onnx');
    await wb.waitForWebview('body *', 30_000);
    assert.equal(await wb.activeTabLabel(), 'tiny-cnn.onnx');
    shots.push(await wb.screenshot('graph-editor'));
    for (const s of shots) assert.ok(statSync(s).size > 10_000, `${s} should be a real screenshot`);
  },
};
