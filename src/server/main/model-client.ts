// The main thread's side of the model worker process (model-worker/): every request about a binary
// .onnx file — and about a model's text view — goes to that one worker, started with the server
// process (main.ts), so the server's main thread never reads or analyses a model file. Requests are answered
// in order, one at a time; the one at the head of the queue is the one running.
// Limits (main/worker-process.ts): the worker's heap and memory, and LAYERLENS_MODEL_WORKER_TIMEOUT_S
// per request (default 300 s). When the worker stops (a limit, a crash), the request it was running
// fails with a ModelWorkerError for that model only, the requests queued behind it go to a new worker,
// and the failure is remembered for that version of the file (path, mtime, size) — for every request
// when the worker died reading it, for those with the same dims when it died analysing it, for that
// operation only when it died afterwards — and answered again at once, without starting the work
// again, until the file changes (or the client reports it changed): reopening a hostile model never
// loops.
import { statSync } from 'node:fs';
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';
import type { DimBindings, ModelErrorData } from '../../protocol/rpc';
import { RelayedError } from '../shared/errors';
import { LOAD_ONLY_OPS, type ModelOp, type ModelOps, type ModelPhase, type ModelReplyMessage } from '../shared/model-protocol';
import { describeLimit, limitsFromEnv, startWorkerProcess, type WorkerProcess } from './worker-process';

type Pending = {
  id: number;
  op: ModelOp;
  args: ModelOps[ModelOp]['args'];
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  /** Where a failure of this request is remembered (none for bookkeeping operations). */
  keys: FailureKeys | null;
  phase: ModelPhase | null;
  onPhase?: (p: ModelPhase) => void;
};

interface FailureKeys {
  path: string;
  /** Any request about this version of the file. */
  file: string;
  /** Requests that analyse it with these dims. */
  analysis: string;
  /** This operation with these dims. */
  op: string;
}

const limits = limitsFromEnv('LAYERLENS_MODEL_WORKER_TIMEOUT_S', 300);
let worker: WorkerProcess | null = null;
let nextId = 1;
/** Sent and not yet answered, in order: the first is the one the worker is working on. */
const queue: Pending[] = [];
let timer: NodeJS.Timeout | undefined;
/** Workers in a row that stopped before starting any request. */
let idleDeaths = 0;
/** Failures that stopped the worker, by FailureKeys key: answered again without new work. */
const failures = new Map<string, { path: string; error: ModelErrorData }>();
/** Open text views' files, kept in the worker's memory (sent again to a new worker). */
const pinned = new Set<string>();

const dimsKey = (dims: DimBindings | undefined): string => JSON.stringify(Object.entries(dims ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));

function failureKeys(op: ModelOp, args: ModelOps[ModelOp]['args']): FailureKeys | null {
  if (op === 'invalidate' || op === 'pin') return null;
  const path = args.path;
  let st;
  try {
    st = statSync(path);
  } catch {
    return null; // the worker says what is wrong with it
  }
  const file = JSON.stringify([path, st.mtimeMs, st.size]);
  const dims = 'dims' in args ? dimsKey(args.dims) : '';
  return { path, file, analysis: `${file} analysis ${dims}`, op: `${file} ${op} ${dims}` };
}

function describe(p: Pending): string {
  const what = p.op === 'textView' ? 'reading and printing' : p.phase === 'analysed' ? `answering ${p.op} about` : 'reading and analysing';
  return `${what} ${p.args.path}`;
}

function settle(p: Pending): void {
  const i = queue.indexOf(p);
  if (i >= 0) queue.splice(i, 1);
  if (i === 0) clearTimeout(timer);
}

function onMessage(raw: unknown): void {
  const m = raw as ModelReplyMessage;
  const p = queue.find((x) => x.id === m.id);
  if (!p) return;
  if ('phase' in m) {
    p.phase = m.phase;
    if (m.phase === 'start') {
      idleDeaths = 0;
      clearTimeout(timer);
      timer = setTimeout(() => worker?.stop(`${describe(p)} took longer than ${limits.timeoutMs / 1000} s (LAYERLENS_MODEL_WORKER_TIMEOUT_S)`), limits.timeoutMs);
      timer.unref();
    }
    p.onPhase?.(m.phase);
    return;
  }
  settle(p);
  if ('stopped' in m) fail(p, describeLimit(limits, m.stopped));
  else if ('error' in m) p.reject(new RelayedError(m.error));
  else p.resolve(m.result);
}

