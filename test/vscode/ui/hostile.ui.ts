// Bad and hostile files: a truncated model shows an error page with the typed reason (and the page's
// Open as Text reports the same reason); a model whose names carry HTML and script shows them as
// text, runs none of it, and opens no dialog.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType } from '../../../src/core/ir/data-type';
import { newModel } from '../../../src/core/ir/builder';
import { writeModel } from '../../../src/core/onnx/writer';
import type { UiScenario } from '../harness/scenario';
import { SAMPLE_MODEL } from '../harness/paths';

function files(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'll-hostile-'));
  const broken = join(dir, 'broken.onnx');
  const bytes = readFileSync(SAMPLE_MODEL);
  writeFileSync(broken, bytes.subarray(0, Math.floor(bytes.length / 3)));
  const { model, b } = newModel('hostile');
  const x = b.input('<img src=x onerror="alert(1)">', DataType.FLOAT, [1, 4]);
  const [y] = b.node('Relu', [x], {}, { name: '<script>alert(2)</script>' });
  b.output(y!, DataType.FLOAT, [1, 4]);
  const hostile = join(dir, 'hostile.onnx');
  writeFileSync(hostile, writeModel(model));
  return [broken, hostile];
}

export const scenario: UiScenario = {
  name: 'hostile',
  files: files(),
  timeoutMs: 30_000,
  async run(wb) {
    const dialogs: string[] = [];
    wb.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await wb.quickOpen('broken.onnx');
    const view = await wb.waitForWebview('.error-page', 60_000);
    assert.equal(await view.locator('.error-name').innerText(), 'ModelFormatError');
    assert.match(await view.locator('.error-message').innerText(), /truncated|corrupt/);
    await wb.screenshot('error-page');
    await view.locator('#open-as-text').click();
    await wb.waitForNotification(/ModelFormatError|truncated|corrupt/);

    await wb.quickOpen('hostile.onnx');
    await wb.page.waitForFunction(() => document.querySelector('.tabs-container .tab.active .label-name')?.textContent === 'hostile.onnx');
    const graph = await wb.waitForWebview('svg.graph g.kind-node', 60_000);
    const text = await graph.locator('svg.graph').textContent();
    assert.ok(text?.includes('<img src=x'), 'the input name is drawn as text');
    assert.ok(text?.includes('<script>alert'), 'the node name is drawn as text');
    assert.equal(await graph.locator('img[src="x"], script:has-text("alert")').count(), 0, 'no element made from the names');
    assert.deepEqual(dialogs, [], 'no alert() ran');
    await wb.screenshot('hostile-names');
  },
};
