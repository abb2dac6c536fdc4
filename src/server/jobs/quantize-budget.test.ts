// The editor's "Quantize within an error budget…" job: on a MatMul stack whose int8 layers together
// break cosine ≥ 0.99999, the job keeps some in float, previews a verified candidate, and commitFix
// writes it; the written model meets the budget in ORT (checked here). A budget nothing meets is
// refused with the reasons, and nothing is written.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { DataType } from '../../core/ir/data-type';
import { writeModel } from '../../core/onnx/writer';
import { generateInput } from '../../node/ort/inputs';
import { commitFix } from './fix-candidates';
import { quantizeWithinBudget } from './quantize-budget';
import { mlpStack } from '../../../test/support/mlp-stack';

async function cosine(a: string, b: string): Promise<number> {
  const spec = { name: 'x', elemType: DataType.FLOAT, shape: [1, 64, 256] };
  const d = generateInput(spec, 42);
  const feeds = () => ({ x: new ort.Tensor('float32', new Float32Array(d.bytes.slice().buffer), spec.shape) });
  const ya = Object.values(await (await ort.InferenceSession.create(a)).run(feeds()))[0]!.data as Float32Array;
  const yb = Object.values(await (await ort.InferenceSession.create(b)).run(feeds()))[0]!.data as Float32Array;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < ya.length; i++) {
    dot += ya[i]! * yb[i]!;
    na += ya[i]! ** 2;
    nb += yb[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

test('the budget job previews a verified mixed-precision model; committing writes it and it meets the budget', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-budget-job-'));
  const path = join(dir, 'mlp.onnx');
  writeFileSync(path, writeModel(mlpStack()));
  const r = await quantizeWithinBudget({ modelUri: pathToFileURL(path).href, kind: 'int8', minCosine: 0.99999 });
  assert.equal(r.passed, true, r.failures.join('; '));
  assert.ok(r.candidate);
  assert.equal(r.ruleId, 'quantize-int8-dynamic');
  assert.ok(r.compressed.length >= 1 && r.kept.length >= 1, `${r.compressed.length} compressed, ${r.kept.length} kept`);
  assert.ok(r.kept.every((k) => k.reason.length > 0));
  const w = commitFix({ candidate: r.candidate!, modelUri: pathToFileURL(path).href, ruleId: r.ruleId, write: 'new-file' });
  assert.equal(w.written, join(dir, 'mlp.quantize-int8-dynamic.onnx'));
  assert.deepEqual(readdirSync(dir).sort(), ['mlp.onnx', 'mlp.quantize-int8-dynamic.onnx']);
  const c = await cosine(path, w.written);
  assert.ok(c >= 0.99999, `cosine ${c}`);
});

test('a budget no layer meets is refused with the reasons; nothing is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-budget-job-'));
  const path = join(dir, 'mlp.onnx');
  writeFileSync(path, writeModel(mlpStack()));
  await assert.rejects(quantizeWithinBudget({ modelUri: pathToFileURL(path).href, kind: 'int4', maxAbsError: 1e-9 }), (e: Error) => {
    assert.equal(e.name, 'ErrorBudgetUnmetError');
    assert.match(e.message, /no layer can be compressed by int4 within the budget \(max abs error ≤ 1e-9\): .*alone it exceeds the budget/);
    return true;
  });
  await assert.rejects(quantizeWithinBudget({ modelUri: pathToFileURL(path).href, kind: 'int8' }), /the budget bounds nothing/);
  assert.deepEqual(readdirSync(dir), ['mlp.onnx']);
});
