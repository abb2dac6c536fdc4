// The extension in a real VS Code: code-server 4.100.3 + headless Chromium (docs/testing-vscode.md).
//  (a) the mocha suite test/vscode/suite/*.e2e.ts inside the real extension host, through
//      @vscode/test-electron's runTests with the harness's shim as the VS Code executable;
//  (b) the UI scenarios test/vscode/ui/*.ui.ts, driven through the workbench with Playwright, on one
//      shared code-server; screenshots in test-artifacts/vscode/.
// Needs `bash scripts/setup.sh` (it installs the host) and `npm run build` (dist/extension.js).
// Select parts with LAYERLENS_E2E=suite | ui | ui:<name>[,<name>...]; LAYERLENS_E2E_GREP=<re>
// filters the mocha tests; LAYERLENS_E2E_KEEP=1 keeps run dirs and server logs.
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildSuite } from './harness/build-suite';
import { CodeServer } from './harness/code-server';
import { EXTENSION_UNDER_TEST, KEEP_RUN_DIRS, makeWorkspace, requireBuiltExtension, requireHost } from './harness/paths';
import { testOutput } from './harness/output';
import { runExtensionTests } from './harness/run-extension-tests';
import { runScenario, type UiScenario } from './harness/scenario';

const UI_DIR = join(__dirname, 'ui');
const uiFiles = readdirSync(UI_DIR).filter((f) => f.endsWith('.ui.ts')).sort();
const uiName = (f: string) => f.slice(0, -'.ui.ts'.length);

const selection = (process.env.LAYERLENS_E2E ?? '').trim();
const runSuite = selection === '' || selection === 'suite';
const runUi = selection === '' || selection === 'ui' || selection.startsWith('ui:');
const onlyScenarios = selection.startsWith('ui:') ? selection.slice(3).split(',').map((s) => s.trim()).filter(Boolean) : undefined;
const skipped = `not selected by LAYERLENS_E2E=${selection}`;

test('LAYERLENS_E2E names existing parts', () => {
  assert.ok(runSuite || runUi, `LAYERLENS_E2E=${selection}: expected suite, ui or ui:<name>[,<name>]`);
  for (const s of onlyScenarios ?? []) assert.ok(uiFiles.includes(`${s}.ui.ts`), `no scenario ${s}: have ${uiFiles.map(uiName).join(', ')}`);
});

test('extension host: the mocha suite (test/vscode/suite/*.e2e.ts)', { skip: runSuite ? false : skipped }, async (t) => {
  requireHost();
  requireBuiltExtension(EXTENSION_UNDER_TEST);
  const extensionTestsPath = await buildSuite();
  const folder = makeWorkspace();
  try {
    const r = await runExtensionTests({
      extensionDevelopmentPath: EXTENSION_UNDER_TEST,
      extensionTestsPath,
      folder,
      env: {
        LAYERLENS_E2E_EXTENSION_PATH: EXTENSION_UNDER_TEST,
        ...(process.env.LAYERLENS_E2E_GREP ? { LAYERLENS_E2E_GREP: process.env.LAYERLENS_E2E_GREP } : {}),
      },
    });
    t.diagnostic(`extension host exit code ${r.code} after ${r.seconds.toFixed(1)} s`);
    const report = testOutput(r.output);
    assert.equal(r.code, 0, `the extension tests failed (exit code ${r.code}${r.code === 124 ? ': timeout' : ''}):\n${report}`);
    const passing = /(\d+) passing/.exec(report);
    assert.ok(passing && Number(passing[1]) > 0, `mocha reported no passing tests:\n${report}`);
    assert.doesNotMatch(report, /\d+ failing/);
  } finally {
    if (!KEEP_RUN_DIRS) rmSync(folder, { recursive: true, force: true });
  }
});

describe('UI scenarios (test/vscode/ui/*.ui.ts)', { skip: runUi ? false : skipped }, () => {
  // One code-server for every scenario that loads the extension under development (each scenario
  // gets its own browser profile and workspace); started by the first scenario that needs it.
  let shared: Promise<CodeServer> | undefined;
  const server = () => (shared ??= CodeServer.start());
  after(async () => {
    if (shared) await (await shared.catch(() => undefined))?.stop();
  });

  for (const file of uiFiles) {
    const name = uiName(file);
    const skip = onlyScenarios && !onlyScenarios.includes(name) ? skipped : false;
    test(name, { skip }, async () => {
      requireHost();
      const { scenario } = (await import(join(UI_DIR, file))) as { scenario?: UiScenario };
      assert.ok(scenario, `${file} should export \`scenario\``);
      const ext = scenario.extension ?? 'development';
      if (ext === 'development') requireBuiltExtension(EXTENSION_UNDER_TEST);
      await runScenario(scenario, ext === 'development' || ext === 'none' ? await server() : undefined);
    });
  }
});
