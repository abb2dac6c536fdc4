// "Compare with…": two models side by side (e.g. before and after a fix): totals, per-op-type counts
// and costs, and the nodes that differ, in a webview of its own. Both view models come from the
// language server.
import * as vscode from 'vscode';
import { GraphViewRequest } from '../protocol/requests';
import type { CompareToWebview } from '../protocol/webview';
import { modelServer } from './client';
import { profileOf } from './models';
import { fileName } from './model-uri';
import { settings } from './settings';
import { webviewHtml, webviewRoots } from './webview-html';

export async function openCompare(context: vscode.ExtensionContext, a: vscode.Uri, b: vscode.Uri): Promise<vscode.WebviewPanel> {
  const title = `${fileName(a)} ↔ ${fileName(b)}`;
  const panel = vscode.window.createWebviewPanel('layerlens.compare', title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: webviewRoots(context) });
  // Listen before the page can load, so its 'ready' is never missed.
  const ready = new Promise<void>((r) => {
    const sub = panel.webview.onDidReceiveMessage((m: { type: string }) => {
      if (m.type === 'ready') {
        sub.dispose();
        r();
      }
    });
  });
  panel.webview.html = webviewHtml(panel.webview, context, 'compare', `LayerLens: ${title}`);
  const load = async (u: vscode.Uri) => {
    try {
      const c = await modelServer(context, u);
      const r = await c.sendRequest(GraphViewRequest.textType, { uri: u.toString(), dims: settings(u).dims, as: 'text' });
      if (!r) throw new Error('the language server returned no graph for this file');
      return { fileName: fileName(u), path: vscode.workspace.asRelativePath(u), view: r.json, profile: profileOf(u), error: null };
    } catch (e) {
      return { fileName: fileName(u), path: vscode.workspace.asRelativePath(u), view: null, profile: null, error: (e as Error).message };
    }
  };
  const [left, right] = await Promise.all([load(a), load(b)]);
  const message: CompareToWebview = { type: 'compare', left, right };
  await ready;
  await panel.webview.postMessage(message);
  return panel;
}
