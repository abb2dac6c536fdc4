// What the extension remembers per model file: its latest profile, so every view of that model (graph
// editors, status bar, compare view) can overlay the same measured latency.
import * as vscode from 'vscode';
import type { ProfileResult } from '../protocol/requests';

const profiles = new Map<string, ProfileResult>();
const changed = new vscode.EventEmitter<{ uri: string; profile: ProfileResult }>();

export const onProfile = changed.event;

export function rememberProfile(uri: vscode.Uri, profile: ProfileResult): void {
  profiles.set(uri.toString(), profile);
  changed.fire({ uri: uri.toString(), profile });
}

export function profileOf(uri: vscode.Uri): ProfileResult | null {
  return profiles.get(uri.toString()) ?? null;
}
