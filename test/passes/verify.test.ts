// Verification figures (errors, cosine, top-1; NaN and shape mismatches are failures, not passes) and
// the child process: a model ORT rejects, or a run past its time limit, is a typed error while this
// process carries on.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Model } from '../../src/core/ir/model';
import { writeModel } from '../../src/core/onnx/writer';
import { compareOutputs, failuresOf, verifyRewrite, VerificationRunError } from '../../src/node/ort/verify';
import type { OutputData } from '../../src/node/ort/worker';

const out = (name: string, dims: number[], values: number[]): OutputData => ({ name, dims, values: Buffer.from(Float64Array.from(values).buffer).toString('base64') });

test('compareOutputs: errors, cosine and top-1 agreement of class scores', () => {
  const c = compareOutputs(out('p', [2, 3], [0.1, 0.7, 0.2, 0.5, 0.3, 0.2]), out('p', [2, 3], [0.1, 0.6, 0.3, 0.2, 0.3, 0.5]));
  assert.ok(Math.abs(c.maxAbsError - 0.3) < 1e-12);
  assert.ok(Math.abs(c.maxRelError - 0.3 / 0.7) < 1e-12);
  assert.equal(c.top1, 0.5, 'row 0 agrees (index 1), row 1 does not (0 vs 2)');
  assert.ok(c.cosine < 1 && c.cosine > 0.8);
  assert.equal(compareOutputs(out('v', [4], [1, 2, 3, 4]), out('v', [4], [1, 2, 3, 4])).top1, null, 'a 1-D output is not class scores');
});

test('NaN on one side only, a missing output and a changed shape all fail whatever the tolerance', () => {
  const nan = compareOutputs(out('y', [3], [1, 2, 3]), out('y', [3], [1, NaN, 3]));
  assert.equal(nan.maxAbsError, Infinity);
  assert.deepEqual(failuresOf([nan], { maxRelError: 1e-4 }), ["output 'y': max rel error Infinity > 0.0001"]);
  assert.equal(compareOutputs(out('y', [2], [NaN, 1]), out('y', [2], [NaN, 1])).maxAbsError, 0, 'NaN where the original has NaN agrees');
  const shape = compareOutputs(out('y', [2, 3], [1, 2, 3, 4, 5, 6]), out('y', [3, 2], [1, 2, 3, 4, 5, 6]));
  assert.deepEqual(failuresOf([shape], {}), ["output 'y' has shape [3,2], the original [2,3]"]);
  assert.deepEqual(failuresOf([compareOutputs(out('z', [1], [1]), undefined)], {}), ["the rewritten model has no output 'z'"]);
  assert.deepEqual(failuresOf([nan], {}), ["output 'y': NaN or infinity where the original has finite values"], 'even a rule with no bound (pruning)');
});

function tinyModel(dir: string): { path: string; model: Model } {
  const { model, b } = newModel('t');
  const x = b.input('x', DataType.FLOAT, [1, 8]);
  const [y] = b.node('Relu', [x], {}, { outputs: ['y'] });
  b.output(y!, DataType.FLOAT, [1, 8]);
  const path = join(dir, 'm.onnx');
  writeFileSync(path, writeModel(model));
  return { path, model };
}

test('a model ORT cannot load, and a run past its time limit, are VerificationRunErrors; this process goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-verify-'));
  const { path: good, model: m } = tinyModel(dir);
  const bad = join(dir, 'bad.onnx');
  writeFileSync(bad, Buffer.from('not a model at all'));
  await assert.rejects(
    verifyRewrite({ path: good, model: m, fileBytes: 1 }, { path: bad, model: m, fileBytes: 1 }, {}, { runs: 1 }),
    (e: unknown) => e instanceof VerificationRunError && /cannot load the rewritten model/.test(e.message),
  );
  await assert.rejects(
    verifyRewrite({ path: good, model: m, fileBytes: 1 }, { path: good, model: m, fileBytes: 1 }, {}, { runs: 1, timeoutMs: 1 }),
    (e: unknown) => e instanceof VerificationRunError && /longer than/.test(e.message),
  );
  const ok = await verifyRewrite({ path: good, model: m, fileBytes: 1 }, { path: good, model: m, fileBytes: 1 }, { maxAbsError: 0 }, { runs: 3 });
  assert.equal(ok.passed, true);
  assert.equal(ok.outputs[0]!.maxAbsError, 0);
  assert.ok(ok.before.medianMs > 0 && ok.after.medianMs > 0);
});
