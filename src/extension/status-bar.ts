// The status bar item: totals of the model in the active graph view or text view (nodes, MACs,
// params; measured latency once profiled). Clicking it profiles the model.
import * as vscode from 'vscode';
import { bytes, si } from '../core/units';
import type { ProfileResult } from '../protocol/requests';

export interface Totals {
  nodes: number;
  macs: number;
  flops: number;
  params: number;
  /** Absent where the source does not know it (a text view's summary). */
  weightBytes?: number;
  totalsIncomplete: boolean;
}


export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('layerlens.totals', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'LayerLens model totals';
    this.item.command = 'layerlens.profileModel';
  }

  show(fileName: string, t: Totals, profile: ProfileResult | null): void {
    const lb = t.totalsIncomplete ? '≥' : '';
    this.item.text = `$(circuit-board) ${t.nodes} nodes · ${lb}${si(t.macs, 'MACs')} · ${si(t.params, 'params')}${profile ? ` · ${profile.medianMs.toFixed(2)} ms` : ''}`;
    this.item.tooltip = new vscode.MarkdownString(
      [
        `**${fileName.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&')}**`,
        '',
        `${t.nodes} nodes, ${lb}${si(t.macs, 'MACs')}, ${lb}${si(t.flops, 'FLOPs')}, ${si(t.params, 'params')}` + (t.weightBytes !== undefined ? `, weights ${bytes(t.weightBytes)}` : ''),
        t.totalsIncomplete ? '_Some figures are unknown: totals are lower bounds._' : '',
        profile ? `Measured (${profile.mode}): median ${profile.medianMs.toFixed(3)} ms (p10 ${profile.p10Ms.toFixed(3)}, p90 ${profile.p90Ms.toFixed(3)})` : 'Click to profile with ONNX Runtime.',
      ].join('\n\n'),
    );
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
