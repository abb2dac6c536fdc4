// Samples: generated sample 0 is what verification generates (seed 42); .npy files written for the
// profiler's worker read back identical through its own reader (header padded to 64 bytes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DataType } from '../../core/ir/data-type';
import { generateInput, readNpy } from '../ort/inputs';
import { loadSamples, npyBytes, writeSampleFiles } from './samples';

test('generated samples: seeds 42, 43, …; sample 0 is what verification generates', () => {
  const spec = { name: 'x', elemType: DataType.FLOAT, shape: [2, 3] };
  const s = loadSamples([spec], { generated: 3 });
  assert.equal(s.from, 'generated');
  assert.equal(s.sets.length, 3);
  assert.deepEqual(s.sets[0]![0]!.bytes, generateInput(spec, 42).bytes);
  assert.notDeepEqual(s.sets[1]![0]!.bytes, s.sets[0]![0]!.bytes);
});

test('.npy files round-trip through the worker\'s reader (float and int64, 1-D and 4-D)', () => {
  for (const spec of [{ name: 'x', elemType: DataType.FLOAT, shape: [1, 3, 4, 5] }, { name: 'ids', elemType: DataType.INT64, shape: [7] }]) {
    const d = generateInput(spec, 5);
    const bytes = npyBytes(d);
    const headerLen = Buffer.from(bytes).readUInt16LE(8);
    assert.equal((10 + headerLen) % 64, 0, 'data starts on a 64-byte boundary');
    const files = writeSampleFiles([d]);
    try {
      const back = readNpy(files.files[spec.name]!, spec.name);
      assert.deepEqual([back.elemType, back.shape, Buffer.from(back.bytes)], [spec.elemType, spec.shape, Buffer.from(d.bytes)]);
      assert.deepEqual(readFileSync(files.files[spec.name]!), Buffer.from(bytes));
    } finally {
      files.cleanup();
    }
  }
});
