// Budget violations in the Problems panel, through the built language server over stdio with a real
// JSON-RPC client: a workspace folder with a layerlens.budget.json and models that break it. The
// server must publish diagnostics on the model files, at the nodes of a model's open text view, and
// again when the budget file or a model changes on disk (the client's file watchers send
// workspace/didChangeWatchedFiles, as VS Code does for synchronize.fileEvents).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { textViewUriFor } from '../../src/protocol/requests';
import { startServer, type ServerProcess } from '../support/server';
import { mlpBytes, workspace, type Workspace } from './workspace';

let ws: Workspace;
let server: ServerProcess;
const latest = new Map<string, Diagnostic[]>();
const waiters: (() => void)[] = [];

const uriOf = (rel: string): string => pathToFileURL(join(ws.dir, rel)).href;

/** Waits until the diagnostics published for `uri` satisfy `ok` (15 s at most). */
async function until(uri: string, ok: (d: Diagnostic[]) => boolean, what: string): Promise<Diagnostic[]> {
  const deadline = Date.now() + 15_000;
  while (!ok(latest.get(uri) ?? [])) {
    const left = deadline - Date.now();
    if (left <= 0) assert.fail(`${what}: diagnostics of ${uri} are ${JSON.stringify(latest.get(uri) ?? null, null, 1).slice(0, 800)}`);
    await new Promise<void>((r) => {
      waiters.push(r);
      setTimeout(r, Math.min(left, 500));
    });
  }
  return latest.get(uri)!;
}

async function changed(rel: string, type: 1 | 2 | 3): Promise<void> {
  await server.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(rel), type }] });
}

const budget = (cnnMacs: string, nodeShare: number | null, mlpMacs = '30k') => ({
  models: [
    { files: 'models/cnn.onnx', inputs: { image: [1, 3, 32, 32] }, budgets: { macs: cnnMacs, latencyMs: 0.001 }, ...(nodeShare !== null ? { nodeBudgets: { macs: { maxSharePercent: nodeShare } } } : {}) },
    { files: 'models/mlp.onnx', budgets: { macs: mlpMacs } },
  ],
});

before(async () => {
  ws = workspace();
  ws.budget(budget('2M', 30));
  server = await startServer({
    folders: [ws.dir],
    onDiagnostics: (p: PublishDiagnosticsParams) => {
      latest.set(p.uri, p.diagnostics);
      waiters.splice(0).forEach((w) => w());
    },
  });
});

after(() => server.close());

