// Runs heavy jobs in the jobs worker thread (one, started on first use) and relays progress and
// cancellation, so the server's main thread only waits.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error & { cancelled?: boolean }) => void; progress?: (m: string) => void };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function start(): Worker {
  const js = join(__dirname, 'jobs-worker.js');
  const w = existsSync(js) ? new Worker(js) : new Worker(join(__dirname, 'jobs-worker.ts'), { execArgv: ['--import', 'tsx'] });
  w.on('message', (m: { id: number; progress?: string; result?: unknown; error?: string; cancelled?: boolean }) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.progress !== undefined) return p.progress?.(m.progress);
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(Object.assign(new Error(m.error), { cancelled: m.cancelled }));
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

export function runJob<T>(job: 'applyFix' | 'profile', args: unknown, opts: { progress?: (m: string) => void; onCancel?: (cancel: () => void) => void } = {}): Promise<T> {
  worker ??= start();
  const w = worker;
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(opts.progress ? { progress: opts.progress } : {}) });
    opts.onCancel?.(() => w.postMessage({ id, cancel: true }));
    w.postMessage({ id, job, args });
  });
}
