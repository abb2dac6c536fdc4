// Runs heavy jobs in the jobs worker thread (one, started on first use) and relays progress and
// cancellation, so the server's main thread only waits. A failed job rejects with an Error whose
// `typedName` is the typed error's class name (errors.ts turns it into a ResponseError).
import type { Worker } from 'node:worker_threads';
import type { JobName } from './jobs-worker';
import { startWorker } from './worker-file';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error & { cancelled?: boolean; typedName?: string }) => void; progress?: (m: string) => void };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function start(): Worker {
  const w = startWorker('jobs-worker');
  w.on('message', (m: { id: number; progress?: string; result?: unknown; error?: string; name?: string; cancelled?: boolean }) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.progress !== undefined) return p.progress?.(m.progress);
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(Object.assign(new Error(m.error), { cancelled: m.cancelled, typedName: m.name ?? 'Error' }));
    else p.resolve(m.result);
  });
  w.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    worker = null;
  });
  w.unref();
  return w;
}

export function runJob<T>(job: JobName, args: unknown, opts: { progress?: (m: string) => void; onCancel?: (cancel: () => void) => void } = {}): Promise<T> {
  worker ??= start();
  const w = worker;
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(opts.progress ? { progress: opts.progress } : {}) });
    opts.onCancel?.(() => w.postMessage({ id, cancel: true }));
    w.postMessage({ id, job, args });
  });
}
