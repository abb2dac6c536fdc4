// The open graph editors, by model: the registry that commands (which model is active?) and the graph
// editor (which registers its panels here) both use, so neither imports the other.
import type * as vscode from 'vscode';
import type { ToWebview } from '../protocol/webview';

/** What the rest of the extension needs of an open graph editor. */
export interface OpenGraph {
  readonly uri: vscode.Uri;
  readonly panel: vscode.WebviewPanel;
  /** The model is loaded (its view can be rendered or exported). */
  readonly loaded: boolean;
  /** The graph as it is shown, as SVG text or PNG (base64). */
  renderImage(format: 'svg' | 'png'): Promise<string>;
  /** Sends a message to the webview (queued until it is ready). */
  post(m: ToWebview): void;
  /** The model's metrics in an export format (made by the language server). */
  metricsText(format: 'csv' | 'json' | 'model-explorer' | 'netron'): Promise<string>;
}

const open = new Set<OpenGraph>();

export function addPanel(p: OpenGraph): void {
  open.add(p);
}

export function removePanel(p: OpenGraph): void {
  open.delete(p);
}

/** The focused graph editor, if any. */
export function activePanel(): OpenGraph | undefined {
  return [...open].find((p) => p.panel.active);
}

/** The model of the focused graph editor, if any. */
export function activeGraphModel(): vscode.Uri | undefined {
  return activePanel()?.uri;
}

export function graphPanelsOf(uri: vscode.Uri): OpenGraph[] {
  return [...open].filter((p) => p.uri.toString() === uri.toString());
}
