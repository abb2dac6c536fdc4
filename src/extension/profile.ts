// "Profile Model": ONNX Runtime measures the model in the language server's worker process (never in
// the extension host); progress shows in a notification with Cancel, which cancels the request and
// kills the ORT process. The result is remembered and overlaid on every graph view of the model.
import * as vscode from 'vscode';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import { ProfileRequest, type ProfileParams, type ProfileResult } from '../protocol/requests';
import { modelServer } from './client';
import { rememberProfile } from './models';
import { fileName } from './model-uri';
import { settings } from './settings';

let nextToken = 1;
const running = new Map<string, vscode.CancellationTokenSource>();

export function isProfiling(uri: vscode.Uri): boolean {
  return running.has(uri.toString());
}

export function cancelProfile(uri: vscode.Uri): void {
  running.get(uri.toString())?.cancel();
}

/** Profiles `uri`; resolves to the result, or null when cancelled or failed (the user was told). */
export async function profileModel(context: vscode.ExtensionContext, uri: vscode.Uri, onState?: (state: 'running' | 'done' | 'cancelled' | 'failed', message?: string) => void): Promise<ProfileResult | null> {
  const key = uri.toString();
  if (running.has(key)) {
    void vscode.window.showInformationMessage(`LayerLens: ${fileName(uri)} is already being profiled.`);
    return null;
  }
  const cts = new vscode.CancellationTokenSource();
  running.set(key, cts);
  onState?.('running');
  const s = settings(uri);
  try {
    const client = await modelServer(context, uri);
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `LayerLens: profiling ${fileName(uri)}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => cts.cancel());
        const workDoneToken = `layerlens-profile-${nextToken++}`;
        const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
          if (v.kind !== 'end' && v.message) progress.report({ message: v.message });
        });
        try {
          const params: ProfileParams = { uri: key, mode: s.mode, runs: s.runs, dims: s.dims, limit: 0, workDoneToken, ...(s.threads > 0 ? { threads: s.threads } : {}) };
          const r = await client.sendRequest(ProfileRequest.type, params, cts.token);
          rememberProfile(uri, r);
          onState?.('done');
          return r;
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    if (cts.token.isCancellationRequested) {
      onState?.('cancelled');
      void vscode.window.showInformationMessage(`LayerLens: profiling ${fileName(uri)} was cancelled.`);
    } else {
      const m = (e as Error).message;
      onState?.('failed', m);
      void vscode.window.showErrorMessage(`LayerLens: profiling ${fileName(uri)} failed: ${m}`);
    }
    return null;
  } finally {
    running.delete(key);
    cts.dispose();
  }
}
