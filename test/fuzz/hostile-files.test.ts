// Every command that reads a model, on files that must never be read (issue 11 item 4): a model
// whose external data is a FIFO (optimize used to hang on it for good), a model that is a FIFO or a
// link to /dev/zero (analyze used to hang, growing to 5 GB). Each command must refuse in time with
// a typed error and write nothing: no output file, no leftover candidate folder. Also `compile` on a
// hand-written model (.onnxtxt) that is a FIFO.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli';
import { withExternalData } from '../support/craft';
import { SAMPLE } from '../support/models';
import { changes, snapshot } from './checks';

const root = mkdtempSync(join(tmpdir(), 'll-hostile-files-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The sample with every initializer's data in `w.bin`, which the caller makes (here: a FIFO). */
function withExternalWeights(dir: string): string {
  const path = join(dir, 'model.onnx');
  writeFileSync(path, withExternalData(readFileSync(SAMPLE), 'w.bin').model);
  return path;
}

const COMMANDS: [string, (model: string, dir: string) => string[]][] = [
  ['analyze', (m) => ['analyze', m]],
  ['optimize', (m, dir) => ['optimize', m, '-o', join(dir, 'out.onnx'), '--fuse', '--input', 'image=1x3x32x32', '--timeout', '20']],
  ['profile', (m) => ['profile', m, '--input', 'image=1x3x32x32', '--runs', '1']],
  ['export', (m, dir) => ['export', m, '--format', 'json', '-o', join(dir, 'metrics.json')]],
];

const FILES: [string, (dir: string) => string, RegExp][] = [
  [
    'external data that is a FIFO',
    (dir) => {
      const path = withExternalWeights(dir);
      execFileSync('mkfifo', [join(dir, 'w.bin')]);
      return path;
    },
    /^ExternalDataError: external data 'w\.bin' is a named pipe \(FIFO\), not a regular file/,
  ],
  [
    'a model that is a FIFO',
    (dir) => {
      execFileSync('mkfifo', [join(dir, 'model.onnx')]);
      return join(dir, 'model.onnx');
    },
    /^ModelFormatError: .*model\.onnx is a named pipe \(FIFO\), not a regular file/,
  ],
  [
    'a model that links to /dev/zero',
    (dir) => {
      symlinkSync('/dev/zero', join(dir, 'model.onnx'));
      return join(dir, 'model.onnx');
    },
    /^ModelFormatError: .*model\.onnx \(a link to \/dev\/zero\) is a character device, not a regular file/,
  ],
];

for (const [what, make, refusal] of FILES) {
  for (const [command, args] of COMMANDS) {
    test(`${command} on ${what}: refused in time, typed, nothing written`, () => {
      const dir = mkdtempSync(join(root, `${command}-`));
      const model = make(dir);
      const before = snapshot(dir);
      const r = runCli(args(model, dir), { timeoutMs: 30_000, cwd: dir });
      assert.equal(r.status, 1, `exit ${r.status} (null: killed at the time limit, a hang)\n${r.stderr}`);
      assert.match(r.stderr, refusal);
      assert.deepEqual(changes(before, snapshot(dir)), []);
    });
  }
}

test('compile on a hand-written model that is a FIFO: refused in time, typed, nothing written', () => {
  const dir = mkdtempSync(join(root, 'compile-'));
  execFileSync('mkfifo', [join(dir, 'design.onnxtxt')]);
  const before = snapshot(dir);
  const r = runCli(['compile', join(dir, 'design.onnxtxt'), '-o', join(dir, 'out.onnx')], { timeoutMs: 30_000, cwd: dir });
  assert.equal(r.status, 1, `exit ${r.status} (null: killed at the time limit, a hang)\n${r.stderr}`);
  assert.match(r.stderr, /^ModelFormatError: .*design\.onnxtxt is a named pipe \(FIFO\), not a regular file/);
  assert.deepEqual(changes(before, snapshot(dir)), []);
});
