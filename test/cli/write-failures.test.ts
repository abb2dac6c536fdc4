// The built CLI meeting a file system that says no: a missing folder, a folder where the output or
// its data file should go, a read-only file system, a full disk. Each is one line
// `FileSystemError: cannot write PATH: … what to do`, exit 1, no stack, and nothing is left behind.
// The read-only and full-disk cases mount a small tmpfs (root only: skipped otherwise, with the
// reason); the permission case runs the CLI as user nobody when the tests run as root.
// Also: a reader that closes the pipe early (`analyze … | head -1`) is a normal end, exit 0.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bigExternalModel, externalModel } from '../support/external-model';
import { runCli } from '../support/cli';
import { realModelPath, ROOT } from '../support/models';

const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];

/** A fresh tmpfs at a new folder (root only); null when mounting is not possible here. */
function tmpfs(options: string): string | null {
  if (!isRoot) return null;
  const dir = mkdtempSync(join(tmpdir(), 'll-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  mounts.push(dir);
  return dir;
}

after(() => {
  for (const m of mounts) {
    spawnSync('umount', [m]);
    rmdirSync(m);
  }
});

/** One line, the typed error, exit 1, no stack trace. */
function failsTyped(r: { status: number | null; stderr: string }, message: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^FileSystemError: cannot write /);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'no stack');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
}

const model = (): { dir: string; path: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'll-wf-'));
  return { dir, path: externalModel(dir) };
};

test('-o in a folder that does not exist: exit 1, names the folder, says to create it', () => {
  const { dir, path } = model();
  const out = join(dir, 'no', 'such', 'out.onnx');
  failsTyped(runCli(['optimize', path, '-o', out, '--fuse']), new RegExp(`${join(dir, 'no', 'such')} does not exist.*create it first`));
  assert.equal(existsSync(join(dir, 'no')), false);
});

test('-o naming a folder, and an output whose data file name is a folder: exit 1, nothing written', () => {
  const { dir, path } = model();
  const before = readdirSync(dir).sort();
  const folder = join(dir, 'results');
  mkdirSync(folder);
  failsTyped(runCli(['optimize', path, '-o', folder, '--fuse']), /results: it is a folder: name a file to write instead/);
  mkdirSync(join(dir, 'slim.onnx.data'));
  failsTyped(runCli(['optimize', path, '-o', join(dir, 'slim.onnx'), '--fuse'], { timeoutMs: 120_000 }), /slim\.onnx\.data, where the result's external data goes: it is a folder: remove or rename it/);
  assert.deepEqual(readdirSync(dir).sort(), [...before, 'results', 'slim.onnx.data'].sort());
  assert.deepEqual(readdirSync(folder), []);
});

test('a read-only file system: exit 1, says to write elsewhere (root: a read-only tmpfs)', (t) => {
  const { path } = model();
  const ro = tmpfs('ro,size=64k');
  if (!ro) return t.skip(isRoot ? 'mount -t tmpfs failed here' : 'needs root to mount a read-only tmpfs');
  failsTyped(runCli(['optimize', path, '-o', join(ro, 'out.onnx'), '--fuse']), new RegExp(`${ro} is on a read-only file system: write to another place`));
});

test('a folder without write permission: exit 1, says to choose another or change its permissions (root: run as nobody)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'll-wf-perm-'));
  chmodSync(dir, 0o755);
  const path = externalModel(dir);
  const locked = join(dir, 'locked');
  mkdirSync(locked, 0o555);
  chmodSync(locked, 0o555);
  const cli = [join(ROOT, 'dist', 'cli.js'), 'optimize', path, '-o', join(locked, 'out.onnx'), '--fuse'];
  // root may write anywhere: as root, the CLI runs as user nobody (setpriv), which may read the model but not write there.
  const r = isRoot ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...cli], { encoding: 'utf8' }) : spawnSync(process.execPath, cli, { encoding: 'utf8' });
  if (isRoot && r.error) return t.skip(`setpriv cannot run here (${r.error.message})`);
  failsTyped(r, new RegExp(`no permission to write in ${locked}: choose a folder you can write to, or change its permissions`));
  assert.deepEqual(readdirSync(locked), []);
});

test('a full disk (ENOSPC while writing the weights): exit 1, says so, and the disk is left empty', (t) => {
  const full = tmpfs('size=256k');
  if (!full) return t.skip(isRoot ? 'mount -t tmpfs failed here' : 'needs root to mount a small tmpfs');
  const dir = mkdtempSync(join(tmpdir(), 'll-wf-big-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = bigExternalModel(dir, 512); // 1 MiB of weights
  failsTyped(runCli(['optimize', path, '-o', join(full, 'out.onnx'), '--fuse'], { timeoutMs: 120_000 }), /no space left on the device holding .*about 1\.0 MiB were needed.*free some space or write to another disk/);
  assert.deepEqual(readdirSync(full), [], 'no partial file');
});

test('analyze … | head -1: the closed pipe ends the run quietly (exit 0, nothing on stderr)', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'analyze', realModelPath('ppocr-rec.onnx'), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
  child.stdout.destroy(); // as head does after its line
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.match(first, /^\{/);
  assert.equal(stderr, '');
  assert.equal(code, 0);
});

test('the input is never touched by a failed write', () => {
  const { dir, path } = model();
  const bytes = readFileSync(path);
  const data = readFileSync(join(dir, 'weights.bin'));
  runCli(['optimize', path, '-o', join(dir, 'missing', 'x.onnx'), '--fuse']);
  assert.deepEqual(readFileSync(path), bytes);
  assert.deepEqual(readFileSync(join(dir, 'weights.bin')), data);
});
