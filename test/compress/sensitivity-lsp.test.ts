// The editor's "Measure Sensitivity…" through the built language server over stdio: the request runs
// in the jobs worker with work-done progress, answers the layers ranked worst first with the same
// figures `layerlens sensitivity --json` gives (an independent process), and cancelling it stops
// ONNX Runtime and answers RequestCancelled.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { writeModel } from '../../src/core/onnx/writer';
import { SensitivityRequest, type SensitivityResult } from '../../src/protocol/compress';
import { runCli } from '../support/cli';
import { mlpStack } from '../support/mlp-stack';
import { realModelPath } from '../support/models';
import { startServer } from '../support/server';

test('layerlens/sensitivity over LSP: layers ranked worst first, the figures of the CLI, progress reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-sens-lsp-'));
  const path = join(dir, 'mlp.onnx');
  writeFileSync(path, writeModel(mlpStack()));
  const s = await startServer();
  try {
    const reports: string[] = [];
    s.conn.onRequest('window/workDoneProgress/create', () => null);
    s.conn.onNotification('$/progress', (p: { token: string; value: { message?: string } }) => p.token === 'sens' && p.value.message && reports.push(p.value.message));
    const r: SensitivityResult = await s.conn.sendRequest(SensitivityRequest.type, { uri: pathToFileURL(path).href, kind: 'int8', workDoneToken: 'sens' });
    const measured = r.layers.filter((l) => l.ok);
    assert.ok(measured.length >= 2, JSON.stringify(r.layers));
    for (let i = 1; i < measured.length; i++) assert.ok(measured[i - 1]!.cosine! <= measured[i]!.cosine!, 'worst (lowest cosine) first');
    assert.ok(measured.every((l) => l.cosine! > 0.9 && l.cosine! <= 1 && l.sizeBytes > 0));
    assert.ok(reports.some((m) => /layer 1\//.test(m)), `progress: ${reports.join(' | ')}`);
    // The CLI measures the same thing in its own process, on the same generated inputs.
    const cli = JSON.parse(runCli(['sensitivity', path, '--quantize', 'int8', '--no-activations', '--json'], { timeoutMs: 300_000 }).stdout) as { layers: { name: string; cosine: number | null }[] };
    for (const l of measured) {
      const c = cli.layers.find((x) => x.name === l.name)!;
      assert.ok(Math.abs(c.cosine! - l.cosine!) < 1e-9, `${l.name}: server ${l.cosine}, CLI ${c.cosine}`);
    }
  } finally {
    s.close();
  }
});

test('cancelling a sensitivity measurement answers RequestCancelled and the server goes on', async () => {
  const s = await startServer();
  try {
    const uri = pathToFileURL(realModelPath('ppocr-rec.onnx')).href;
    const source = new CancellationTokenSource();
    const pending = s.conn.sendRequest(SensitivityRequest.type, { uri, kind: 'fp16', dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320 } }, source.token);
    setTimeout(() => source.cancel(), 1000); // fp16 over ppocr-rec's 72 weighted layers takes far longer
    await assert.rejects(pending, (e: { code?: number }) => e.code === -32800);
    const r: SensitivityResult = await s.conn.sendRequest(SensitivityRequest.type, { uri: pathToFileURL(realModelPath('hello-deepa.onnx')).href, kind: 'fp16' });
    assert.ok(r.layers.length > 0);
  } finally {
    s.close();
  }
});
