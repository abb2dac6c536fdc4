// Which model a command is about: an Explorer/editor-title URI argument, a URI string (code lens),
// a text view, or the active graph editor.
import * as vscode from 'vscode';
import { modelUriOf } from '../protocol/requests';
import { activeGraphModel } from './panels';

/** The file: URI of the model (.onnx or .tflite) a command was invoked on, or undefined. */
export function targetModel(arg?: unknown): vscode.Uri | undefined {
  const fromString = (s: string): vscode.Uri | undefined => {
    const m = modelUriOf(s);
    if (m) return vscode.Uri.parse(m);
    return /\.(onnx|tflite)$/i.test(s) ? vscode.Uri.parse(s) : undefined;
  };
  if (arg instanceof vscode.Uri) return arg.scheme === 'layerlens' ? fromString(arg.toString()) : /\.(onnx|tflite)$/i.test(arg.path) ? arg : undefined;
  if (typeof arg === 'string') return fromString(arg);
  const active = activeGraphModel();
  if (active) return active;
  const doc = vscode.window.activeTextEditor?.document;
  return doc ? fromString(doc.uri.toString()) : undefined;
}

export function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
