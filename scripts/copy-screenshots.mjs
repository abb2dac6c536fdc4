// Copies the screenshots the README shows from the UI tests' artifacts (test-artifacts/vscode/,
// written by `LAYERLENS_E2E=ui node scripts/run-tests.mjs test/vscode/`) into docs/images/.
// `npm run screenshots` runs the scenarios and then this.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const from = join(root, 'test-artifacts', 'vscode');
const to = join(root, 'docs', 'images');
const shots = {
  'graph-02-hover.png': 'graph-hover.png',
  'graph-04-fix-preview.png': 'fix-preview.png',
  'profile-02-latency-overlay.png': 'latency-overlay.png',
  'text-view-01-hover.png': 'text-view-hover.png',
};
mkdirSync(to, { recursive: true });
const missing = Object.keys(shots).filter((f) => !existsSync(join(from, f)));
if (missing.length) {
  console.error(`copy-screenshots: missing ${missing.join(', ')} in ${from}: run the UI scenarios first`);
  process.exit(1);
}
for (const [src, dst] of Object.entries(shots)) copyFileSync(join(from, src), join(to, dst));
console.log(`copy-screenshots: ${Object.keys(shots).length} screenshots copied to docs/images`);
