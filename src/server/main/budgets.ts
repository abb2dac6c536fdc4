// Budget violations in the Problems panel (docs/budgets.md, "In the editor"). The server finds the
// layerlens.budget.json files of its workspace folders, has the budget worker process check each one
// as `layerlens check` would (static figures only: the editor runs no model), and publishes the
// results as diagnostics on each model file (a binary .onnx or .tflite at its start; a text-form
// .onnxtxt model at the node), on the budget file itself when it cannot be used, and — added by
// document-features.ts to a model's open text view (`layerlens:/…/model.onnx.onnxtxt`) — at the node
// there, located through the view's document symbols. A budget file or a model changing on disk (the
// client's file watchers) checks the budget files concerned again, debounced.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fg from 'fast-glob';
import { DiagnosticSeverity, FileChangeType, SymbolKind, type Connection, type Diagnostic, type DocumentSymbol, type FileEvent } from 'vscode-languageserver/node';
import { nodeKey } from '../../core/budget/figures';
import { isViolation, type CheckReport, type ModelReport } from '../../core/budget/report';
import type { Check } from '../../core/budget/types';
import { BUDGET_FILE_NAME } from '../../core/budget/validate';
import { IGNORED } from '../../node/budgets/budget-file';
import { modelUriOf } from '../../protocol/requests';
import type { BudgetReply } from '../shared/budget-protocol';
import { workspaceFolders } from './access';
import { limitsFromEnv, startWorkerProcess, type WorkerProcess } from './worker-process';

const SOURCE = 'layerlens budget';
const FILE_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
/** How deep below a workspace folder budget files are looked for at start (deeper ones count once they change). */
const SCAN_DEPTH = 6;

interface Entry {
  report?: CheckReport;
  error?: { name: string; message: string; at?: string };
}

let connection: Connection | null = null;
const budgets = new Map<string, Entry>();
/** Model and budget file URIs we published diagnostics for (cleared when they have none any more). */
let published = new Set<string>();
const timers = new Map<string, NodeJS.Timeout>();
const listeners: (() => void)[] = [];
let worker: WorkerProcess | null = null;
let nextId = 1;
const waiting = new Map<number, (r: BudgetReply) => void>();

const inside = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** Called when budget results change: open text views need their diagnostics again. */
export function onBudgetsChanged(f: () => void): void {
  listeners.push(f);
}

/** The budget worker's limits: the other workers' memory limits, LAYERLENS_BUDGET_TIMEOUT_S (default 600 s) per budget file. */
const limits = (): ReturnType<typeof limitsFromEnv> => limitsFromEnv('LAYERLENS_BUDGET_TIMEOUT_S', 600);

function ask(budget: string): Promise<BudgetReply> {
  if (!worker) {
    const w: WorkerProcess = startWorkerProcess(
      'budget-worker',
      limits(),
      (m) => {
        const r = m as BudgetReply;
        waiting.get(r.id)?.(r);
        waiting.delete(r.id);
      },
      (why) => {
        if (worker === w) worker = null;
        for (const [id, done] of waiting) done({ id, error: { name: 'ModelWorkerError', message: `the budget worker stopped (${why}); the next change starts a new one` } });
        waiting.clear();
      },
    );
    worker = w;
  }
  const id = nextId++;
  const w = worker;
  const { timeoutMs } = limits();
  return new Promise((done) => {
    const timer = setTimeout(() => w.stop(`checking ${budget} took longer than ${Math.round(timeoutMs / 1000)} s (LAYERLENS_BUDGET_TIMEOUT_S)`), timeoutMs);
    timer.unref();
    waiting.set(id, (r) => {
      clearTimeout(timer);
      done(r);
    });
    w.send({ id, budget, folders: workspaceFolders() });
  });
}

/** Checks every budget file of the workspace folders (at start, and when folders are added). */
export async function scanBudgets(c: Connection): Promise<void> {
  connection = c;
  for (const folder of workspaceFolders()) {
    const found = await fg(`**/${BUDGET_FILE_NAME}`, { cwd: folder, absolute: true, ignore: IGNORED, deep: SCAN_DEPTH, suppressErrors: true });
    for (const f of found) if (!budgets.has(resolve(f))) schedule(resolve(f), 0);
  }
  // Budget files of folders no longer open are dropped.
  for (const b of budgets.keys()) if (!workspaceFolders().some((f) => inside(f, b))) budgets.delete(b);
  publish();
}

