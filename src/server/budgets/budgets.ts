// Budget violations in the Problems panel. The server finds the workspace's layerlens.budget.json
// files, has the budget worker check each one as `layerlens check` would (static figures only), and
// publishes the results as diagnostics on each model file (binary .onnx: at the file; a text-form
// .onnxtxt model: at the node's line), on the budget file itself when it cannot be used, and — merged
// into the document's own diagnostics by main.ts — at the node in a model's open text view
// (`layerlens:/…/model.onnx.onnxtxt`). A budget file or a model changing on disk (the client's file
// watchers) checks the budget files concerned again. Latency limits are left to the CLI: the editor
// runs no model to judge it. Docs: docs/budgets.md ("In the editor").
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import fg from 'fast-glob';
import { DiagnosticSeverity, FileChangeType, type Connection, type Diagnostic, type FileEvent, type InitializeParams } from 'vscode-languageserver/node';
import { nodeKey } from '../../core/budget/figures';
import { isViolation, type CheckReport, type ModelReport } from '../../core/budget/report';
import type { Check } from '../../core/budget/types';
import { BUDGET_FILE_NAME } from '../../core/budget/validate';
import { IGNORED } from '../../node/budgets/budget-file';
import { modelUriOf } from '../../protocol/requests';
import type { DocumentState } from '../documents';
import { startWorker } from '../worker-file';
import type { BudgetReply } from './budget-worker';

const SOURCE = 'layerlens budget';
const FILE_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

interface Entry {
  report?: CheckReport;
  error?: { name: string; message: string; at?: string };
}

let connection: Connection | null = null;
let folders: string[] = [];
const budgets = new Map<string, Entry>();
/** Model file URIs we published diagnostics for (so a model no longer in any budget is cleared). */
let published = new Set<string>();
const timers = new Map<string, NodeJS.Timeout>();
const listeners: (() => void)[] = [];
let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (r: BudgetReply) => void>();

/** The workspace folders, from the client's initialize request. */
export function budgetFolders(p: InitializeParams): void {
  const uris = p.workspaceFolders?.map((f) => f.uri) ?? (p.rootUri ? [p.rootUri] : []);
  folders = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
}

/** Called when budget results change: open text views need their diagnostics again. */
export function onBudgetsChanged(f: () => void): void {
  listeners.push(f);
}

function ask(budget: string): Promise<BudgetReply> {
  if (!worker) {
    // Bundled: dist/budget-worker.js beside the server; from TypeScript: this folder's budget-worker.ts.
    worker = startWorker(existsSync(join(__dirname, 'budget-worker.js')) ? 'budget-worker' : 'budgets/budget-worker');
    worker.on('message', (r: BudgetReply) => {
      waiting.get(r.id)?.(r);
      waiting.delete(r.id);
    });
    const fail = (why: string): void => {
      worker = null;
      for (const [id, done] of waiting) done({ id, error: { name: 'BudgetWorkerError', message: `the budget worker stopped (${why}); the next change starts it again` } });
      waiting.clear();
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    worker.unref();
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    worker!.postMessage({ id, budget });
  });
}

/** Starts watching: every budget file of the workspace folders is checked. */
export async function startBudgets(c: Connection): Promise<void> {
  connection = c;
  for (const folder of folders) {
    const found = await fg('**/' + BUDGET_FILE_NAME, { cwd: folder, absolute: true, ignore: IGNORED, dot: true });
    for (const f of found) schedule(resolve(f), 0);
  }
}

function schedule(budget: string, delayMs = 200): void {
  clearTimeout(timers.get(budget));
  timers.set(
    budget,
    setTimeout(() => {
      timers.delete(budget);
      void ask(budget).then((r) => {
        if (!existsSync(budget)) budgets.delete(budget);
        else budgets.set(budget, 'report' in r ? { report: r.report } : { error: r.error });
        publish();
      });
    }, delayMs),
  );
}

function inside(folder: string, path: string): boolean {
  const r = relative(folder, path);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && !/^[a-zA-Z]:/.test(r));
}

