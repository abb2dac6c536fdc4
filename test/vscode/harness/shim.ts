// What code-shim.sh runs: takes the arguments @vscode/test-electron gives a VS Code executable,
// and instead starts a fresh code-server and headless Chromium on the workbench URL whose `payload`
// carries extensionDevelopmentPath/extensionTestsPath. The workbench relays the extension host's
// output through window.codeAutomationLog (printed here, and appended to <run dir>/output.log) and
// its exit code through window.codeAutomationExit (this process's exit code).
//
// Arguments used: every --extensionDevelopmentPath=, --extensionTestsPath=, and the first non-flag
// argument (launchArgs: the folder to open). The others (--user-data-dir=, --extensions-dir=,
// --disable-updates, ...) are ignored: state is always fresh, in the run dir.
// Environment (run-extension-tests.ts sets them; test-electron's extensionTestsEnv arrives here too,
// and goes on to the server and so to the extension host):
//   LAYERLENS_VSCODE_RUN_DIR     where server state, logs and the browser profile go (else a temp dir, removed)
//   LAYERLENS_VSCODE_TIMEOUT_MS  the whole run, default 120000; on expiry everything is killed, exit 124
//   LAYERLENS_E2E_VERBOSE=1      also print the workbench's own log lines (always in output.log)
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { format } from 'node:util';
import { launchChromium, type Browser } from './browser';
import { CodeServer } from './code-server';
import { isWorkbenchNoise, VERBOSE } from './output';
import { KEEP_RUN_DIRS, makeRunDir } from './paths';

interface ShimArgs {
  dev: string[];
  tests?: string;
  folder?: string;
}

function parseArgs(argv: string[]): ShimArgs {
  const out: ShimArgs = { dev: [] };
  for (const a of argv) {
    if (a.startsWith('--extensionDevelopmentPath=')) out.dev.push(resolve(a.slice(a.indexOf('=') + 1)));
    else if (a.startsWith('--extensionTestsPath=')) out.tests = resolve(a.slice(a.indexOf('=') + 1));
    else if (a.startsWith('-')) continue;
    else out.folder ??= resolve(a);
  }
  return out;
}

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const note = (msg: string) => process.stderr.write(`[vscode-shim +${secs()}s] ${msg}\n`);

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.dev.length === 0 || !args.tests) {
    note('need --extensionDevelopmentPath= and --extensionTestsPath=');
    return 2;
  }
  const ownsRunDir = !process.env.LAYERLENS_VSCODE_RUN_DIR;
  const runDir = resolve(process.env.LAYERLENS_VSCODE_RUN_DIR ?? makeRunDir('ext-tests'));
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'shim.pid'), String(process.pid));
  const outputFile = join(runDir, 'output.log');
  writeFileSync(outputFile, '');
  const timeoutMs = Number(process.env.LAYERLENS_VSCODE_TIMEOUT_MS ?? 120_000);

  let settle!: (code: number) => void;
  const done = new Promise<number>((r) => (settle = r));
  const timer = setTimeout(() => {
    note(`timeout: no exit code from the extension host after ${timeoutMs} ms; killing everything`);
    settle(124);
  }, timeoutMs);
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(sig, () => {
      note(`${sig}: stopping`);
      settle(sig === 'SIGINT' ? 130 : 143);
    });
  }

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let code = 1;
  try {
    // both take 1-2 s: start them side by side
    const [s, b] = await Promise.allSettled([CodeServer.start({ runDir: join(runDir, 'server') }), launchChromium(join(runDir, 'chromium-profile'))]);
    if (s.status === 'fulfilled') server = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (s.status === 'rejected') throw s.reason;
    if (b.status === 'rejected') throw b.reason;
    const srv = s.value;
    note(`code-server on ${srv.baseUrl} (log ${srv.logFile})`);
    const { page } = b.value;
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown) => {
      const text = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
      appendFileSync(outputFile, `${text}\n`);
      if (VERBOSE || !isWorkbenchNoise(text)) (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${text}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (exitCode: number, logs?: { relativePath: string; contents: string }[]) => {
      // the workbench's own log files, kept with the run for failure reports
      for (const l of logs ?? []) {
        const p = join(runDir, 'workbench-logs', l.relativePath);
        if (!p.startsWith(join(runDir, 'workbench-logs'))) continue;
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, l.contents);
      }
      settle(Number(exitCode));
    });
    page.on('crash', () => {
      note('the workbench page crashed');
      settle(1);
    });
    b.value.context.on('close', () => settle(1));
    const url = srv.workbenchUrl({ folder: args.folder, extensionDevelopmentPath: args.dev, extensionTestsPath: args.tests });
    note(`opening ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    code = await done;
  } catch (e) {
    note(`failed: ${e instanceof Error ? e.message : String(e)}`);
    code = 1;
  } finally {
    clearTimeout(timer);
    if (code !== 0) {
      if (server) note(`code-server log (last lines of ${server.logFile}):\n${server.logTail(30)}`);
      if (browser?.consoleErrors.length) note(`browser console errors:\n  ${browser.consoleErrors.slice(0, 15).join('\n  ')}`);
      note(`run dir: ${runDir}${ownsRunDir && !KEEP_RUN_DIRS ? ' (removed; LAYERLENS_E2E_KEEP=1 keeps it)' : ''}`);
    }
    await browser?.close();
    await server?.stop();
    if (ownsRunDir && !KEEP_RUN_DIRS) rmSync(runDir, { recursive: true, force: true });
  }
  note(`extension tests exit code: ${code}`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    note(String(e));
    process.exit(1);
  },
);