function schedule(budget: string, delayMs = 200): void {
  clearTimeout(timers.get(budget));
  timers.set(
    budget,
    setTimeout(() => {
      timers.delete(budget);
      void ask(budget).then((r) => {
        if (!workspaceFolders().some((f) => inside(f, budget))) return;
        budgets.set(budget, 'report' in r ? { report: r.report } : { error: r.error });
        publish();
      });
    }, delayMs),
  );
}

/** The client's file watchers (main.ts forwards every change). */
export function budgetFilesChanged(changes: FileEvent[]): void {
  for (const ch of changes) {
    if (!ch.uri.startsWith('file:')) continue;
    const path = resolve(fileURLToPath(ch.uri));
    if (!workspaceFolders().some((f) => inside(f, path))) continue;
    if (path.endsWith(BUDGET_FILE_NAME) && path.slice(-BUDGET_FILE_NAME.length - 1, -BUDGET_FILE_NAME.length).match(/[\\/]/)) {
      if (ch.type === FileChangeType.Deleted) {
        clearTimeout(timers.get(path));
        timers.delete(path);
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

const modelPath = (budget: string, m: ModelReport): string => resolve(dirname(budget), m.path);

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

/** Where the key a budget file error names is written (its last segment's first occurrence). */
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
    next.set(pathToFileURL(budget).href, e.error ? [{ range: keyRange(budget, e.error.at), severity: DiagnosticSeverity.Error, source: SOURCE, message: `${e.error.name}: ${e.error.message}` }] : []);
    if (e.report) fileDiagnostics(budget, e.report, next);
  }
  for (const uri of published) if (!next.has(uri)) next.set(uri, []);
  for (const [uri, diagnostics] of next) void connection.sendDiagnostics({ uri, diagnostics });
  published = new Set([...next].filter(([, d]) => d.length > 0).map(([u]) => u));
  listeners.forEach((f) => f());
}

/** The checks that are not passes, of the model a text view shows, with their budget file. */
function violationsOf(docUri: string): { check: Check; report: CheckReport; budget: string }[] {
  const model = modelUriOf(docUri);
  if (!model) return [];
  const path = resolve(fileURLToPath(model));
  const out: { check: Check; report: CheckReport; budget: string }[] = [];
  for (const [budget, e] of budgets) {
    const m = e.report?.models.find((x) => modelPath(budget, x) === path);
    if (m && m.status !== 'error') for (const c of m.checks) if (c.status !== 'pass') out.push({ check: c, report: e.report!, budget });
  }
  return out;
}

/** True when a document (a model's text view) has budget violations to show. */
export function hasBudgetViolations(docUri: string): boolean {
  return violationsOf(docUri).length > 0;
}

/**
 * Budget diagnostics at the nodes of a model's text view, placed by its document symbols (name
 * scopes -> nodes of the main graph); a node inside an If/Loop/Scan body is placed at that node.
 */
export function budgetDiagnostics(docUri: string, symbols: DocumentSymbol[]): Diagnostic[] {
  const find = (name: string): DocumentSymbol | undefined => {
    const parts = name.split('/').filter(Boolean);
    let level = symbols;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const s = level.find((x) => x.name === parts[i] && (last ? x.kind === SymbolKind.Function : x.kind === SymbolKind.Namespace));
      if (!s || last) return s;
      level = s.children ?? [];
    }
    return undefined;
  };
  // A body node's graph path is the main-graph node holding it and more (`/dec/If_0/then_branch/…`):
  // its longest prefix that names a node.
  const owner = (graph: string): DocumentSymbol | undefined => {
    const parts = graph.split('/');
    for (let k = parts.length - 1; k > 0; k--) {
      const s = find(parts.slice(0, k).join('/'));
      if (s) return s;
    }
    return undefined;
  };
  return violationsOf(docUri).map(({ check: c, report, budget }) => {
    const at = c.node ? (c.node.graph ? owner(c.node.graph) : find(c.node.name))?.selectionRange : undefined;
    return { range: at ?? FILE_START, severity: severity(c, report), source: SOURCE, code: c.ruleId, message: message(c, budget) };
  });
}
