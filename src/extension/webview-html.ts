// LayerLens webviews in VS Code: the shell of webview-shell.ts with a fresh nonce and the webview's
// own resource URIs; resources may come only from the built webview bundle.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { shellHtml } from './webview-shell';

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** Resource roots a LayerLens webview may load from: the built webview bundle only. */
export function webviewRoots(context: vscode.ExtensionContext): vscode.Uri[] {
  return [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')];
}

export function webviewHtml(webview: vscode.Webview, context: vscode.ExtensionContext, entry: 'graph' | 'compare', title: string): string {
  const resource = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', f)).toString();
  return shellHtml({ cspSource: webview.cspSource, nonce: nonce(), resource, entry, title });
}
