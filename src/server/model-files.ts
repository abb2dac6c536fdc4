// The main thread's side of the model worker (model-worker.ts): requests about binary .onnx files
// (`file:` URIs, open or not) go to that one worker thread, started on first use, so the server's
// main thread never loads or analyses a model file. A failure comes back as a ResponseError with the
// typed error's `Name: message` and ModelErrorData; a worker that dies (out of memory on a hostile
// file) fails its pending requests with a ModelWorkerError and is started afresh on the next one.
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';
import type { DimBindings } from '../protocol/requests';
import { modelError } from './errors';
import type { ModelOp, ModelOps, ModelReplyMessage } from './model-worker';
import { checkDims } from './request-checks';
import { startWorker } from './worker-file';

/** Heap ceiling of the worker: a file that needs more ends that worker, not the server (LAYERLENS_MODEL_WORKER_HEAP_MB overrides it; tests use it). */
const WORKER_HEAP_MB = Number(process.env.LAYERLENS_MODEL_WORKER_HEAP_MB) || 4096;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; path: string };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

/** True for a `file:` URI naming a binary .onnx model (served by the worker, open or not). */
export function isModelFileUri(uri: string): boolean {
  return uri.startsWith('file:') && /\.onnx$/i.test(uri);
}

function failAll(w: Worker, why: string): void {
  if (worker !== w) return;
  worker = null;
  for (const [id, p] of pending) {
    pending.delete(id);
    p.reject(modelError({ name: 'ModelWorkerError', message: `the model worker stopped (${why}) while working on ${p.path}: the model may be too large for this machine's memory, or malformed; the next request starts a new worker` }));
  }
}

function start(): Worker {
  const w = startWorker('model-worker', { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  w.on('message', (m: ModelReplyMessage) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if ('error' in m) p.reject(modelError(m.error));
    else p.resolve(m.result);
  });
  w.on('error', (e) => failAll(w, (e as NodeJS.ErrnoException).code ?? e.message));
  w.on('exit', (code) => failAll(w, `exit code ${code}`));
  w.unref();
  return w;
}

/** Starts the worker ahead of the first model (the client is about to open one): its thread and code
 *  are ready by then, off the first graph view's time. */
export function warmModelWorker(): void {
  worker ??= start();
}

function ask<K extends ModelOp>(op: K, args: ModelOps[K]['args']): Promise<ModelOps[K]['result']> {
  worker ??= start();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, path: args.path });
    worker!.postMessage({ id, op, args });
  });
}

/**
 * Asks the worker about the model at `uri` (a `file:` URI) with `dims` checked first. A request
 * cancelled meanwhile is answered RequestCancelled (the worker still finishes and keeps the result).
 */
export async function askModel<K extends Exclude<ModelOp, 'invalidate'>>(
  op: K,
  uri: string,
  dims: DimBindings | undefined,
  extra: Omit<ModelOps[K]['args'], 'path' | 'dims'>,
  token?: CancellationToken,
): Promise<ModelOps[K]['result']> {
  let args: ModelOps[K]['args'];
  try {
    args = { ...extra, path: fileURLToPath(uri), dims: checkDims(dims) } as ModelOps[K]['args'];
  } catch (e) {
    throw modelError(e);
  }
  const r = await ask(op, args);
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${op} was cancelled`);
  return r;
}

/** Forgets what the worker holds about `uri` (a file: URI or path); nothing to do if it never started. */
export function invalidateModel(uriOrPath: string): void {
  if (!worker) return;
  const path = uriOrPath.startsWith('file:') ? fileURLToPath(uriOrPath) : uriOrPath;
  void ask('invalidate', { path }).catch(() => undefined);
}
