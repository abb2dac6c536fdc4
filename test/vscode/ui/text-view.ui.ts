// The model's text view: opened from the graph view, hovered (the language server's costs), and a
// quick fix applied from it (Ctrl+. lists them: VS Code's own light bulb is off in read-only editors):
// verified in ONNX Runtime, its figures shown in a dialog, written where the user chose.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UiScenario } from '../harness/scenario';

export const scenario: UiScenario = {
  name: 'text-view',
  texts: { '.vscode/settings.json': JSON.stringify({ 'layerlens.dims': { batch: 1 } }) },
  timeoutMs: 30_000,
  async run(wb, { workspace }) {
    await wb.quickOpen('tiny-cnn.onnx');
    const view = await wb.waitForWebview('svg.graph g.kind-node', 60_000);
    await view.locator('#text').click();
    await wb.page.locator('.monaco-editor .view-line', { hasText: '/features/block2/conv' }).first().waitFor({ timeout: 60_000 });
    // The node's name string (with its quotes: the weight names start the same).
    const hover = await wb.hover('"/features/block2/conv"', { until: /MACs 1\.18 M/, timeoutMs: 60_000 });
    assert.match(hover, /Fold BatchNormalization into the preceding Conv/);
    await wb.screenshot('hover');
    // Quick fix on the BatchNormalization line (Ctrl+.), then the verification dialog.
    await wb.page.locator('.monaco-editor .view-line', { hasText: '["/features/block3/bn"]' }).first().click();
    await wb.page.keyboard.press('Escape'); // the hover that the click may have opened
    await wb.page.mouse.move(0, 0);
    // Ctrl+. in the (read-only) text view lists the verified fixes at the cursor.
    await wb.page.keyboard.press('Control+.');
    const fix = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Fold BatchNormalization' }).first();
    await fix.waitFor({ timeout: 30_000 });
    await wb.screenshot('quick-fix');
    await fix.click();
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    assert.match(await dialog.innerText(), /verified in ONNX Runtime[\s\S]*MACs[\s\S]*→/);
    await wb.screenshot('verify-dialog');
    await dialog.getByRole('button', { name: 'Write new file' }).click();
    await wb.waitForNotification(/wrote tiny-cnn\.fuse-conv-batchnorm\.onnx/);
    assert.ok(existsSync(join(workspace, 'tiny-cnn.fuse-conv-batchnorm.onnx')));
  },
};
