// The equivalent of @vscode/test-electron's runTests() on these machines: it *is* runTests, with
// code-shim.sh as the VS Code executable (code-server + headless Chromium; see shim.ts). A mocha
// suite runs inside the real extension host; the result is its exit code and output.
import { runTests } from '@vscode/test-electron';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEEP_RUN_DIRS, makeRunDir, requireHost } from './paths';
import { groupMembers, killGroup, processesMentioning } from './processes';

export const SHIM = join(__dirname, 'code-shim.sh');

export interface ExtensionTestOptions {
  extensionDevelopmentPath: string;
  /** The bundled test module exporting run() (see build-suite.ts). */
  extensionTestsPath: string;
  /** The folder the window opens. */
  folder?: string;
  /** Extra environment for the extension host (test-electron's extensionTestsEnv). */
  env?: Record<string, string>;
  /** The whole run, default 120 s (or LAYERLENS_E2E_TIMEOUT_MS): then the shim kills everything and the code is 124. */
  timeoutMs?: number;
}

export interface ExtensionTestResult {
  /** The extension host's exit code: 0 when run() resolved. */
  code: number;
  /** What the extension host printed (mocha's report among it). */
  output: string;
  seconds: number;
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const n = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function runExtensionTests(o: ExtensionTestOptions): Promise<ExtensionTestResult> {
  requireHost();
  const runDir = makeRunDir('ext-tests');
  const timeoutMs = o.timeoutMs ?? (Number(process.env.LAYERLENS_E2E_TIMEOUT_MS) || 120_000);
  const t0 = Date.now();
  let code: number;
  // A safety net above the shim's own timeout: if the shim hangs, kill it and its server group.
  let outerTimer: NodeJS.Timeout | undefined;
  let outerFired = false;
  const outer = new Promise<number>((res) => {
    outerTimer = setTimeout(async () => {
      outerFired = true;
      process.stderr.write(`run-extension-tests: the shim did not finish ${timeoutMs + 15_000} ms after start; killing it\n`);
      const shim = readPid(join(runDir, 'shim.pid'));
      if (shim) {
        try {
          process.kill(shim, 'SIGTERM');
        } catch {
          // gone
        }
        await new Promise((r) => setTimeout(r, 3000));
        try {
          process.kill(shim, 'SIGKILL');
        } catch {
          // gone
        }
      }
      const server = readPid(join(runDir, 'server', 'server.pid'));
      if (server && groupMembers(server).length) await killGroup(server, 500);
      // Chromium (its own group, started by the shim's playwright) names its profile in the run dir
      for (const pid of processesMentioning(runDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      res(124);
    }, timeoutMs + 15_000);
  });
  try {
    const run = runTests({
      vscodeExecutablePath: SHIM,
      extensionDevelopmentPath: resolve(o.extensionDevelopmentPath),
      extensionTestsPath: resolve(o.extensionTestsPath),
      // the shim ignores these; passed so that test-electron does not point at ./.vscode-test
      launchArgs: [...(o.folder ? [resolve(o.folder)] : []), `--user-data-dir=${join(runDir, 'ud')}`, `--extensions-dir=${join(runDir, 'ext')}`],
      extensionTestsEnv: {
        ...o.env,
        LAYERLENS_VSCODE_RUN_DIR: runDir,
        LAYERLENS_VSCODE_TIMEOUT_MS: String(timeoutMs),
      },
    }).then(
      (c) => c,
      (e: unknown) => {
        // TestRunFailedError carries the exit code
        const c = (e as { code?: unknown }).code;
        return typeof c === 'number' ? c : 1;
      },
    );
    code = await Promise.race([run, outer]);
    if (outerFired) code = 124;
  } finally {
    clearTimeout(outerTimer);
  }
  const outFile = join(runDir, 'output.log');
  const output = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  if (KEEP_RUN_DIRS) process.stderr.write(`run-extension-tests: run dir kept: ${runDir}\n`);
  else rmSync(runDir, { recursive: true, force: true });
  return { code, output, seconds: (Date.now() - t0) / 1000 };
}
