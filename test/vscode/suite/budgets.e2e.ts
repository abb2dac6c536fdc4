// Budgets in the real extension host: a layerlens.budget.json written into the workspace reaches the
// language server through the client's file watchers (synchronize.fileEvents), and the model's budget
// violations appear among VS Code's diagnostics for the model file (the Problems panel), then go
// when the budget file is changed to allow the model. The workspace holds tiny-cnn.onnx (2.80 MMACs).
import assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('LayerLens budgets in the Problems panel', () => {
  const folder = (): vscode.Uri => {
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the window should have the test workspace open');
    return f.uri;
  };
  const budgetUri = (): vscode.Uri => vscode.Uri.joinPath(folder(), 'layerlens.budget.json');
  const write = (macs: string): Thenable<void> =>
    vscode.workspace.fs.writeFile(budgetUri(), new TextEncoder().encode(JSON.stringify({ models: [{ files: '*.onnx', inputs: { image: [1, 3, 32, 32] }, budgets: { macs } }] })));

  after(async () => {
    await vscode.workspace.fs.delete(budgetUri()).then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows a model over its MACs budget at the model file, and clears it when the budget allows the model', async () => {
    const model = vscode.Uri.joinPath(folder(), 'tiny-cnn.onnx');
    // The language server runs once a model is used (or at activation in a workspace that already has
    // a budget file): the text view starts it without a webview.
    await vscode.commands.executeCommand('layerlens.openAsText', model);
    await write('1M');
    const budget = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(model).filter((d) => d.source === 'layerlens budget');
    const found = await until('a budget diagnostic on tiny-cnn.onnx', () => (budget().length > 0 ? budget() : undefined));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(found[0]!.message, /^budget exceeded: MACs 2\.80 MMACs exceeds the budget of 1\.00 MMACs/);
    assert.equal(String(typeof found[0]!.code === 'object' ? found[0]!.code.value : found[0]!.code), 'model-macs');
    await write('10M');
    await until('the budget diagnostic to go', () => budget().length === 0);
  });
});
