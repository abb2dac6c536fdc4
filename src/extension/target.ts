// The target device latency is predicted for (docs/prediction.md): the `layerlens.target` setting — a
// catalog id (an estimate from published figures) or a device-profile file made by `layerlens
// calibrate` (on the device, e.g. through VS Code Remote: the extension runs where the workspace is)
// — shown and picked from a status bar item. The graph view asks the language server for the
// prediction (PredictRequest) and shows it beside measured latency; fix previews carry it too.
import * as vscode from 'vscode';
import { CATALOG } from '../core/predict/catalog';

const SETTING = 'target';

/** The setting's value, resolved: a catalog id as is, a file as an absolute path; undefined when none is set. */
export function currentTarget(scope?: vscode.Uri): string | undefined {
  const raw = (vscode.workspace.getConfiguration('layerlens', scope).get<string>(SETTING) ?? '').trim();
  if (!raw) return undefined;
  if (CATALOG.some((d) => d.id === raw)) return raw;
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) return raw;
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, raw).fsPath : raw;
}

function label(scope?: vscode.Uri): string {
  const raw = (vscode.workspace.getConfiguration('layerlens', scope).get<string>(SETTING) ?? '').trim();
  if (!raw) return 'no target';
  const d = CATALOG.find((c) => c.id === raw);
  return d ? `${d.id} (estimate)` : raw.split(/[\\/]/).pop()!;
}

/** Lets the user choose the target: the catalog's estimates, the device profiles in the workspace, or none. */
export async function pickTarget(): Promise<void> {
  const files = await vscode.workspace.findFiles('**/*.device.json', '**/node_modules/**', 50);
  type Item = vscode.QuickPickItem & { value: string };
  const items: Item[] = [
    ...files.map((f) => ({ label: `$(file) ${vscode.workspace.asRelativePath(f)}`, description: 'calibrated device profile', value: vscode.workspace.asRelativePath(f) })),
    ...CATALOG.map((d) => ({ label: `$(chip) ${d.id}`, description: `${d.name} — roofline estimate`, detail: `${d.peakGflops.value} GFLOP/s, ${d.bandwidthGBs.value} GB/s (published figures; assumptions in docs/prediction.md)`, value: d.id })),
    { label: '$(close) No target', description: 'show measured latency only', value: '' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'LayerLens: predict latency on…', placeHolder: 'Calibrate a real device with `layerlens calibrate` there (docs/prediction.md)' });
  if (!pick) return;
  const where = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('layerlens').update(SETTING, pick.value, where);
}

/** The status bar item showing the target; clicking it picks another. */
export class TargetStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('layerlens.target', vscode.StatusBarAlignment.Right, 99);
  private readonly sub: vscode.Disposable;

  constructor() {
    this.item.name = 'LayerLens target device';
    this.item.command = 'layerlens.pickTarget';
    this.update();
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('layerlens.target') && this.update());
  }

  private update(): void {
    this.item.text = `$(rocket) ${label()}`;
    this.item.tooltip = 'LayerLens: the device latency is predicted for (click to change)';
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
