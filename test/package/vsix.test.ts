// The VSIX that `npm run package` makes (scripts/package-vsix.mjs, the allow-list .vscodeignore,
// docs/packaging.md), built for real once from the existing dist/ and opened with our own ZIP reader:
// its file list against an allow-list written here independently of .vscodeignore, the manifest,
// every require() of the packaged JavaScript resolved inside the package, ONNX Runtime loaded from
// the package and run on the sample model, its size, and an install into a real code-server.
// Packaging and installing run without a network (`unshare -n`) where the machine allows it.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { CODE_SERVER_ENTRY, CODE_SERVER_VERSION, HOST_DIR } from '../vscode/harness/paths';
import { Zip } from './zip';

const REPO = resolve(__dirname, '..', '..');
const SCRIPT = join(REPO, 'scripts', 'package-vsix.mjs');
const SAMPLE = join(REPO, 'samples', 'tiny-cnn.onnx');
const ORT_BIN = join(REPO, 'node_modules', 'onnxruntime-node', 'bin');
const repoManifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  publisher: string;
  version: string;
  main: string;
  engines: { vscode: string };
  contributes: { grammars: { path: string }[]; languages: { configuration?: string }[] };
};
const TARGET = 'linux-x64';
const VSIX_NAME = `${repoManifest.name}-${repoManifest.version}-${TARGET}.vsix`;
const EXTENSION_ID = `${repoManifest.publisher}.${repoManifest.name}`;

// Size bounds, measured with onnxruntime-node 1.30.0 (docs/packaging.md): the .vsix is 18.02 MiB
// (18,899,943 B) and unpacks to 48.15 MiB. ONNX Runtime's linux-x64 binaries are 17.16 MiB of it
// compressed (44.08 MiB unpacked), LayerLens's own bundles 0.83 MiB (3.98 MiB). The bounds leave
// our bundles room to grow about 2.5x compressed; another platform's binaries (+10 to +40 MiB),
// the source maps (+8.9 MiB unpacked) or any other package tree from node_modules break them.
const MAX_VSIX_BYTES = 20 * 2 ** 20;
const MAX_UNPACKED_BYTES = 55 * 2 ** 20;

// What may be in the package, written independently of .vscodeignore: the VSIX's own two files,
// then everything under extension/. vsce stores README.md as readme.md and LICENSE as LICENSE.txt.
const ALLOWED: RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/changelog\.md$/,
  /^extension\/dist\/[^/]+\.js$/,
  /^extension\/dist\/webview\/[^/]+\.(js|css|ttf)$/,
  /^extension\/syntaxes\/[^/]+\.json$/,
  /^extension\/schemas\/[^/]+\.json$/,
  /^extension\/node_modules\/onnxruntime-node\/(package\.json|README\.md|dist\/[^/]+\.js)$/,
  /^extension\/node_modules\/onnxruntime-node\/bin\/napi-v\d+\/linux\/x64\/[^/]+$/,
  /^extension\/node_modules\/onnxruntime-common\/(package\.json|README\.md|dist\/cjs\/package\.json|dist\/cjs\/[^/]+\.js)$/,
];

/** Runs argv without a network namespace's interfaces when `unshare -n` works (root on Linux). */
const CAN_UNSHARE = process.platform === 'linux' && spawnSync('unshare', ['-n', 'true']).status === 0;
function runOffline(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout: number }): SpawnSyncReturns<string> {
  const [cmd, ...args] = CAN_UNSHARE ? ['unshare', '-n', ...argv] : argv;
  return spawnSync(cmd!, args, { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeout, maxBuffer: 16 * 2 ** 20 });
}
const output = (r: SpawnSyncReturns<string>) => `exit ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}${r.stderr}`;

let work: string;
let vsix: string;
let zip: Zip;
let unpacked: string;
let packaging: SpawnSyncReturns<string>;
let distExisted: boolean;

