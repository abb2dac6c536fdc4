// The ONNX Runtime worker's lifetime and limits, with real processes: after kill -9 of the CLI that
// started it, the worker is gone within seconds; a worker past its memory limit is stopped with a
// typed error. Linux only where /proc is read (the machines this runs on).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProfileError } from '../../src/core/profile/errors';
import { OrtRuntime } from '../../src/node/ort/runtime';
import { ROOT } from '../support/models';
import { resnetLike } from './resnet-like';

const dir = mkdtempSync(join(tmpdir(), 'll-life-'));
const MODEL = join(dir, 'resnet-like.onnx');
writeFileSync(MODEL, resnetLike());

/** Child processes of `pid`, from /proc. */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => T | undefined | false, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

for (const command of [
  ['profile', MODEL, '--runs', '1000000', '--warmup', '1', '--no-machine', '--timeout', '120'],
  ['machine', '--refresh', '--timeout', '120'],
]) {
  test(`kill -9 of 'layerlens ${command[0]}' ends its ONNX Runtime worker within a few seconds`, { skip: !existsSync('/proc/self/stat') }, async () => {
    const cli = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...command], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LAYERLENS_CACHE_DIR: join(dir, 'cache') },
    });
    let stderr = '';
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The worker is running ORT: the CLI has a child and (for profile) reports timed runs.
    const worker = await waitFor('the worker', () => children(cli.pid!)[0], 30_000);
    if (command[0] === 'profile') await waitFor('timed runs', () => /timed run/.test(stderr), 60_000);
    else await sleep(300);
    assert.ok(running(worker));
    cli.kill('SIGKILL');
    const t0 = Date.now();
    await waitFor(`worker ${worker} to end`, () => !running(worker), 5000);
    console.log(`worker ${worker} ended ${Date.now() - t0} ms after kill -9 of its parent`);
  });
}

test('a worker past its memory limit is stopped with a ProfileError that says how to raise it', async () => {
  await assert.rejects(
    new OrtRuntime().profile({ modelPath: MODEL, inputs: [{ name: 'image', elemType: 1, shape: [1, 3, 56, 56] }], mode: 'deployed', runs: 1000, warmup: 1 }, { memoryLimitMb: 40 }),
    (e: unknown) => e instanceof ProfileError && /more than its limit of 40 MB/.test(e.message) && /LAYERLENS_WORKER_MEMORY_MB/.test(e.message),
  );
});