/** The client's file watchers (main.ts forwards every change). */
export function budgetFilesChanged(changes: FileEvent[]): void {
  for (const ch of changes) {
    if (!ch.uri.startsWith('file:')) continue;
    const path = fileURLToPath(ch.uri);
    if (path.endsWith(`${sep}${BUDGET_FILE_NAME}`) || path.endsWith(`/${BUDGET_FILE_NAME}`)) {
      if (ch.type === FileChangeType.Deleted) {
        budgets.delete(path);
        publish();
      } else schedule(path);
    } else if (/\.(onnx|onnxtxt|tflite)$/i.test(path)) {
      for (const b of budgets.keys()) if (inside(dirname(b), path)) schedule(b);
    }
  }
}

function severity(c: Check, r: CheckReport): DiagnosticSeverity {
  return isViolation(c, r.onUnknown) ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
}

function message(c: Check, budget: string): string {
  return `${c.status === 'fail' ? 'budget exceeded' : 'budget not verifiable'}: ${c.message} — ${budget}`;
}

function modelPath(budget: string, m: ModelReport): string {
  return resolve(dirname(budget), m.path);
}

/** Diagnostics on the model files of one budget file's report. */
function fileDiagnostics(budget: string, r: CheckReport, out: Map<string, Diagnostic[]>): void {
  for (const m of r.models) {
    const uri = pathToFileURL(modelPath(budget, m)).href;
    const list = out.get(uri) ?? [];
    out.set(uri, list);
    if (m.status === 'error') {
      list.push({ range: FILE_START, severity: DiagnosticSeverity.Error, source: SOURCE, code: 'model-error', message: `model bad, no budget checked: ${m.error!.name}: ${m.error!.message} — ${budget}` });
      continue;
    }
    for (const c of m.checks) {
      if (c.status === 'pass') continue;
      const region = c.node ? m.regions?.[nodeKey(c.node)] : undefined;
      const range = region ? { start: { line: region.startLine - 1, character: region.startColumn - 1 }, end: { line: region.endLine - 1, character: region.endColumn - 1 } } : FILE_START;
      list.push({ range, severity: severity(c, r), source: SOURCE, code: c.ruleId, message: message(c, budget) });
    }
  }
}

/** Where a key of the budget file is written (its last segment's first occurrence), for the error's range. */
function keyRange(budget: string, at: string | undefined): Diagnostic['range'] {
  const key = at?.split('.').pop()?.replace(/\[\d+\]$/, '');
  if (!key) return FILE_START;
  let text: string;
  try {
    text = readFileSync(budget, 'utf8');
  } catch {
    return FILE_START;
  }
  const i = text.indexOf(`"${key}"`);
  if (i < 0) return FILE_START;
  const before = text.slice(0, i).split('\n');
  const line = before.length - 1;
  const character = before[line]!.length;
  return { start: { line, character }, end: { line, character: character + key.length + 2 } };
}

function publish(): void {
  if (!connection) return;
  const next = new Map<string, Diagnostic[]>();
  for (const [budget, e] of budgets) {
    const uri = pathToFileURL(budget).href;
    next.set(uri, e.error ? [{ range: keyRange(budget, e.error.at), severity: DiagnosticSeverity.Error, source: SOURCE, message: `${e.error.name}: ${e.error.message}` }] : []);
    if (e.report) fileDiagnostics(budget, e.report, next);
  }
  for (const uri of published) if (!next.has(uri)) next.set(uri, []);
  for (const [uri, diagnostics] of next) void connection.sendDiagnostics({ uri, diagnostics });
  published = new Set([...next].filter(([, d]) => d.length > 0).map(([u]) => u));
  listeners.forEach((f) => f());
}

/** Budget diagnostics at the nodes of a model's open text view (`layerlens:/…/model.onnx.onnxtxt`). */
export function budgetDiagnostics(docUri: string, state: DocumentState): Diagnostic[] {
  const model = modelUriOf(docUri);
  if (!model) return [];
  const path = fileURLToPath(model);
  const out: Diagnostic[] = [];
  for (const [budget, e] of budgets) {
    const m = e.report?.models.find((x) => modelPath(budget, x) === path);
    if (!m || m.status === 'error') continue;
    for (const c of m.checks) {
      if (c.status === 'pass') continue;
      const key = c.node ? nodeKey(c.node) : null;
      const at = key ? state.parse.map.nodes.find((n) => nodeKey({ graph: n.node.graph.path, name: n.node.displayName }) === key)?.range : undefined;
      out.push({ range: at ?? FILE_START, severity: severity(c, e.report!), source: SOURCE, code: c.ruleId, message: message(c, budget) });
    }
  }
  return out;
}
