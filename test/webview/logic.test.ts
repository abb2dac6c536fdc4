// Webview logic (tree, lazy layout, heat map, table, search, formatting, DOM safety) run as specs in
// a real Chromium: the modules are bundled for the browser exactly as the webview bundles them.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { launchChromium } from '../vscode/harness/browser';
import type { SpecResult } from './unit/spec';

test('webview logic specs in Chromium', async (t) => {
  const bundle = await build({ entryPoints: [join(__dirname, 'unit', 'all.ts')], bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', write: false, logLevel: 'warning' });
  const browser = await launchChromium(join(tmpdir(), `ll-specs-${process.pid}`));
  try {
    await browser.page.goto('about:blank');
    await browser.page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const results = await browser.page.evaluate(() => (window as unknown as { __runSpecs: () => Promise<SpecResult[]> }).__runSpecs());
    assert.ok(results.length >= 20, `${results.length} specs ran`);
    for (const r of results) await t.test(r.name, () => assert.ok(r.ok, r.error));
  } finally {
    await browser.close();
  }
});
