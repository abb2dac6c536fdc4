// The mocha suite runs inside the extension host, which loads CommonJS and cannot run tsx: bundle
// test/vscode/suite/index.ts and each *.e2e.ts with esbuild into out/vscode-tests/suite/ first.
// `vscode` is the extension host's own module; `mocha` stays external so that index.js and the test
// files share one mocha (its describe/it are bound while each file loads).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths';

export const SUITE_SRC = join(REPO, 'test', 'vscode', 'suite');
export const SUITE_OUT = join(REPO, 'out', 'vscode-tests', 'suite');

/** Builds the suite; returns the extensionTestsPath (the bundled index.js). */
export async function buildSuite(): Promise<string> {
  const tests = readdirSync(SUITE_SRC).filter((f) => f.endsWith('.e2e.ts'));
  if (tests.length === 0) throw new Error(`no *.e2e.ts files in ${SUITE_SRC}`);
  rmSync(SUITE_OUT, { recursive: true, force: true }); // no stale tests from deleted sources
  await build({
    entryPoints: ['index.ts', ...tests].map((f) => join(SUITE_SRC, f)),
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return join(SUITE_OUT, 'index.js');
}
