// "Measure Sensitivity…": which layers hurt the model's outputs most when quantized (each layer
// compressed alone, compared in ONNX Runtime — in the language server's jobs worker, never in the
// extension host). Progress shows in a notification with Cancel, which cancels the request and stops
// ONNX Runtime; the result colours the graph view ('sensitivity' heat metric) and fills the layer
// table's column, and the worst layers are listed in a message.
import * as vscode from 'vscode';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import { SensitivityRequest, type SensitivityParams, type SensitivityResult } from '../protocol/compress';
import { modelServer } from './client';
import { fileName } from './model-uri';
import { graphPanelsOf } from './panels';
import { settings } from './settings';

const KINDS: (vscode.QuickPickItem & { method: SensitivityParams['kind'] })[] = [
  { label: 'int8 dynamic', detail: 'MatMul/Gemm weights and Gather tables', method: 'int8' },
  { label: 'int8 static (QDQ)', detail: 'Conv and MatMul, calibrated on generated inputs', method: 'int8-static' },
  { label: 'int4 weight-only', detail: 'MatMul weights, blocks of 32', method: 'int4' },
  { label: 'float16', detail: 'each weighted layer in float16', method: 'fp16' },
];

let nextToken = 1;
const results = new Map<string, SensitivityResult>();

/** The last sensitivity measured for a model in this session (the graph view shows it when it opens). */
export function sensitivityOf(uri: vscode.Uri): SensitivityResult | null {
  return results.get(uri.toString()) ?? null;
}

export async function measureSensitivity(context: vscode.ExtensionContext, uri: vscode.Uri, kind?: SensitivityParams['kind']): Promise<SensitivityResult | null> {
  const chosen = kind ?? (await vscode.window.showQuickPick(KINDS, { title: `Sensitivity of ${fileName(uri)}: quantize each layer alone as…` }))?.method;
  if (!chosen) return null;
  const client = await modelServer(context, uri);
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `LayerLens: measuring the sensitivity of ${fileName(uri)}`, cancellable: true },
      async (progress, token) => {
        const workDoneToken = `layerlens-sensitivity-${nextToken++}`;
        const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
          if (v.kind !== 'end' && v.message) progress.report({ message: v.message });
        });
        try {
          return await client.sendRequest(SensitivityRequest.type, { uri: uri.toString(), kind: chosen, dims: settings(uri).dims, workDoneToken }, token);
        } finally {
          sub.dispose();
        }
      },
    );
    results.set(uri.toString(), r);
    for (const p of graphPanelsOf(uri)) p.post({ type: 'sensitivity', result: r, select: true });
    const worst = r.layers.filter((l) => l.ok && l.cosine !== null).slice(0, 3);
    void vscode.window.showInformationMessage(
      worst.length
        ? `LayerLens: most sensitive to ${chosen}: ${worst.map((l) => `${l.name} (cosine ${l.cosine!.toFixed(5)})`).join(', ')}. The graph view is coloured by sensitivity.`
        : `LayerLens: no layer of ${fileName(uri)} can be quantized as ${chosen}.`,
    );
    return r;
  } catch (e) {
    const m = (e as Error).message;
    if (/cancelled/i.test(m)) void vscode.window.showInformationMessage(`LayerLens: the sensitivity measurement of ${fileName(uri)} was cancelled.`);
    else void vscode.window.showErrorMessage(`LayerLens: sensitivity failed: ${m}`);
    return null;
  }
}