/** `p` stopped the worker (`why`): it fails with a ModelWorkerError, remembered for what it had reached. */
function fail(p: Pending, why: string): void {
  const error: ModelErrorData = {
    name: 'ModelWorkerError',
    message: `the model worker stopped while ${describe(p)}: ${why}. The model may be too large for these limits or malformed; the server goes on, and the file is not tried again until it changes`,
  };
  if (p.keys) {
    const loadOnly = LOAD_ONLY_OPS.includes(p.op);
    const key = p.phase === null || p.phase === 'start' ? p.keys.file : p.phase === 'loaded' && !loadOnly ? p.keys.analysis : p.keys.op;
    failures.set(key, { path: p.keys.path, error });
  }
  p.reject(new RelayedError(error));
}

function onExit(w: WorkerProcess, why: string): void {
  if (worker !== w) return;
  worker = null;
  clearTimeout(timer);
  // The request at the head stopped it if it had started; one not yet started is not to blame.
  const head = queue[0];
  if (head && head.phase !== null) {
    queue.shift();
    fail(head, why);
  }
  // A worker that dies before it starts anything, again and again, cannot start at all: say so.
  if (!head || head.phase === null) idleDeaths++;
  if (idleDeaths >= 3) {
    for (const p of queue.splice(0)) p.reject(new RelayedError({ name: 'ModelWorkerError', message: `the model worker cannot start: ${why}` }));
    idleDeaths = 0;
  }
  // The others had not started: a new worker takes them, in order.
  if (queue.length) {
    const w2 = ensureWorker();
    for (const p of queue) w2.send({ id: p.id, op: p.op, args: p.args });
  }
}

function ensureWorker(): WorkerProcess {
  if (worker) return worker;
  const w: WorkerProcess = startWorkerProcess('model-worker', limits, onMessage, (why) => onExit(w, why));
  worker = w;
  for (const path of pinned) w.send({ id: nextId++, op: 'pin', args: { path, pinned: true } });
  return w;
}

/** Starts the worker ahead of the first model (the client is about to open one): its process and code are ready by then. */
export function warmModelWorker(): void {
  ensureWorker();
}

/** A failure remembered for this request, if any. */
function remembered(op: ModelOp, keys: FailureKeys): ModelErrorData | undefined {
  const loadOnly = LOAD_ONLY_OPS.includes(op);
  const hit = failures.get(keys.file) ?? (loadOnly ? undefined : failures.get(keys.analysis)) ?? failures.get(keys.op);
  return hit && { name: hit.error.name, message: `${hit.error.message} (remembered from an earlier request: this version of the file is not read again)` };
}

/**
 * Asks the worker; a request cancelled meanwhile is answered RequestCancelled (the worker still
 * finishes and keeps what it computed). `onPhase` hears how far the worker got.
 */
export async function askModel<K extends ModelOp>(op: K, args: ModelOps[K]['args'], opts: { token?: CancellationToken; onPhase?: (p: ModelPhase) => void } = {}): Promise<ModelOps[K]['result']> {
  const keys = failureKeys(op, args);
  const known = keys && remembered(op, keys);
  if (known) throw new RelayedError(known);
  const w = ensureWorker();
  const id = nextId++;
  const r = await new Promise<unknown>((resolve, reject) => {
    queue.push({ id, op, args, resolve, reject, keys, phase: null, ...(opts.onPhase ? { onPhase: opts.onPhase } : {}) });
    w.send({ id, op, args });
  });
  if (opts.token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${op} was cancelled`);
  return r as ModelOps[K]['result'];
}

/** Forgets what the worker holds and what failed about `path`; nothing to do if the worker never started. */
export function invalidateModel(path: string): void {
  for (const [k, f] of failures) if (f.path === path) failures.delete(k);
  if (worker) void askModel('invalidate', { path }).catch(() => undefined);
}

/** Keeps an open text view's model in the worker's memory, or lets it go. */
export function pinModel(path: string, on: boolean): void {
  if (on === pinned.has(path)) return;
  if (on) pinned.add(path);
  else pinned.delete(path);
  if (worker) void askModel('pin', { path, pinned: on }).catch(() => undefined);
}
