// The extension host's test entry (extensionTestsPath): runs every *.e2e.ts of this folder with
// mocha inside the real extension host. Bundled to CommonJS by harness/build-suite.ts first (the
// extension host cannot run tsx); run by harness/run-extension-tests.ts.
//   LAYERLENS_E2E_GREP  only the tests whose full title matches (mocha --grep)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  process.setSourceMapsEnabled(true); // stack traces name the .ts files (the bundles carry inline maps)
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  if (process.env.LAYERLENS_E2E_GREP) mocha.grep(process.env.LAYERLENS_E2E_GREP);
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.e2e.js')).sort();
  if (files.length === 0) return Promise.reject(new Error(`no *.e2e.js test files in ${__dirname}`));
  for (const f of files) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
        else if (runner.total === 0) reject(new Error('no extension tests ran (a --grep that matches nothing?)'));
        else resolve();
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