test('violations appear at the model file, at the node in its text view, and follow changes to the budget file and the model', async () => {
  // 1. On start: the CNN breaks its MACs budget (2.80 M > 2 M) and two convs hold 42 % of its MACs each.
  const cnn = await until(uriOf('models/cnn.onnx'), (d) => d.length === 3, 'three violations on cnn.onnx');
  const macs = cnn.find((d) => d.code === 'model-macs')!;
  assert.equal(macs.severity, 1);
  assert.equal(macs.source, 'layerlens budget');
  assert.match(macs.message, /^budget exceeded: MACs 2\.80 MMACs exceeds the budget of 2\.00 MMACs \(models\[0\]\) by 40\.1 % — .*layerlens\.budget\.json$/);
  assert.deepEqual(cnn.filter((d) => d.code === 'node-macs-share').map((d) => /Conv '([^']+)'/.exec(d.message)![1]).sort(), ['/features/block2/conv', '/features/block3/conv']);
  assert.ok(!cnn.some((d) => d.code === 'model-latencyMs'), 'latency limits are left to the CLI (no model runs in the editor)');
  // The MLP (24.2 kMACs) keeps its 30 k budget: nothing on it.
  assert.equal((latest.get(uriOf('models/mlp.onnx')) ?? []).length, 0);

  // 2. The model's text view: the share violations sit on the lines of the two convs.
  const { text } = (await server.conn.sendRequest('layerlens/textView', { uri: uriOf('models/cnn.onnx') })) as { text: string };
  const view = textViewUriFor(uriOf('models/cnn.onnx'));
  await server.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: view, languageId: 'onnxtxt', version: 1, text } });
  const inView = await until(view, (d) => d.filter((x) => x.source === 'layerlens budget').length === 3, 'budget diagnostics in the text view');
  const lines = text.split('\n');
  for (const d of inView.filter((x) => x.code === 'node-macs-share')) {
    const node = /Conv '([^']+)'/.exec(d.message)![1]!;
    assert.ok(lines[d.range.start.line]!.includes(`"${node}"`), `at the node's line: ${lines[d.range.start.line]}`);
  }
  assert.ok(inView.some((x) => x.source === 'layerlens' && x.code === 'fuse-conv-batchnorm'), "the document's own diagnostics stay");

  // 3. The budget file changes: a 5 M budget and no node limit clear the CNN, in the file and the view.
  ws.budget(budget('5M', null));
  await changed('layerlens.budget.json', 2);
  await until(uriOf('models/cnn.onnx'), (d) => d.length === 0, 'cnn.onnx cleared');
  await until(view, (d) => d.length > 0 && !d.some((x) => x.source === 'layerlens budget'), 'the text view cleared of budget diagnostics');

  // 4. A model changes: the MLP grows to 44 kMACs (hidden 400), over its 30 k budget.
  writeFileSync(join(ws.dir, 'models', 'mlp.onnx'), mlpBytes(400));
  await changed('models/mlp.onnx', 2);
  const mlp = await until(uriOf('models/mlp.onnx'), (d) => d.length === 1, 'the grown MLP breaks its budget');
  assert.match(mlp[0]!.message, /MACs 44\.00 kMACs exceeds the budget of 30\.00 kMACs/);

  // 5. A budget file that cannot be used: the error sits on the budget file at the bad key.
  const broken = '{\n  "models": [\n    { "files": "models/mlp.onnx", "budgets": { "macz": 1 } }\n  ]\n}\n';
  writeFileSync(join(ws.dir, 'layerlens.budget.json'), broken);
  await changed('layerlens.budget.json', 2);
  const onBudget = await until(uriOf('layerlens.budget.json'), (d) => d.length === 1, 'the budget file error');
  assert.match(onBudget[0]!.message, /^BudgetFileError: .*unknown key 'macz' in models\[0\]\.budgets/);
  assert.deepEqual(onBudget[0]!.range.start, { line: 2, character: broken.split('\n')[2]!.indexOf('"macz"') });
  await until(uriOf('models/mlp.onnx'), (d) => d.length === 0, 'the MLP cleared while the budget cannot be read');

  // 6. A bad model under a good budget is said to be bad, not over budget; deleting the budget clears all.
  ws.budget(budget('5M', null));
  writeFileSync(join(ws.dir, 'models', 'mlp.onnx'), 'corrupt');
  await changed('layerlens.budget.json', 2);
  const bad = await until(uriOf('models/mlp.onnx'), (d) => d.length === 1, 'the corrupt MLP');
  assert.match(bad[0]!.message, /^model bad, no budget checked: ModelFormatError: /);
  await until(uriOf('layerlens.budget.json'), (d) => d.length === 0, 'the budget file error cleared');
  rmSync(join(ws.dir, 'layerlens.budget.json'));
  await changed('layerlens.budget.json', 3);
  await until(uriOf('models/mlp.onnx'), (d) => d.length === 0, 'everything cleared with the budget file gone');
});

test('the budget worker reads only inside the workspace folders, and a budget file over the time limit is said so', async () => {
  // A project folder whose budget names a model in a sibling folder, outside the workspace folder.
  const outer = workspace();
  const project = join(outer.dir, 'project');
  outer.write('project/layerlens.budget.json', JSON.stringify({ models: [{ files: '../models/mlp.onnx', budgets: { macs: '1M' } }] }));
  const got = new Map<string, Diagnostic[]>();
  const s = await startServer({ folders: [project], onDiagnostics: (p) => got.set(p.uri, p.diagnostics) });
  try {
    const mlp = pathToFileURL(join(outer.dir, 'models', 'mlp.onnx')).href;
    const deadline = Date.now() + 15_000;
    while (!(got.get(mlp)?.length ?? 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(got.get(mlp)?.[0]?.message ?? '(none)', /^model bad, no budget checked: FileAccessError: the model .*mlp\.onnx is outside the workspace folders/);
  } finally {
    s.close();
  }
  // A time limit of 1 ms per budget file: the worker is stopped and the budget file says why.
  const t = await startServer({ folders: [ws.dir], env: { LAYERLENS_BUDGET_TIMEOUT_S: '0.001' }, onDiagnostics: (p) => got.set(p.uri, p.diagnostics) });
  try {
    ws.budget(budget('5M', null));
    const uri = uriOf('layerlens.budget.json');
    const deadline = Date.now() + 15_000;
    while (!(got.get(uri)?.length ?? 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(got.get(uri)?.[0]?.message ?? '(none)', /^ModelWorkerError: the budget worker stopped \(checking .*layerlens\.budget\.json took longer than 0 s \(LAYERLENS_BUDGET_TIMEOUT_S\)\)/);
  } finally {
    t.close();
  }
});
