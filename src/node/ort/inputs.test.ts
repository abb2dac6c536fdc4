// Input files for profiling: .npy and TensorProto .pb are read as the model expects, and a file of
// the wrong type or shape is a usage error naming the input.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { UsageError } from '../../core/errors';
import { DataType } from '../../core/ir/data-type';
import { TensorProtoSchema } from '../../core/onnx/gen/layerlens/onnx/onnx_pb';
import { npyInt64Scalar } from '../../../test/support/npy';
import { checkInput, generateInput, loadInputFile } from './inputs';

test('a .npy scalar and a .pb tensor load with their types, shapes and values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-in-'));
  writeFileSync(join(dir, 'sr.npy'), npyInt64Scalar(16000n));
  const sr = loadInputFile(join(dir, 'sr.npy'), 'sr');
  assert.equal(sr.elemType, DataType.INT64);
  assert.deepEqual(sr.shape, []);
  assert.equal(Buffer.from(sr.bytes).readBigInt64LE(0), 16000n);
  const pb = create(TensorProtoSchema, { dims: [2n, 2n], dataType: DataType.FLOAT, floatData: [1, 2, 3, 4] });
  writeFileSync(join(dir, 'x.pb'), toBinary(TensorProtoSchema, pb));
  const x = loadInputFile(join(dir, 'x.pb'), 'x');
  assert.deepEqual(x.shape, [2, 2]);
  assert.deepEqual(Array.from(new Float32Array(x.bytes.slice().buffer)), [1, 2, 3, 4]);
});

test('a file of the wrong shape or type is refused, naming the input', () => {
  const data = generateInput({ name: 'x', elemType: DataType.FLOAT, shape: [1, 3] });
  assert.throws(() => checkInput(data, { name: 'x', elemType: DataType.FLOAT, shape: [1, 4] }), (e: unknown) => e instanceof UsageError && /input 'x'.*\[1,3\].*\[1,4\]/.test(e.message));
  assert.throws(() => checkInput(data, { name: 'x', elemType: DataType.INT64, shape: [1, 3] }), (e: unknown) => e instanceof UsageError && /input 'x': the file holds float, the model expects int64/.test(e.message));
  const dir = mkdtempSync(join(tmpdir(), 'll-in-'));
  writeFileSync(join(dir, 'junk.npy'), 'not numpy');
  assert.throws(() => loadInputFile(join(dir, 'junk.npy'), 'x'), /not a \.npy file/);
});

test('generated inputs are deterministic and int64 values stay small (safe as indices)', () => {
  const a = generateInput({ name: 'ids', elemType: DataType.INT64, shape: [64] });
  const b = generateInput({ name: 'ids', elemType: DataType.INT64, shape: [64] });
  assert.deepEqual(a.bytes, b.bytes);
  const v = new BigInt64Array(a.bytes.slice().buffer);
  assert.ok(v.every((x) => x >= 0n && x < 100n));
});
