// System errors become FileSystemErrors that name the file and say what to do; typed errors and bugs
// pass through as they are. The errors here are the real ones Node raises on this machine.
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileSystemError, UsageError } from '../../core/errors';
import { fileError, guard, isSystemError } from './fs-error';

const caught = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
};

test('a missing folder, a folder named as a file, a missing file: typed, with the path and what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-fserr-'));
  const noFolder = caught(() => guard('write', join(dir, 'no', 'x.onnx'), () => writeFileSync(join(dir, 'no', 'x.onnx'), 'x')));
  assert.ok(noFolder instanceof FileSystemError);
  assert.equal(noFolder.code, 'ENOENT');
  assert.equal(noFolder.path, join(dir, 'no', 'x.onnx'));
  assert.equal(noFolder.message, `cannot write ${join(dir, 'no', 'x.onnx')}: the folder ${join(dir, 'no')} does not exist (or was removed meanwhile): create it first, or choose another place`);
  const folder = caught(() => guard('write', dir, () => openSync(dir, 'w')));
  assert.ok(folder instanceof FileSystemError && folder.code === 'EISDIR' && /is a folder: name a file to write instead/.test(folder.message));
  const missing = caught(() => guard('read', join(dir, 'nope.onnx'), () => readFileSync(join(dir, 'nope.onnx'))));
  assert.ok(missing instanceof FileSystemError && /nope\.onnx does not exist: check the path$/.test(missing.message));
  assert.equal(new FileSystemError('m', '/x').exitCode, 1);
});

test('typed errors and bugs are not system errors and pass through unchanged', () => {
  const usage = new UsageError('bad flag');
  assert.equal(isSystemError(usage), false);
  assert.equal(fileError(usage, 'write', '/x'), usage);
  const bug = new TypeError('x is undefined');
  assert.equal(fileError(bug, 'write', '/x'), bug);
  const typed = new FileSystemError('cannot write /x: …', '/x', 'ENOSPC');
  assert.equal(isSystemError(typed), false, 'already typed: not wrapped twice');
  const odd = Object.assign(new Error('EWEIRD: something'), { code: 'EWEIRD' });
  const e = fileError(odd, 'write', '/d/x');
  assert.ok(e instanceof FileSystemError && e.message === 'cannot write /d/x: something: check the path and the disk, then try again');
});
