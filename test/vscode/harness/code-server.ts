// A code-server (VS Code 1.100.3's server + web workbench) on a free 127.0.0.1 port with fresh,
// isolated state: its own user-data-dir, extensions-dir and XDG dirs in a run folder, settings that
// turn off telemetry, the welcome page, workspace trust, updates and the extension gallery. It is
// started detached (its own process group, like setsid) and stopped by killing the group: the
// extension hosts it forks outlive the browser otherwise. The log file stays for failure reports.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { CODE_SERVER_ENTRY, KEEP_RUN_DIRS, makeRunDir, requireHost } from './paths';
import { killGroup, trackGroup, untrackGroup } from './processes';

export interface CodeServerOptions {
  /** Install this .vsix into the fresh extensions dir before the server starts. */
  vsix?: string;
  /** Use this (empty or new) folder for state and logs instead of a fresh temp folder. */
  runDir?: string;
  /** User settings added to (or overriding) the defaults below. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server, and so for the extension hosts it starts. */
  env?: Record<string, string>;
  /** This port instead of a free one (then no retry on another port). */
  port?: number;
  /** How long to wait for /healthz (default 30 s). */
  startTimeoutMs?: number;
}

export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'github.gitAuthentication': false,
  'editor.hover.delay': 150,
};

/** A port that was free a moment ago (the server retries on EADDRINUSE). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

/** The environment for code-server: no leaks from a surrounding VS Code or test runner. */
function serverEnv(runDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // VSCODE_IPC_HOOK_CLI & co. would make code-server hand the folder to an outer VS Code;
    // NODE_OPTIONS could carry a test runner's loader into the extension host.
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS' || k === 'PASSWORD' || k === 'HASHED_PASSWORD') continue;
    env[k] = v;
  }
  return {
    ...env,
    XDG_CONFIG_HOME: join(runDir, 'xdg', 'config'),
    XDG_DATA_HOME: join(runDir, 'xdg', 'data'),
    XDG_CACHE_HOME: join(runDir, 'xdg', 'cache'),
    TMPDIR: join(runDir, 'tmp'),
    // no extension gallery (open-vsx.org cannot be reached; nothing should try)
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

export class CodeServer {
  private stopped = false;
  private constructor(
    readonly runDir: string,
    readonly port: number,
    readonly pid: number,
    readonly logFile: string,
    private readonly ownsRunDir: boolean,
  ) {}

  /** host:port exactly as the browser uses it: also the remote authority of vscode-remote URIs. */
  get authority(): string {
    return `127.0.0.1:${this.port}`;
  }
  get baseUrl(): string {
    return `http://${this.authority}`;
  }
  get userDataDir(): string {
    return join(this.runDir, 'ud');
  }
  get extensionsDir(): string {
    return join(this.runDir, 'ext');
  }

  /** A path on the server's machine as the workbench names it. */
  remoteUri(path: string): string {
    return `vscode-remote://${this.authority}${resolve(path)}`;
  }

  /**
   * The workbench URL for `folder`: extensions under development and a test module go in the
   * `payload` (code-server has no --extensionDevelopmentPath flag).
   */
  workbenchUrl(o: { folder?: string; extensionDevelopmentPath?: string | string[]; extensionTestsPath?: string }): string {
    const payload: [string, string][] = [];
    const dev = o.extensionDevelopmentPath === undefined ? [] : ([] as string[]).concat(o.extensionDevelopmentPath);
    for (const d of dev) payload.push(['extensionDevelopmentPath', this.remoteUri(d)]);
    if (o.extensionTestsPath) payload.push(['extensionTestsPath', this.remoteUri(o.extensionTestsPath)]);
    const q = [o.folder ? `folder=${encodeURIComponent(resolve(o.folder))}` : 'ew=true'];
    if (payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return `${this.baseUrl}/?${q.join('&')}`;
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }
  logTail(lines = 40): string {
    return this.log().split('\n').filter((l) => l.trim()).slice(-lines).join('\n');
  }

  /** Kills the server's whole process group (extension hosts included) and removes the run dir. */
  async stop(o: { keepRunDir?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await killGroup(this.pid);
    untrackGroup(this.pid);
    if (this.ownsRunDir && !o.keepRunDir && !KEEP_RUN_DIRS) rmSync(this.runDir, { recursive: true, force: true });
  }

  static async start(opts: CodeServerOptions = {}): Promise<CodeServer> {
    requireHost();
    const ownsRunDir = !opts.runDir;
    const runDir = resolve(opts.runDir ?? makeRunDir('cs'));
    for (const d of ['ud/User', 'ext', 'tmp', 'xdg/config', 'xdg/data', 'xdg/cache']) mkdirSync(join(runDir, d), { recursive: true });
    writeFileSync(join(runDir, 'ud', 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2));
    const env = serverEnv(runDir, opts.env);
    const common = ['--user-data-dir', join(runDir, 'ud'), '--extensions-dir', join(runDir, 'ext')];
    if (opts.vsix) {
      const r = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...common, '--force', '--install-extension', resolve(opts.vsix)], { env, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`code-server --install-extension ${opts.vsix} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
    }
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = opts.port ?? (await freePort());
      const logFile = join(runDir, attempt ? `server.${attempt}.log` : 'server.log');
      // a config file of our own, or code-server writes one with a password into XDG_CONFIG_HOME
      writeFileSync(join(runDir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
      const fd = openSync(logFile, 'a');
      const child = spawn(
        process.execPath,
        [
          CODE_SERVER_ENTRY,
          '--config', join(runDir, 'config.yaml'),
          ...common,
          '--bind-addr', `127.0.0.1:${port}`,
          '--auth', 'none',
          '--disable-telemetry',
          '--disable-update-check',
          '--disable-workspace-trust',
          '--disable-getting-started-override',
          '--ignore-last-opened',
        ],
        { cwd: runDir, env, detached: true, stdio: ['ignore', fd, fd] },
      );
      closeSync(fd);
      child.unref();
      if (!child.pid) throw new Error('could not spawn code-server');
      trackGroup(child.pid);
      writeFileSync(join(runDir, 'server.pid'), String(child.pid));
      let exited: number | string | null = null;
      child.once('exit', (code, signal) => (exited = code ?? signal ?? 'exit'));
      const server = new CodeServer(runDir, port, child.pid, logFile, ownsRunDir);
      const until = Date.now() + (opts.startTimeoutMs ?? 30_000);
      while (Date.now() < until && exited === null) {
        try {
          const res = await fetch(`${server.baseUrl}/healthz`);
          if (res.ok) return server;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const log = server.logTail();
      await killGroup(child.pid, 500);
      untrackGroup(child.pid);
      lastError = new Error(`code-server did not come up on port ${port} (${exited === null ? 'timeout' : `exited: ${exited}`}); log ${logFile}:\n${log}`);
      if (opts.port !== undefined || !/EADDRINUSE/.test(log)) break;
    }
    if (ownsRunDir && !KEEP_RUN_DIRS) rmSync(runDir, { recursive: true, force: true });
    throw lastError ?? new Error('code-server did not start');
  }
}

export const startCodeServer = (opts?: CodeServerOptions): Promise<CodeServer> => CodeServer.start(opts);
