// The graph view as a user meets it: open the sample model (the custom editor is the default for
// .onnx), see its groups and nodes, hover a node for its costs, read the totals in the status bar,
// then right-click a BatchNormalization: the rewrites that apply are listed, one is verified in ONNX
// Runtime with its figures shown, written to a new file, and that file opens and loads; then
// "Compare with…" shows the two side by side.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UiScenario } from '../harness/scenario';

export const scenario: UiScenario = {
  name: 'graph',
  texts: { '.vscode/settings.json': JSON.stringify({ 'layerlens.dims': { batch: 1 }, 'layerlens.fixes.writeMode': 'ask' }) },
  timeoutMs: 30_000,
  async run(wb, { workspace }) {
    await wb.quickOpen('tiny-cnn.onnx');
    const view = await wb.waitForWebview('svg.graph g.kind-node', 60_000);
    assert.equal(await view.locator('svg.graph g.kind-node').count(), 17, '15 nodes, the input and the output');
    assert.match((await view.locator('svg.graph [data-key="#g/features"]').getAttribute('aria-label'))!, /^features · 11 nodes · 2\.80 MMACs/);
    await wb.waitForStatusBarItem(/15 nodes · 2\.80 MMACs · 24\.68 kparams/);
    await wb.screenshot('graph');

    // Hover: the same facts as the language server's hover.
    await view.locator('svg.graph [aria-label="Conv /features/block2/conv"]').hover();
    const tip = view.locator('.tooltip:not([hidden])');
    await tip.locator('.fixes').first().waitFor();
    const text = await tip.innerText();
    assert.match(text, /1\.18 MMACs/);
    assert.match(text, /float\[1,32,16,16\]/);
    assert.match(text, /Fold BatchNormalization into the preceding Conv/);
    await wb.screenshot('hover');

    // Right-click → the rules that apply; preview one: verified in ORT, figures shown.
    await view.locator('svg.graph [aria-label="BatchNormalization /features/block2/bn"]').click({ button: 'right' });
    const item = view.locator('.context-menu .menu-item', { hasText: 'Preview: Fold BatchNormalization' });
    await item.waitFor();
    await wb.screenshot('context-menu');
    await item.click();
    await view.locator('.panel', { hasText: 'verified in ONNX Runtime' }).waitFor({ timeout: 60_000 });
    const panel = await view.locator('.panel').innerText();
    assert.match(panel, /MACs[\s\S]*→/);
    assert.match(panel, /max abs error/);
    // The latency change is judged against the run-to-run spread (ORT fuses this BN already either way).
    assert.match(panel, /latency: .*(faster|slower|no measurable change)/);
    await wb.screenshot('fix-preview');
    await view.locator('#commit-new').click();
    await wb.waitForNotification(/wrote tiny-cnn\.fuse-conv-batchnorm\.onnx/);
    assert.ok(existsSync(join(workspace, 'tiny-cnn.fuse-conv-batchnorm.onnx')));

    // The new file opens in the graph view: one BatchNormalization fewer.
    await wb.quickOpen('tiny-cnn.fuse-conv-batchnorm.onnx');
    await wb.page.waitForFunction(() => document.querySelector('.tabs-container .tab.active .label-name')?.textContent?.includes('fuse-conv-batchnorm'));
    const fused = await wb.waitForWebview('svg.graph g.kind-node', 60_000);
    await fused.locator('svg.graph g.kind-node').nth(15).waitFor({ state: 'attached' });
    assert.equal(await fused.locator('svg.graph g.kind-node').count(), 16);
    assert.equal(await fused.locator('svg.graph [aria-label^="BatchNormalization "]').count(), 2);
    await wb.screenshot('fused-model');

    // Compare with…: the fused copy against the original, side by side (the Explorer row of the copy is
    // the unambiguous one to right-click; the quick pick offers the other models beside it).
    await wb.explorerContextMenu('tiny-cnn.fuse-conv-batchnorm.onnx', 'Compare with…');
    await wb.page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: /^tiny-cnn\.onnx$/ }).first().click();
    const cmp = await wb.waitForWebview('#by-op', 60_000);
    const bn = await cmp.locator('#by-op tr', { hasText: 'BatchNormalization' }).locator('td').allInnerTexts();
    assert.deepEqual(bn.slice(0, 3), ['BatchNormalization', '2', '3'], 'two BatchNormalizations in the copy, three in the original');
    assert.match(await cmp.locator('#totals').innerText(), /params[\s\S]*24\.55 kparams[\s\S]*24\.68 kparams/);
    await wb.screenshot('compare');
  },
};
