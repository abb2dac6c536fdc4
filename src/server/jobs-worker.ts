// Heavy server jobs in a worker thread: applying a fix (load, rewrite, save, verify) and profiling
// (load, analyse, measure). ONNX Runtime itself runs in a child process started from here; this
// thread keeps model loading and analysis off the language server's main thread.
// Protocol: {id, job, args} in; {id, progress} while running; {id, result} or {id, error} at the end;
// {id, cancel: true} aborts a running profile.
import { parentPort } from 'node:worker_threads';
import type { ApplyFixArgs, ProfileParams } from '../protocol/requests';
import { applyFix } from './code-actions';
import { runProfile } from './profile';

type Job = { id: number; job: 'applyFix'; args: ApplyFixArgs } | { id: number; job: 'profile'; args: ProfileParams } | { id: number; cancel: true };

const controllers = new Map<number, AbortController>();

parentPort?.on('message', (m: Job) => {
  if ('cancel' in m) {
    controllers.get(m.id)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(m.id, controller);
  const work =
    m.job === 'applyFix'
      ? applyFix(m.args)
      : runProfile(m.args, controller.signal, (message) => parentPort!.postMessage({ id: m.id, progress: message }));
  work.then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: unknown) => parentPort!.postMessage({ id: m.id, error: (e as Error)?.message ?? String(e), cancelled: controller.signal.aborted }),
  ).finally(() => controllers.delete(m.id));
});
