// Runs the built CLI (dist/cli.js, made by `npm run build`) as a user would, capturing its output.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './models';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { timeoutMs?: number; cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'npm run build' first`);
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    cwd: opts.cwd ?? ROOT,
    maxBuffer: 64 * 1024 * 1024,
    ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