before(
  () => {
    work = mkdtempSync(join(tmpdir(), 'layerlens-vsix-test-'));
    distExisted = existsSync(join(REPO, 'dist', 'extension.js')) && existsSync(join(REPO, 'dist', 'profile-worker.js'));
    packaging = runOffline([process.execPath, SCRIPT, '--target', TARGET, '--out', work], { timeout: 300_000 });
    assert.equal(packaging.status, 0, `node scripts/package-vsix.mjs failed: ${output(packaging)}`);
    vsix = join(work, VSIX_NAME);
    assert.ok(existsSync(vsix), `${VSIX_NAME} was not written to ${work}: ${readdirSync(work).join(', ')}`);
    zip = Zip.open(vsix);
    // unpack with our reader (CRC-checked), for the require() and ONNX Runtime checks
    unpacked = join(work, 'unpacked');
    for (const e of zip.entries) {
      if (e.name.endsWith('/')) continue;
      const to = resolve(unpacked, e.name);
      assert.ok(to.startsWith(unpacked + sep), `entry ${e.name} escapes the package`);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, zip.read(e));
    }
  },
  { timeout: 300_000 },
);

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the package is built offline from the existing dist/, named layerlens-<version>-<target>.vsix', (t) => {
  if (CAN_UNSHARE) t.diagnostic('packaged inside `unshare -n` (no network interfaces)');
  else t.diagnostic('`unshare -n` is not available here: packaging ran with the network present');
  if (distExisted) assert.match(packaging.stdout, /using the existing dist\//, 'the script rebuilt dist/ although it was there');
  assert.doesNotMatch(packaging.stdout + packaging.stderr, /npm (warn|error)|\bWARNING\b/);
  const m = zip.text('extension.vsixmanifest');
  assert.match(m, new RegExp(`<Identity [^>]*Id="${repoManifest.name}" Version="${repoManifest.version}" Publisher="${repoManifest.publisher}" TargetPlatform="${TARGET}"`));
  assert.match(m, /<License>extension\/LICENSE\.txt<\/License>/);
});

