#!/usr/bin/env node
// `npm run editor [-- model.onnx] [--port N] [--no-build]`: a real VS Code in the browser — the
// code-server the editor tests install (.cache/vscode-host, installed by scripts/setup-vscode-host.sh
// if missing) — with the extension from this folder loaded (built first) and a model opened in the
// LayerLens graph editor (by a one-off opener extension in the run's state folder): by default a copy of samples/tiny-cnn.onnx in a fresh workspace (so fixes
// written from the editor do not land in the repo), else the given model in its own folder.
// It binds 127.0.0.1 on a free port without authentication, keeps its state (user data,
// extensions, XDG folders, log) in a fresh temp folder removed on exit, prints the URL, and runs until
// Ctrl-C, which stops code-server's whole process group (its extension hosts and the language server).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

const REPO = resolve(dirname(new URL(import.meta.url).pathname), '..');
const CS_VERSION = '4.100.3';
const HOST_DIR = resolve(process.env.LAYERLENS_VSCODE_HOST_DIR ?? join(REPO, '.cache', 'vscode-host'));
const ENTRY = join(HOST_DIR, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const model = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--port');
const say = (s) => process.stderr.write(`editor: ${s}\n`);

function installed() {
  const marker = join(HOST_DIR, 'installed');
  return existsSync(ENTRY) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === `code-server@${CS_VERSION}`;
}

function run(cmd, argv, what) {
  const r = spawnSync(cmd, argv, { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) {
    say(`${what} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

if (!installed()) {
  say(`code-server ${CS_VERSION} is not in ${HOST_DIR}: installing it (scripts/setup-vscode-host.sh, ~2 min)`);
  run('bash', [join(REPO, 'scripts', 'setup-vscode-host.sh')], 'setup-vscode-host.sh');
}
if (!flag('--no-build')) run(process.execPath, [join(REPO, 'esbuild.config.mjs')], 'the build');
if (!existsSync(join(REPO, 'dist', 'extension.js'))) {
  say('dist/extension.js is missing: run `npm run build`');
  process.exit(1);
}

const state = mkdtempSync(join(tmpdir(), 'layerlens-editor-'));
for (const d of ['ud/User', 'ext', 'tmp', 'xdg/config', 'xdg/data', 'xdg/cache']) mkdirSync(join(state, d), { recursive: true });
let file;
if (model) {
  file = resolve(model);
  if (!existsSync(file)) {
    say(`${model} does not exist`);
    process.exit(1);
  }
} else {
  mkdirSync(join(state, 'workspace'));
  file = join(state, 'workspace', 'tiny-cnn.onnx');
  copyFileSync(join(REPO, 'samples', 'tiny-cnn.onnx'), file);
  // the sample's batch dim bound, so its costs are figures rather than unknown
  mkdirSync(join(state, 'workspace', '.vscode'));
  writeFileSync(join(state, 'workspace', '.vscode', 'settings.json'), JSON.stringify({ 'layerlens.dims': { batch: 1 } }, null, 2));
}
const folder = dirname(file);
writeFileSync(
  join(state, 'ud', 'User', 'settings.json'),
  JSON.stringify({
    'telemetry.telemetryLevel': 'off',
    'workbench.enableExperiments': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
  }, null, 2),
);

// The model is opened by a six-line extension made for this run, installed in its extensions folder:
// opened from the URL (payload `openFile`) it would get the text editor, as the workbench resolves it
// before the extension under development has registered its graph editor (and the payload holds one
// extensionDevelopmentPath only).
const opener = join(state, 'ext', 'layerlens.layerlens-editor-opener-0.0.0');
mkdirSync(opener);
writeFileSync(join(opener, 'package.json'), JSON.stringify({ name: 'layerlens-editor-opener', publisher: 'layerlens', version: '0.0.0', engines: { vscode: '^1.100.0' }, activationEvents: ['onStartupFinished'], main: './extension.js' }));
writeFileSync(
  join(opener, 'extension.js'),
  [
    "const vscode = require('vscode');",
    'exports.activate = async () => {',
    "  await vscode.extensions.getExtension('layerlens.layerlens')?.activate();",
    `  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(${JSON.stringify(file)}), 'layerlens.graph');`,
    '};',
    '',
  ].join('\n'),
);
const port = option('--port') ? Number(option('--port')) : await freePort();
const authority = `127.0.0.1:${port}`;
writeFileSync(join(state, 'config.yaml'), `bind-addr: ${authority}\nauth: none\ncert: false\n`);
const env = {};
for (const [k, v] of Object.entries(process.env)) {
  // a surrounding VS Code's variables would make code-server hand the folder to it
  if (!k.startsWith('VSCODE_') && !['ELECTRON_RUN_AS_NODE', 'NODE_OPTIONS', 'PASSWORD', 'HASHED_PASSWORD'].includes(k)) env[k] = v;
}
Object.assign(env, { XDG_CONFIG_HOME: join(state, 'xdg', 'config'), XDG_DATA_HOME: join(state, 'xdg', 'data'), XDG_CACHE_HOME: join(state, 'xdg', 'cache'), TMPDIR: join(state, 'tmp'), EXTENSIONS_GALLERY: '{}' });
const log = join(state, 'server.log');
const fd = openSync(log, 'a');
const child = spawn(
  process.execPath,
  [ENTRY, '--config', join(state, 'config.yaml'), '--user-data-dir', join(state, 'ud'), '--extensions-dir', join(state, 'ext'), '--bind-addr', authority, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'],
  { cwd: state, env, detached: true, stdio: ['ignore', fd, fd] },
);

say(`code-server pid ${child.pid} (its process group holds the extension hosts and the language server)`);

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-child.pid, 'SIGTERM'); // the whole group: code-server, extension hosts, language server
  } catch {
    // already gone
  }
  const end = Date.now() + 3000;
  const wait = () => {
    let alive = true;
    try {
      process.kill(-child.pid, 0);
    } catch {
      alive = false;
    }
    if (alive && Date.now() < end) return void setTimeout(wait, 50);
    if (alive) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(state, { recursive: true, force: true });
    process.exit(code);
  };
  wait();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
child.once('exit', (c, s) => {
  if (stopping) return;
  say(`code-server exited (${c ?? s}); its log:\n${readFileSync(log, 'utf8').split('\n').slice(-30).join('\n')}`);
  stop(1);
});

const until = Date.now() + 60_000;
for (;;) {
  const ok = await fetch(`http://${authority}/healthz`).then((r) => r.ok, () => false);
  if (ok) break;
  if (Date.now() > until) {
    say(`code-server did not answer on ${authority} within 60 s; log: ${log}`);
    stop(1);
    await new Promise(() => {}); // stop() exits
  }
  await new Promise((r) => setTimeout(r, 100));
}
const remote = (p) => `vscode-remote://${authority}${p}`;
const payload = [['extensionDevelopmentPath', remote(REPO)]];
const url = `http://${authority}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
console.log(`LayerLens in VS Code (code-server ${CS_VERSION}), ${basename(file)} opens in the graph editor:\n\n  ${url}\n\nOpen it in a browser on this machine (Ctrl-C stops the server; state in ${state}).`);
