// The main thread's side of the jobs worker process (jobs/jobs-worker.ts): heavy jobs run there (one
// process, started on first use, jobs concurrent inside it) and progress and cancellation are relayed,
// so the server's main thread only waits. A failed job rejects with a RelayedError carrying the typed
// error. Limits (main/worker-process.ts): the worker's memory, and LAYERLENS_JOB_TIMEOUT_S per job
// (default 3600 s); a worker that stops fails the jobs it was running with a ModelWorkerError and the
// next job starts a new one. Previews it remembered are then gone (committing one is refused).
import { RelayedError } from '../shared/errors';
import type { JobName, JobReplyMessage, Jobs } from '../shared/jobs-protocol';
import { limitsFromEnv, startWorkerProcess, type WorkerProcess } from './worker-process';

type Pending = {
  job: JobName;
  what: string;
  resolve: (v: unknown) => void;
  reject: (e: Error & { cancelled?: boolean }) => void;
  progress?: (m: string) => void;
  timer: NodeJS.Timeout;
};

let worker: WorkerProcess | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function start(): WorkerProcess {
  const limits = limitsFromEnv('LAYERLENS_JOB_TIMEOUT_S', 3600);
  const w: WorkerProcess = startWorkerProcess(
    'jobs-worker',
    limits,
    (raw) => {
      const m = raw as JobReplyMessage;
      const p = pending.get(m.id);
      if (!p) return;
      if ('progress' in m) return p.progress?.(m.progress);
      pending.delete(m.id);
      clearTimeout(p.timer);
      if ('error' in m) p.reject(Object.assign(new RelayedError(m.error), { cancelled: m.cancelled }));
      else p.resolve(m.result);
    },
    (why) => {
      if (worker === w) worker = null;
      for (const [id, p] of pending) {
        pending.delete(id);
        clearTimeout(p.timer);
        p.reject(new RelayedError({ name: 'ModelWorkerError', message: `the jobs worker stopped while running ${p.job} on ${p.what}: ${why}; the next job starts a new worker` }));
      }
    },
  );
  return w;
}

/** The model a job is about, for messages. */
function subject(args: unknown): string {
  const a = args as { modelUri?: string; uri?: string; candidate?: string };
  return a.modelUri ?? a.uri ?? a.candidate ?? 'a model';
}

export function runJob<K extends JobName>(job: K, args: Jobs[K]['args'], opts: { progress?: (m: string) => void; onCancel?: (cancel: () => void) => void } = {}): Promise<Jobs[K]['result']> {
  worker ??= start();
  const w = worker;
  const id = nextId++;
  const timeoutMs = limitsFromEnv('LAYERLENS_JOB_TIMEOUT_S', 3600).timeoutMs;
  return new Promise<Jobs[K]['result']>((resolve, reject) => {
    const timer = setTimeout(() => w.stop(`${job} took longer than ${Math.round(timeoutMs / 1000)} s (LAYERLENS_JOB_TIMEOUT_S)`), timeoutMs);
    timer.unref();
    pending.set(id, { job, what: subject(args), resolve: resolve as (v: unknown) => void, reject, timer, ...(opts.progress ? { progress: opts.progress } : {}) });
    opts.onCancel?.(() => w.send({ id, cancel: true }));
    w.send({ id, job, args });
  });
}