test('the file list is the allow-list: bundles, grammar, manifest, ONNX Runtime for linux-x64 only', () => {
  const names = zip.names;
  const stray = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
  assert.deepEqual(stray, [], `files outside the allow-list:\n${stray.join('\n')}`);
  for (const n of names) {
    assert.doesNotMatch(n, /^extension\/(src|test|webview|bench|scripts|samples|docs|proto|out|\.cache)\//, n);
    assert.doesNotMatch(n, /\.(ts|map|onnx|mjs)$/, n);
  }
  assert.equal(new Set(names).size, names.length, 'duplicate entries');
  const required = ['extension.vsixmanifest', '[Content_Types].xml', 'extension/package.json', 'extension/readme.md', 'extension/LICENSE.txt'];
  // every bundle and webview resource that the build wrote (no maps)
  for (const f of readdirSync(join(REPO, 'dist'))) if (f.endsWith('.js')) required.push(`extension/dist/${f}`);
  for (const f of readdirSync(join(REPO, 'dist', 'webview'))) if (!f.endsWith('.map')) required.push(`extension/dist/webview/${f}`);
  for (const f of readdirSync(join(REPO, 'syntaxes'))) required.push(`extension/syntaxes/${f}`);
  for (const f of readdirSync(join(REPO, 'schemas'))) required.push(`extension/schemas/${f}`);
  const cjs = join(REPO, 'node_modules', 'onnxruntime-common', 'dist', 'cjs');
  for (const f of readdirSync(cjs)) if (f.endsWith('.js') || f === 'package.json') required.push(`extension/node_modules/onnxruntime-common/dist/cjs/${f}`);
  for (const napi of readdirSync(ORT_BIN)) {
    for (const f of readdirSync(join(ORT_BIN, napi, 'linux', 'x64'))) required.push(`extension/node_modules/onnxruntime-node/bin/${napi}/linux/x64/${f}`);
  }
  assert.ok(required.some((n) => n.endsWith('/linux/x64/onnxruntime_binding.node')));
  assert.ok(required.some((n) => n.endsWith('/linux/x64/libonnxruntime.so.1')));
  const missing = required.filter((n) => !zip.has(n));
  assert.deepEqual(missing, [], `missing from the package:\n${missing.join('\n')}`);
  // only the two ONNX Runtime packages from node_modules
  const packages = new Set(names.map((n) => /^extension\/node_modules\/((@[^/]+\/)?[^/]+)\//.exec(n)?.[1]).filter(Boolean));
  assert.deepEqual([...packages].sort(), ['onnxruntime-common', 'onnxruntime-node']);
});

test("the packaged manifest is the repo's, and its main, grammar and language configuration are in the package", () => {
  const m = JSON.parse(zip.text('extension/package.json')) as typeof repoManifest;
  assert.deepEqual(m, repoManifest);
  assert.equal(m.publisher, 'layerlens');
  assert.equal(m.engines.vscode, '^1.100.0');
  const files = [m.main, ...m.contributes.grammars.map((g) => g.path), ...m.contributes.languages.flatMap((l) => (l.configuration ? [l.configuration] : []))];
  for (const f of files) assert.ok(zip.has(posix.join('extension', posix.normalize(f))), `${f} (from package.json) is not in the package`);
});

test('every require() of a non-built-in module in the packaged JavaScript resolves inside the package', () => {
  const root = join(unpacked, 'extension');
  const builtins = new Set(builtinModules);
  const problems: string[] = [];
  const resolved: string[] = [];
  for (const e of zip.entries) {
    if (!e.name.startsWith('extension/') || !e.name.endsWith('.js')) continue;
    const file = join(unpacked, e.name);
    const rel = e.name.slice('extension/'.length);
    for (const [, , spec] of zip.text(e.name).matchAll(/\brequire\(\s*(["'])([^"'\n]+)\1\s*\)/g)) {
      if (spec!.startsWith('node:') || builtins.has(spec!)) continue;
      if (rel.startsWith('dist/webview/')) {
        problems.push(`${rel}: require('${spec}') in a webview bundle (it runs in a browser)`);
        continue;
      }
      if (spec === 'vscode') {
        // provided by the extension host, to the extension only
        if (rel !== 'dist/extension.js') problems.push(`${rel}: require('vscode') outside the extension`);
        continue;
      }
      try {
        const to = createRequire(file).resolve(spec!);
        if (!to.startsWith(root + sep)) problems.push(`${rel}: require('${spec}') resolves outside the package, to ${to}`);
        else resolved.push(`${rel} -> ${spec}`);
      } catch (err) {
        problems.push(`${rel}: require('${spec}') does not resolve: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
  assert.deepEqual([...new Set(problems)], []);
  // not vacuous: the ONNX Runtime worker's external and onnxruntime-node's own dependency
  assert.ok(resolved.includes('dist/profile-worker.js -> onnxruntime-node'), resolved.join('\n'));
  assert.ok(resolved.some((r) => r.startsWith('node_modules/onnxruntime-node/') && r.endsWith('-> onnxruntime-common')), resolved.join('\n'));
});

test('ONNX Runtime loads from the package (its own native library) and runs the sample model', { skip: `${process.platform}-${process.arch}` === TARGET ? false : `this machine cannot load ${TARGET} binaries` }, () => {
  const worker = join(unpacked, 'extension', 'dist', 'profile-worker.js');
  const script = `
    const r = require('node:module').createRequire(${JSON.stringify(worker)});
    const ort = r('onnxruntime-node');
    (async () => {
      const s = await ort.InferenceSession.create(${JSON.stringify(SAMPLE)});
      const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', new Float32Array(3 * 32 * 32), [1, 3, 32, 32]) });
      const libs = require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/).slice(5).join(' ')).filter((p) => /libonnxruntime|onnxruntime_binding/.test(p));
      console.log(JSON.stringify({ resolved: r.resolve('onnxruntime-node'), inputs: s.inputNames, dims: out[s.outputNames[0]].dims, libs: [...new Set(libs)] }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const env = { ...process.env, NODE_PATH: '', NODE_OPTIONS: '' };
  const r = spawnSync(process.execPath, ['-e', script], { cwd: work, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, output(r));
  const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as { resolved: string; inputs: string[]; dims: number[]; libs: string[] };
  const root = join(unpacked, 'extension') + sep;
  assert.ok(got.resolved.startsWith(root), got.resolved);
  assert.deepEqual(got.inputs, ['image']);
  assert.deepEqual(got.dims, [1, 10]);
  assert.equal(got.libs.length, 2, got.libs.join('\n'));
  for (const lib of got.libs) assert.ok(lib.startsWith(root), `${lib} was loaded from outside the package`);
});

test(`the package is smaller than ${MAX_VSIX_BYTES / 2 ** 20} MiB (${MAX_UNPACKED_BYTES / 2 ** 20} MiB unpacked)`, (t) => {
  const size = statSync(vsix).size;
  const unpackedSize = zip.entries.reduce((s, e) => s + e.size, 0);
  t.diagnostic(`${VSIX_NAME}: ${size} B (${(size / 2 ** 20).toFixed(2)} MiB), ${zip.entries.length} files, ${(unpackedSize / 2 ** 20).toFixed(2)} MiB unpacked`);
  assert.ok(size < MAX_VSIX_BYTES, `${size} B`);
  assert.ok(unpackedSize < MAX_UNPACKED_BYTES, `${unpackedSize} B unpacked`);
});

test(`code-server ${CODE_SERVER_VERSION} installs the .vsix and lists ${EXTENSION_ID}@${repoManifest.version}`, { timeout: 240_000 }, () => {
  const marker = join(HOST_DIR, 'installed');
  assert.ok(
    existsSync(CODE_SERVER_ENTRY) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === `code-server@${CODE_SERVER_VERSION}`,
    `code-server ${CODE_SERVER_VERSION} is not installed in ${HOST_DIR}: run \`bash scripts/setup-vscode-host.sh\` (or scripts/setup.sh) first`,
  );
  const run = join(work, 'code-server');
  for (const d of ['ext', 'ud', 'tmp', 'xdg/config', 'xdg/data', 'xdg/cache']) mkdirSync(join(run, d), { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VSCODE_') && k !== 'ELECTRON_RUN_AS_NODE' && k !== 'NODE_OPTIONS') env[k] = v;
  Object.assign(env, { XDG_CONFIG_HOME: join(run, 'xdg/config'), XDG_DATA_HOME: join(run, 'xdg/data'), XDG_CACHE_HOME: join(run, 'xdg/cache'), TMPDIR: join(run, 'tmp') });
  const cs = (...args: string[]) => runOffline([process.execPath, CODE_SERVER_ENTRY, '--user-data-dir', join(run, 'ud'), '--extensions-dir', join(run, 'ext'), ...args], { cwd: run, env, timeout: 120_000 });
  const install = cs('--install-extension', vsix);
  assert.equal(install.status, 0, output(install));
  assert.match(install.stdout, /successfully installed/);
  const list = cs('--list-extensions', '--show-versions');
  assert.equal(list.status, 0, output(list));
  assert.ok(list.stdout.split('\n').map((l) => l.trim()).includes(`${EXTENSION_ID}@${repoManifest.version}`), output(list));
  // the installed folder is the package's extension/ folder, with the target's ONNX Runtime
  const dir = join(run, 'ext', `${EXTENSION_ID}-${repoManifest.version}`);
  assert.match(readFileSync(join(dir, '.vsixmanifest'), 'utf8'), new RegExp(`TargetPlatform="${TARGET}"`));
  for (const f of [repoManifest.main, 'dist/server.js', 'dist/profile-worker.js', 'dist/webview/graph.js', 'node_modules/onnxruntime-common/package.json']) {
    assert.ok(existsSync(join(dir, f)), `${f} is not in the installed extension`);
  }
  const napi = readdirSync(join(dir, 'node_modules', 'onnxruntime-node', 'bin'));
  assert.equal(napi.length, 1);
  assert.deepEqual(readdirSync(join(dir, 'node_modules', 'onnxruntime-node', 'bin', napi[0]!)), ['linux']);
  assert.ok(existsSync(join(dir, 'node_modules', 'onnxruntime-node', 'bin', napi[0]!, 'linux', 'x64', 'libonnxruntime.so.1')));
});

test('--target and LAYERLENS_VSIX_TARGET pick the platform (dry run); targets without ONNX Runtime binaries are refused', () => {
  const env = { ...process.env };
  delete env.LAYERLENS_VSIX_TARGET;
  const dry = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [SCRIPT, '--dry-run', ...args], { cwd: REPO, env: { ...env, ...extra }, encoding: 'utf8', timeout: 30_000 });
  const parse = (r: SpawnSyncReturns<string>) => {
    assert.equal(r.status, 0, output(r));
    return JSON.parse(r.stdout) as { target: string; out: string; vsce: string[]; ignore: string[] };
  };
  const binLines = (ignore: string[]) => ignore.filter((l) => l.startsWith('!node_modules/onnxruntime-node/bin/'));

  const def = parse(dry([]));
  assert.equal(def.target, 'linux-x64');
  assert.equal(def.out, join(REPO, `${repoManifest.name}-${repoManifest.version}-linux-x64.vsix`));
  assert.deepEqual(binLines(def.ignore), ['!node_modules/onnxruntime-node/bin/napi-v*/linux/x64/*']);
  assert.ok(!def.vsce.includes('--ignoreFile'), 'the default target uses .vscodeignore as it is');

  const mac = parse(dry(['--target', 'darwin-arm64']));
  assert.equal(mac.target, 'darwin-arm64');
  assert.ok(mac.out.endsWith(`-${repoManifest.version}-darwin-arm64.vsix`), mac.out);
  assert.deepEqual(mac.vsce.slice(mac.vsce.indexOf('--target'), mac.vsce.indexOf('--target') + 2), ['--target', 'darwin-arm64']);
  assert.deepEqual(binLines(mac.ignore), ['!node_modules/onnxruntime-node/bin/napi-v*/darwin/arm64/*']);
  assert.ok(mac.vsce.includes('--ignoreFile'));
  // the rest of the allow-list is unchanged
  assert.deepEqual(mac.ignore.filter((l) => !binLines([l]).length), def.ignore.filter((l) => !binLines([l]).length));

  const win = parse(dry([], { LAYERLENS_VSIX_TARGET: 'win32-x64' }));
  assert.equal(win.target, 'win32-x64');
  assert.deepEqual(binLines(win.ignore), ['!node_modules/onnxruntime-node/bin/napi-v*/win32/x64/*']);

  for (const bad of ['darwin-x64', 'alpine-x64', 'web']) {
    const r = dry(['--target', bad]);
    assert.equal(r.status, 2, output(r));
    assert.match(r.stderr, new RegExp(`no ONNX Runtime binaries for target '${bad}'.*linux-x64`));
  }
});
