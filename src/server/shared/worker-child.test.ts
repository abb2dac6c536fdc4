// The worker processes' watchdog, in real processes: one whose main thread is stuck allocating is
// killed once its memory passes the limit, with the marker line the server reads; one whose parent is
// killed (kill -9, so no clean disconnect) ends by itself.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { LIMIT_MARKER } from './worker-child';

const ROOT = join(__dirname, '..', '..', '..');
const watchdog = join(__dirname, 'worker-child.ts');

test('a worker stuck allocating is killed past its memory limit, saying so on stderr', () => {
  const code = `require(${JSON.stringify(watchdog)}).startWatchdog();
setTimeout(() => { const keep = []; for (;;) keep.push(Buffer.alloc(1 << 20, 1)); }, 300);`;
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: ROOT, env: { ...process.env, LAYERLENS_WORKER_MEMORY_MB: '200' }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, 'SIGKILL', `${r.status} ${r.stderr}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith(LIMIT_MARKER));
  assert.ok(line, r.stderr);
  const mb = Number(/memory (\d+) MB/.exec(line)![1]);
  assert.ok(mb > 200 && mb < 2000, line);
});

test('a worker whose parent is killed ends by itself, even while its main thread is busy', async () => {
  // parent -> worker; the worker spins forever; the parent prints the worker's pid, then is killed.
  const worker = `require(${JSON.stringify(watchdog)}).startWatchdog(); setTimeout(() => { for (;;); }, 200);`;
  const parent = `const c = require('node:child_process').spawn(process.execPath, ['--require', 'tsx/cjs', '-e', ${JSON.stringify(worker)}], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);`;
  const p = spawn(process.execPath, ['-e', parent], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = Number(await new Promise<string>((r) => p.stdout.once('data', (d: Buffer) => r(d.toString()))));
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(alive(), 'the worker runs while its parent does');
  p.kill('SIGKILL');
  const end = Date.now() + 10_000;
  while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!alive(), 'the worker ended after its parent was killed');
});
