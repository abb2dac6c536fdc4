// The extension's settings (package.json "contributes.configuration"), read fresh on each use.
import * as vscode from 'vscode';
import type { ColorMetric } from '../protocol/webview';

export interface Settings {
  threads: number;
  runs: number;
  mode: 'deployed' | 'per-node';
  dims: Record<string, number>;
  writeMode: 'ask' | 'new-file' | 'in-place';
  colorMetric: ColorMetric;
}

export function settings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('layerlens', scope);
  const dims: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.get<Record<string, unknown>>('dims') ?? {})) if (Number.isInteger(v) && (v as number) > 0) dims[k] = v as number;
  return {
    threads: c.get<number>('profile.threads') ?? 0,
    runs: c.get<number>('profile.runs') ?? 20,
    mode: c.get<'deployed' | 'per-node'>('profile.mode') ?? 'deployed',
    dims,
    writeMode: c.get<Settings['writeMode']>('fixes.writeMode') ?? 'ask',
    colorMetric: c.get<ColorMetric>('graph.colorMetric') ?? 'macs',
  };
}

/** Asks for a size for each symbolic dim and saves them in `layerlens.dims` (workspace if one is open). */
export async function bindDims(scope: vscode.Uri, names: string[]): Promise<boolean> {
  const next = { ...settings(scope).dims };
  for (const name of names) {
    const v = await vscode.window.showInputBox({
      title: `LayerLens: size of the symbolic dim '${name}'`,
      prompt: 'Used for costs, profiling and verification of this workspace’s models (setting layerlens.dims).',
      value: String(next[name] ?? 1),
      validateInput: (s) => (/^[1-9]\d{0,8}$/.test(s.trim()) ? null : 'a whole number from 1'),
    });
    if (v === undefined) return false;
    next[name] = Number(v.trim());
  }
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('layerlens', scope).update('dims', next, target);
  return true;
}
