// "Export Graph…": the graph as SVG or PNG (rendered by the webview as it is shown), or the metrics
// as CSV, JSON, Model Explorer node data or Netron's format (src/core/export). Files are written
// atomically: a temp file beside the target, then a rename.
import * as vscode from 'vscode';
import type { ExportFormat } from '../protocol/webview';
import type { OpenGraph } from './panels';

export const EXPORT_CHOICES: (vscode.QuickPickItem & { format: ExportFormat })[] = [
  { label: 'SVG image', detail: 'the graph as it is shown (expanded groups, heat map)', format: 'svg' },
  { label: 'PNG image', detail: 'the graph as it is shown, at 2× resolution', format: 'png' },
  { label: 'CSV', detail: 'one row per node: MACs, FLOPs, params, bytes, intensity, latency', format: 'csv' },
  { label: 'JSON', detail: 'the same metrics as JSON (docs/exports.md)', format: 'json' },
  { label: 'Model Explorer node data', detail: 'load in Google Model Explorer as node data', format: 'model-explorer' },
  { label: 'Netron', detail: "metrics in Netron's format", format: 'netron' },
];

const SUFFIX: Record<ExportFormat, { ext: string; filter: string }> = {
  svg: { ext: 'svg', filter: 'SVG image' },
  png: { ext: 'png', filter: 'PNG image' },
  csv: { ext: 'csv', filter: 'CSV' },
  json: { ext: 'layerlens.json', filter: 'JSON' },
  'model-explorer': { ext: 'model-explorer.json', filter: 'JSON' },
  netron: { ext: 'netron.json', filter: 'JSON' },
};

export async function writeAtomic(target: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const dir = vscode.Uri.joinPath(target, '..');
  const name = target.path.slice(target.path.lastIndexOf('/') + 1);
  const tmp = vscode.Uri.joinPath(dir, `.${name}.tmp-${Date.now()}`);
  await vscode.workspace.fs.writeFile(tmp, bytes);
  try {
    await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
  } catch (e) {
    await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
    throw e;
  }
}

/** Renders or serialises `format` for the panel's model; null when the view has no model loaded. */
export async function exportBytes(panel: OpenGraph, format: ExportFormat): Promise<Uint8Array | null> {
  if (format === 'svg') return new TextEncoder().encode(await panel.renderImage('svg'));
  if (format === 'png') return Buffer.from(await panel.renderImage('png'), 'base64');
  if (!panel.loaded) return null;
  return new TextEncoder().encode(await panel.metricsText(format));
}

/** Exports to `target`, or where the user picks; a scripted call (with a target) gets errors thrown. */
export async function exportFrom(panel: OpenGraph, format: ExportFormat, target?: vscode.Uri): Promise<vscode.Uri | null> {
  const scripted = target !== undefined;
  const s = SUFFIX[format];
  const base = panel.uri.path.replace(/\.(onnx|tflite)$/i, '');
  target ??= await vscode.window.showSaveDialog({ defaultUri: panel.uri.with({ path: `${base}.${s.ext}` }), filters: { [s.filter]: [s.ext.split('.').pop()!] } });
  if (!target) return null;
  try {
    const bytes = await exportBytes(panel, format);
    if (!bytes) throw new Error('the model is not loaded');
    await writeAtomic(target, bytes);
    void vscode.window.showInformationMessage(`LayerLens: exported ${target.path.slice(target.path.lastIndexOf('/') + 1)}.`);
    return target;
  } catch (e) {
    if (scripted) throw e;
    void vscode.window.showErrorMessage(`LayerLens: export failed: ${(e as Error).message}`);
    return null;
  }
}
