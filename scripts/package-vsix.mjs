#!/usr/bin/env node
// Builds the platform-specific VSIX: layerlens-<version>-<target>.vsix in the repo root
// (docs/packaging.md). `npm run package` builds dist/ first and then runs this script.
//
//   node scripts/package-vsix.mjs [--target <os-arch>] [--out <file.vsix | dir>] [--build] [--dry-run]
//
//   --target   a vsce target with ONNX Runtime binaries in onnxruntime-node: linux-x64 (default),
//              linux-arm64, darwin-arm64, win32-x64, win32-arm64. Or env LAYERLENS_VSIX_TARGET.
//   --out      where to write the .vsix (a file ending in .vsix, or a folder for the default name)
//   --build    rebuild dist/ first (by default dist/ is built only when a bundle is missing)
//   --dry-run  print the target, output, vsce arguments and the effective ignore list; package nothing
//
// What goes in is the allow-list .vscodeignore. vsce runs in the repo root with npm dependency
// detection (`npm ls`, which only reads node_modules) so that node_modules/onnxruntime-node and
// onnxruntime-common can be re-included; vsce's --no-dependencies drops node_modules entirely.
// Nothing is installed, downloaded or written except the .vsix (and a temp ignore file for
// non-default targets); onnxruntime-node's install script is never run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_TARGET = 'linux-x64';
const ORT_BIN = join(REPO, 'node_modules', 'onnxruntime-node', 'bin');
// The one line of .vscodeignore that names the platform's ONNX Runtime binaries.
const ORT_BIN_LINE = /^!node_modules\/onnxruntime-node\/bin\/napi-v\*\/([^/]+)\/([^/]+)\/\*$/;
// Every bundle esbuild.config.mjs writes; missing ones mean dist/ must be built.
const BUNDLES = [
  'extension.js', 'server.js', 'model-worker.js', 'jobs-worker.js', 'profile-worker.js', 'cli.js',
  'webview/graph.js', 'webview/compare.js', 'webview/layout-worker.js', 'webview/webview.css', 'webview/codicon.css', 'webview/codicon.ttf',
];

class UsageError extends Error {}

function parseArgs(argv) {
  const o = { target: process.env.LAYERLENS_VSIX_TARGET || DEFAULT_TARGET, out: undefined, build: false, dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--target' || flag === '-t') o.target = value();
    else if (flag === '--out' || flag === '-o') o.out = value();
    else if (flag === '--build') o.build = true;
    else if (flag === '--dry-run') o.dryRun = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 12).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    } else throw new UsageError(`unknown argument ${argv[i]} (see --help)`);
  }
  return o;
}

/** The targets onnxruntime-node has binaries for, as vsce names them (bin/napi-v*\/<os>/<arch>). */
function ortTargets() {
  const targets = new Set();
  for (const napi of readdirSync(ORT_BIN).filter((d) => /^napi-v\d+$/.test(d))) {
    for (const os of readdirSync(join(ORT_BIN, napi))) {
      for (const arch of readdirSync(join(ORT_BIN, napi, os))) {
        const dir = join(ORT_BIN, napi, os, arch);
        if (statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith('.node'))) targets.add(`${os}-${arch}`);
      }
    }
  }
  return [...targets].sort();
}

function checkTarget(target) {
  if (!existsSync(ORT_BIN)) throw new UsageError(`${ORT_BIN} is missing: run \`npm ci\` (or bash scripts/setup.sh) first`);
  const available = ortTargets();
  if (!available.includes(target)) {
    const ortVersion = JSON.parse(readFileSync(join(ORT_BIN, '..', 'package.json'), 'utf8')).version;
    throw new UsageError(`no ONNX Runtime binaries for target '${target}' in onnxruntime-node ${ortVersion}; targets: ${available.join(', ')}`);
  }
  const dash = target.indexOf('-');
  return { os: target.slice(0, dash), arch: target.slice(dash + 1) };
}

/** .vscodeignore's lines with the ORT binaries line pointed at the target's os/arch. */
function ignoreLines(target) {
  const lines = readFileSync(join(REPO, '.vscodeignore'), 'utf8').split('\n');
  const hits = lines.map((l, i) => [l.trim(), i]).filter(([l]) => ORT_BIN_LINE.test(l));
  if (hits.length !== 1) throw new Error(`.vscodeignore must have exactly one line like '!node_modules/onnxruntime-node/bin/napi-v*/linux/x64/*' (found ${hits.length})`);
  const [line, index] = hits[0];
  const [, os, arch] = ORT_BIN_LINE.exec(line);
  const { os: tos, arch: tarch } = checkTarget(target);
  const changed = os !== tos || arch !== tarch;
  if (changed) lines[index] = `!node_modules/onnxruntime-node/bin/napi-v*/${tos}/${tarch}/*`;
  return { lines, changed };
}

