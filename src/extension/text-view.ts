// The model's text view: a read-only document `layerlens:/path/model.onnx.onnxtxt` whose text the
// server prints (in a worker thread) from the binary model. The language server gives it hovers,
// diagnostics and quick fixes. A node chosen in the graph is revealed here, and the node under the
// cursor here is highlighted in the graph.
import * as vscode from 'vscode';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import { TensorValuesRequest, TextViewRequest, modelUriOf, textViewUriFor } from '../protocol/requests';
import { modelServer, server } from './client';

let nextToken = 1;

export class TextViewProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const model = modelUriOf(uri.toString());
    if (!model) throw new Error(`not a LayerLens text view: ${uri.toString()}`);
    const c = await modelServer(this.context, model);
    // A large model takes seconds to read and print: the status bar says what the server is doing.
    const workDoneToken = `layerlens-text-${nextToken++}`;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'LayerLens' }, async (progress) => {
      const sub = c.onProgress(WorkDoneProgress.type, workDoneToken, (v) => v.kind !== 'end' && v.message && progress.report({ message: v.message }));
      try {
        return (await c.sendRequest(TextViewRequest.type, { uri: model, workDoneToken })).text;
      } finally {
        sub.dispose();
      }
    });
  }

  /** The model file changed on disk: its open text view is produced again. */
  refresh(modelUri: string): void {
    this.changed.fire(vscode.Uri.parse(textViewUriFor(modelUri)));
  }
}

export function textViewUri(model: vscode.Uri): vscode.Uri {
  return vscode.Uri.parse(textViewUriFor(model.toString()));
}

/** Opens the text view; a model that cannot be read is reported (its typed error) and rethrown. */
export async function openAsText(model: vscode.Uri, opts: { preserveFocus?: boolean } = {}): Promise<vscode.TextEditor> {
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(textViewUri(model));
  } catch (e) {
    const name = model.path.slice(model.path.lastIndexOf('/') + 1);
    void vscode.window.showErrorMessage(`LayerLens: ${name} cannot be shown as text: ${(e as Error).message}`);
    throw e;
  }
  if (doc.languageId !== 'onnxtxt') await vscode.languages.setTextDocumentLanguage(doc, 'onnxtxt');
  const open = vscode.window.visibleTextEditors.find((e) => e.document === doc);
  return vscode.window.showTextDocument(doc, { viewColumn: open?.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus: opts.preserveFocus ?? false, preview: true });
}

/** Walks the document symbols (name scopes → nodes) to the node whose display name is `name`. */
function findSymbol(symbols: vscode.DocumentSymbol[], name: string): vscode.DocumentSymbol | undefined {
  const parts = name.split('/').filter(Boolean);
  let level = symbols;
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const s = level.find((x) => x.name === parts[i] && (last ? x.kind === vscode.SymbolKind.Function : x.kind === vscode.SymbolKind.Namespace));
    if (!s) return undefined;
    if (last) return s;
    level = s.children;
  }
  return undefined;
}

/**
 * The node at a position as its scope path `features/block2/conv` (the display name without empty
 * segments: symbols do not keep a leading '/'); the graph matches it the same way.
 */
export function nodeAtPosition(symbols: vscode.DocumentSymbol[], p: vscode.Position): string | undefined {
  const path: string[] = [];
  let level = symbols;
  for (;;) {
    const s = level.find((x) => x.range.contains(p));
    if (!s) return undefined;
    path.push(s.name);
    if (s.kind === vscode.SymbolKind.Function) return path.join('/');
    level = s.children;
  }
}

export async function symbolsOf(doc: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
  return (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri)) ?? [];
}

/** Opens the text view beside the graph and selects the node's statement. */
export async function revealNode(model: vscode.Uri, node: string, opts: { preserveFocus?: boolean } = {}): Promise<boolean> {
  const editor = await openAsText(model, opts);
  // The server answers once it has parsed the view: retry briefly while it does.
  for (let i = 0; i < 40; i++) {
    const s = findSymbol(await symbolsOf(editor.document), node);
    if (s) {
      editor.selection = new vscode.Selection(s.selectionRange.start, s.selectionRange.start);
      editor.revealRange(s.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * Shows every value of a constant the text view does not write out (hover link: the text view's URI
 * or a model's, and the value's name) in an untitled document.
 */
export async function showTensorValues(context: vscode.ExtensionContext, uri: unknown, name: unknown): Promise<vscode.TextEditor | null> {
  if (typeof uri !== 'string' || typeof name !== 'string') return null;
  const c = await server(context);
  const r = await c.sendRequest(TensorValuesRequest.type, { uri, name });
  if (!r) {
    void vscode.window.showWarningMessage(`LayerLens: no constant named '${name}' in this model.`);
    return null;
  }
  const head = `# ${r.name}: ${r.dtype}[${r.dims.join(',')}], ${r.elements} values${r.shown < r.elements ? ` (the first ${r.shown} shown)` : ''}`;
  const doc = await vscode.workspace.openTextDocument({ content: `${head}\n${r.text}\n`, language: 'plaintext' });
  return vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}
