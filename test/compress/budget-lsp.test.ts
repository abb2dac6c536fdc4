// The editor's "Quantize within an error budget…" through the built language server over stdio: the
// command runs in the jobs worker, answers a verified preview naming the layers left in float, and
// commitFix writes it; a request the server cannot honour is a typed error.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { writeModel } from '../../src/core/onnx/writer';
import { QuantizeWithinBudgetCommand, type QuantizeWithinBudgetResult } from '../../src/protocol/compress';
import { CommitFixCommand } from '../../src/protocol/fixes';
import { mlpStack } from '../support/mlp-stack';
import { startServer } from '../support/server';

test('layerlens.previewQuantizeWithinBudget over LSP: a verified preview with the layers left in float, committed by commitFix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-budget-lsp-'));
  const path = join(dir, 'mlp.onnx');
  writeFileSync(path, writeModel(mlpStack()));
  const modelUri = pathToFileURL(path).href;
  const s = await startServer();
  try {
    const r: QuantizeWithinBudgetResult = await s.conn.sendRequest(QuantizeWithinBudgetCommand.request, QuantizeWithinBudgetCommand.params({ modelUri, kind: 'int8', minCosine: 0.99999 }));
    assert.equal(r.passed, true, r.failures.join('; '));
    assert.ok(r.candidate && r.compressed.length >= 1 && r.kept.length >= 1);
    assert.ok(r.outputs[0]!.cosine >= 0.99999);
    const w = await s.conn.sendRequest(CommitFixCommand.request, CommitFixCommand.params({ candidate: r.candidate!, modelUri, ruleId: r.ruleId, write: 'new-file' }));
    assert.equal(w.written, join(dir, 'mlp.quantize-int8-dynamic.onnx'));
    assert.deepEqual(readdirSync(dir).sort(), ['mlp.onnx', 'mlp.quantize-int8-dynamic.onnx']);
    await assert.rejects(s.conn.sendRequest(QuantizeWithinBudgetCommand.request, QuantizeWithinBudgetCommand.params({ modelUri, kind: 'int8' })), /the budget bounds nothing/);
  } finally {
    s.close();
  }
});
