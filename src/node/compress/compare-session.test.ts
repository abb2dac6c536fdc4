// The compare worker: one process runs many candidates against the original it loaded once (the
// original itself compares as identical, a changed model does not), a bad candidate fails alone,
// and cancelling ends the worker process.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newModel } from '../../core/ir/builder';
import { DataType } from '../../core/ir/data-type';
import { writeModel } from '../../core/onnx/writer';
import { CompareSession } from './compare-session';
import { loadSamples } from './samples';

const F = DataType.FLOAT;

function scaled(k: number): Uint8Array {
  const { model, b } = newModel('scale');
  const x = b.input('x', F, [2, 8]);
  const [y] = b.node('Mul', [x, b.initializer('k', F, [], [k])], {}, { name: 'mul', outputs: ['y'] });
  b.output(y!, F, [2, 8]);
  return writeModel(model);
}

test('one worker, many candidates: identical, scaled (cosine 1, abs error known), broken (fails alone); samples compared one by one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-cmp-'));
  const path = (name: string, bytes: Uint8Array): string => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const original = path('a.onnx', scaled(1));
  const samples = loadSamples([{ name: 'x', elemType: F, shape: [2, 8] }], { generated: 3 });
  const s = await CompareSession.start(original, samples.sets);
  try {
    const same = await s.compare(original);
    assert.deepEqual(same.outputs.map((o) => [o.name, o.cosine, o.maxAbsError]), [['y', 1, 0]]);
    // y' = 1.5·y: the same direction (cosine 1), |y' − y| = 0.5·|x| ≤ 0.5 (inputs in [−1, 1)).
    const more = await s.compare(path('b.onnx', scaled(1.5)));
    assert.ok(Math.abs(more.outputs[0]!.cosine - 1) < 1e-6);
    assert.ok(more.outputs[0]!.maxAbsError > 0.3 && more.outputs[0]!.maxAbsError <= 0.5);
    await assert.rejects(s.compare(path('c.onnx', new Uint8Array([1, 2, 3]))), /ONNX Runtime cannot load the rewritten model/);
    const again = await s.compare(original);
    assert.equal(again.outputs[0]!.cosine, 1, 'the worker carries on after a bad candidate');
  } finally {
    s.close();
  }
});

test('cancelling ends the worker: pending and later requests fail with "cancelled"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-cmp-'));
  const original = join(dir, 'a.onnx');
  writeFileSync(original, scaled(1));
  const controller = new AbortController();
  const s = await CompareSession.start(original, loadSamples([{ name: 'x', elemType: F, shape: [2, 8] }], {}).sets, { signal: controller.signal });
  const pending = s.compare(original);
  controller.abort();
  await assert.rejects(pending, /cancelled/);
  await assert.rejects(s.compare(original), /cancelled/);
  await new Promise((r) => setTimeout(r, 200));
  assert.throws(() => process.kill(s.pid!, 0), 'the worker process is gone');
});
