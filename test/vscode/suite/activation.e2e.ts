// Smoke test in the real extension host: the LayerLens extension under development is there, and
// opening a .onnx with its custom editor (layerlens.graph) activates it.
// The workspace (made by vscode.test.ts) holds a copy of samples/tiny-cnn.onnx.
import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';

// The extension's folder: given by the runner, else the repo (out/vscode-tests/suite/ -> ../../..).
const extensionPath = resolve(process.env.LAYERLENS_E2E_EXTENSION_PATH ?? join(__dirname, '..', '..', '..'));
const manifest = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8')) as {
  name: string;
  publisher: string;
  contributes?: { customEditors?: { viewType: string; selector?: { filenamePattern?: string }[] }[] };
};
const extensionId = `${manifest.publisher}.${manifest.name}`;
const VIEW_TYPE = 'layerlens.graph';

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sampleUri(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the window should have the test workspace open');
  return vscode.Uri.joinPath(folder.uri, 'tiny-cnn.onnx');
}

describe('LayerLens extension activation', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it(`is installed from the folder under development`, () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `extension ${extensionId} not found; present: ${vscode.extensions.all.filter((e) => !e.id.startsWith('vscode.')).map((e) => e.id).join(', ')}`);
    assert.equal(realpathSync(ext.extensionUri.fsPath), realpathSync(extensionPath));
    const editors = (ext.packageJSON as typeof manifest).contributes?.customEditors ?? [];
    const graph = editors.find((e) => e.viewType === VIEW_TYPE);
    assert.ok(graph, `the manifest should contribute the ${VIEW_TYPE} custom editor; has: ${editors.map((e) => e.viewType).join(', ') || 'none'}`);
    assert.ok(graph.selector?.some((s) => s.filenamePattern === '*.onnx'), `${VIEW_TYPE} should be selected for *.onnx`);
  });

  it(`activates when a .onnx is opened with ${VIEW_TYPE}`, async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext);
    const uri = sampleUri();
    await vscode.workspace.fs.stat(uri); // the sample model is in the workspace
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    // activation is not awaited by openWith's caller on every path: poll (ext.activate() would force it)
    await until(`${extensionId} to be active`, () => ext.isActive);
    const tab = await until('the custom editor tab', () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputCustom ? t : undefined;
    });
    const input = tab.input as vscode.TabInputCustom;
    assert.equal(input.viewType, VIEW_TYPE);
    assert.equal(input.uri.toString(), uri.toString());
    assert.equal(tab.label, 'tiny-cnn.onnx');
  });
});
