// Cleanup of killed runs' leftovers: only our exact private names, only regular files (or, for the
// old staging folders, folders a day old), only when the writing process is gone; nothing else in
// the folder is touched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { candidateFor, candidateTarget, processAlive, removeStaleFiles, tempFor } from './private-names';

/** The id of a process that has ended (a child that ran and exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  assert.ok(pid > 0 && !processAlive(pid));
  return pid;
}

test('private names carry the target and this process id; candidateTarget reads them back', () => {
  const c = candidateFor('/m/out.onnx');
  assert.match(c, new RegExp(`^/m/\\.out\\.onnx\\.candidate-${process.pid}-\\d+\\.onnx$`));
  assert.deepEqual(candidateTarget(c.slice(3)), { target: 'out.onnx', pid: process.pid, data: false });
  assert.deepEqual(candidateTarget(`${c.slice(3)}.data`), { target: 'out.onnx', pid: process.pid, data: true });
  assert.equal(candidateTarget('out.onnx'), null);
  assert.equal(candidateTarget('.out.onnx.candidate-x-1.onnx'), null);
  assert.match(tempFor('/m/out.onnx'), new RegExp(`^/m/\\.out\\.onnx\\.tmp-${process.pid}-\\d+$`));
  assert.notEqual(candidateFor('/m/out.onnx'), candidateFor('/m/out.onnx'));
});

test('removeStaleFiles removes dead processes\' candidates and temp files, and nothing else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-stale-'));
  const dead = deadPid();
  const stale = [`.out.onnx.candidate-${dead}-1.onnx`, `.out.onnx.candidate-${dead}-1.onnx.data`, `.out.onnx.tmp-${dead}-7`, `.m.fuse-identity.onnx.candidate-${dead}.onnx`];
  const live = [`.out.onnx.candidate-${process.pid}-1.onnx`, `.out.onnx.tmp-${process.pid}-3`, `.out.onnx.candidate-1-1.onnx`];
  const others = ['out.onnx', 'out.onnx.data', `out.onnx.candidate-${dead}-1.onnx`, `.out.onnx.candidate-${dead}-1.onnx.bak`, `.notes.tmp-${dead}`, '.out.onnx.layerlens-abc'];
  for (const f of [...stale, ...live, ...others]) writeFileSync(join(dir, f), 'x');
  // A link and a folder under a stale name are not ours to remove.
  const victim = join(mkdtempSync(join(tmpdir(), 'll-victim-')), 'keep.bin');
  writeFileSync(victim, 'keep');
  symlinkSync(victim, join(dir, `.link.onnx.candidate-${dead}-2.onnx`));
  mkdirSync(join(dir, `.dir.onnx.tmp-${dead}-2`));
  const removed = removeStaleFiles(dir).map((p) => p.slice(dir.length + 1)).sort();
  assert.deepEqual(removed, [...stale].sort());
  assert.deepEqual(readdirSync(dir).sort(), [...live, ...others, `.link.onnx.candidate-${dead}-2.onnx`, `.dir.onnx.tmp-${dead}-2`].sort());
  assert.ok(existsSync(victim));
});

test('old staging folders (.OUT.layerlens-XXXXXX, no process id) are removed once a day old, with what they hold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-stale-legacy-'));
  const old = join(dir, '.out.onnx.layerlens-Ab12Cd');
  const fresh = join(dir, '.out.onnx.layerlens-Zz99Yy');
  for (const d of [old, fresh]) {
    mkdirSync(d);
    writeFileSync(join(d, 'out.onnx'), 'half');
  }
  const dayAgo = (Date.now() - 25 * 3600_000) / 1000;
  utimesSync(old, dayAgo, dayAgo);
  const asFile = join(dir, '.x.onnx.layerlens-Qq11Ww');
  writeFileSync(asFile, 'a file, not a staging folder');
  utimesSync(asFile, dayAgo, dayAgo);
  assert.deepEqual(removeStaleFiles(dir), [old]);
  assert.ok(existsSync(fresh) && existsSync(asFile));
});

test('processAlive: this process and its parent are alive, an ended child and nonsense ids are not', () => {
  assert.equal(processAlive(process.pid), true);
  assert.equal(processAlive(process.ppid), true);
  assert.equal(processAlive(deadPid()), false);
  assert.equal(processAlive(0), false);
  assert.equal(processAlive(-5), false);
  assert.equal(processAlive(Number.NaN), false);
});
