// `npm run editor [-- model.onnx] [--port N] [--no-build]`: a real VS Code in the browser — the code-server the
// editor tests install (.cache/vscode-host, installed by scripts/setup-vscode-host.sh if missing),
// started by the UI tests' own harness (test/vscode/harness/code-server.ts: 127.0.0.1, a free port,
// no authentication, fresh state, its process group stopped as a whole) — with the extension from
// this folder loaded (built first) and a model opened in the LayerLens graph editor by a one-off
// opener extension in the run's extensions folder: by default a copy of samples/tiny-cnn.onnx in a
// fresh workspace (so fixes written from the editor do not land in the repo), else the given model in
// its own folder. Prints the URL and runs until Ctrl-C, which stops code-server's whole process group
// (its extension hosts and the language server) and removes the state folder.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CodeServer } from '../test/vscode/harness/code-server';
import { CODE_SERVER_VERSION, HostMissingError, makeRunDir, REPO, requireHost } from '../test/vscode/harness/paths';

const args = process.argv.slice(2);
const portArg = args.includes('--port') ? args[args.indexOf('--port') + 1] : undefined;
const model = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--port');
const say = (s: string): void => void process.stderr.write(`editor: ${s}\n`);

function run(cmd: string, argv: string[], what: string): void {
  const r = spawnSync(cmd, argv, { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) {
    say(`${what} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  if (args.includes('--port') && !(portArg !== undefined && /^\d+$/.test(portArg) && Number(portArg) >= 1 && Number(portArg) <= 65535)) {
    say(`--port ${portArg ?? ''}: give a port number from 1 to 65535`);
    process.exit(2);
  }
  try {
    requireHost();
  } catch (e) {
    if (!(e instanceof HostMissingError)) throw e;
    say(`${e.message}\neditor: installing it (scripts/setup-vscode-host.sh, ~2 min)`);
    run('bash', [join(REPO, 'scripts', 'setup-vscode-host.sh')], 'setup-vscode-host.sh');
  }
  if (!args.includes('--no-build')) run(process.execPath, [join(REPO, 'esbuild.config.mjs')], 'the build');
  if (!existsSync(join(REPO, 'dist', 'extension.js'))) {
    say('dist/extension.js is missing: run `npm run build`');
    process.exit(1);
  }

  const state = makeRunDir('editor');
  let file: string;
  if (model) {
    file = resolve(model);
    if (!existsSync(file)) {
      say(`${model} does not exist`);
      rmSync(state, { recursive: true, force: true });
      process.exit(1);
    }
  } else {
    file = join(state, 'workspace', 'tiny-cnn.onnx');
    // the sample's batch dim bound, so its costs are figures rather than unknown
    mkdirSync(join(state, 'workspace', '.vscode'), { recursive: true });
    copyFileSync(join(REPO, 'samples', 'tiny-cnn.onnx'), file);
    writeFileSync(join(state, 'workspace', '.vscode', 'settings.json'), JSON.stringify({ 'layerlens.dims': { batch: 1 } }, null, 2));
  }

  // Opened from the URL (payload `openFile`) the model would get the text editor: the workbench
  // resolves it before the extension under development has registered its graph editor (and the
  // payload holds one extensionDevelopmentPath only). A six-line extension opens it instead.
  const opener = join(state, 'ext', 'layerlens.layerlens-editor-opener-0.0.0');
  mkdirSync(opener, { recursive: true });
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

  const server = await CodeServer.start({ runDir: state, startTimeoutMs: 60_000, ...(portArg ? { port: Number(portArg) } : {}) });
  say(`code-server pid ${server.pid} (its process group holds the extension hosts and the language server)`);
  const stop = async (code: number): Promise<void> => {
    await server.stop();
    rmSync(state, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // The harness leaves the server unreferenced: this check keeps the script running until Ctrl-C,
  // and ends it, with the server's log, if code-server goes away on its own.
  setInterval(() => {
    try {
      process.kill(server.pid, 0);
    } catch {
      say(`code-server exited; its log:\n${server.logTail(30)}`);
      void stop(1);
    }
  }, 1000);
  const url = server.workbenchUrl({ folder: dirname(file), extensionDevelopmentPath: REPO });
  console.log(`LayerLens in VS Code (code-server ${CODE_SERVER_VERSION}), ${basename(file)} opens in the graph editor:\n\n  ${url}\n\nOpen it in a browser on this machine (Ctrl-C stops the server; state in ${state}).`);
}

main().catch((e: Error) => {
  say(e.message);
  process.exit(1);
});