function ensureDist(force) {
  const missing = BUNDLES.filter((b) => !existsSync(join(REPO, 'dist', b)));
  if (!force && missing.length === 0) {
    console.log('package-vsix: using the existing dist/ (--build to rebuild)');
    return;
  }
  console.log(force ? 'package-vsix: building dist/' : `package-vsix: building dist/ (missing: ${missing.join(', ')})`);
  const r = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the build failed (${r.status ?? r.signal})`);
  const still = BUNDLES.filter((b) => !existsSync(join(REPO, 'dist', b)));
  if (still.length) throw new Error(`the build did not write dist/${still.join(', dist/')}`);
}

/** The extension's README inside the VSIX: the user's guide, not the repository's developer README. */
const PACKAGE_README = join('docs', 'extension.md');

/**
 * vsce rewrites README links that are relative against the GitHub/GitLab repository of package.json;
 * for any other repository URL it refuses them. LayerLens's repository is not public yet
 * (a placeholder URL), so relative links stay as written (--no-rewrite-relative-links). That also
 * turns off vsce's image checks, so they are made here: images must be https and not SVG.
 */
function readmeOptions(manifest) {
  const readme = readFileSync(join(REPO, PACKAGE_README), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)/g), ...readme.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi)].map((m) => m[1]);
  const bad = images.filter((src) => !/^https:\/\//i.test(src) || /\.svg([?#]|$)/i.test(src));
  if (bad.length || /<svg\b/i.test(readme)) {
    throw new Error(`${PACKAGE_README}: images must be https and not SVG (vsce's rule; relative images cannot be resolved without a GitHub/GitLab repository): ${bad.join(', ') || '<svg>'}`);
  }
  const repo = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (!repo) throw new Error('package.json has no "repository" (vsce needs one)');
  return ['--readme-path', PACKAGE_README, ...(/github(\.com\/|:)|gitlab(\.com\/|:)/.test(repo) ? [] : ['--no-rewrite-relative-links'])];
}

function vsceEntry() {
  const require = createRequire(join(REPO, 'package.json'));
  const pkgPath = require.resolve('@vscode/vsce/package.json');
  const { bin } = JSON.parse(readFileSync(pkgPath, 'utf8'));
  return join(dirname(pkgPath), typeof bin === 'string' ? bin : bin.vsce);
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const name = `${manifest.name}-${manifest.version}-${o.target}.vsix`;
  const out = o.out === undefined ? join(REPO, name) : o.out.endsWith('.vsix') ? resolve(o.out) : join(resolve(o.out), name);
  const { lines, changed } = ignoreLines(o.target);
  const args = [vsceEntry(), 'package', '--target', o.target, '--out', out, '--no-yarn', ...readmeOptions(manifest)];
  let tmp;
  if (changed) {
    tmp = mkdtempSync(join(tmpdir(), 'layerlens-vsix-'));
    writeFileSync(join(tmp, '.vscodeignore'), lines.join('\n'));
    args.push('--ignoreFile', join(tmp, '.vscodeignore'));
  }
  try {
    if (o.dryRun) {
      console.log(JSON.stringify({ target: o.target, out, vsce: args.slice(1), ignore: lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) }, null, 2));
      return;
    }
    ensureDist(o.build);
    if (!existsSync(dirname(out))) throw new UsageError(`the folder of ${out} does not exist`);
    rmSync(out, { force: true });
    console.log(`package-vsix: vsce ${args.slice(1).join(' ')}`);
    const r = spawnSync(process.execPath, args, {
      cwd: REPO,
      // stdin closed: a vsce question (e.g. about a missing LICENSE) fails instead of waiting
      stdio: ['ignore', 'inherit', 'inherit'],
      // vsce's `npm -v` and `npm ls` only read node_modules; offline makes sure npm never asks a registry
      env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
    });
    if (r.status !== 0 || !existsSync(out)) throw new Error(`vsce package failed (${r.status ?? r.signal})`);
    console.log(`package-vsix: ${out} (${(statSync(out).size / 2 ** 20).toFixed(2)} MiB)`);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  console.error(`package-vsix: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
