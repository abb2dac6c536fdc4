// Heavy server jobs in a worker thread: applying a fix (load, rewrite, save, verify), committing or
// discarding a previewed fix (the previews made here are remembered here), profiling (load,
// analyse, measure), and compression within an error budget (quantize-budget.ts). ONNX Runtime itself runs in a child process started from here; this thread keeps
// model loading and analysis off the language server's main thread.
// Protocol: {id, job, args} in; {id, progress} while running; {id, result} or {id, error, name} at
// the end (name: the typed error's class); {id, cancel: true} aborts a running profile.
import { parentPort } from 'node:worker_threads';
import { LayerLensError } from '../core/errors';
import type { ApplyFixArgs, CommitFixArgs, DiscardFixArgs, ProfileParams, QuantizeWithinBudgetArgs } from '../protocol/requests';
import { applyFix } from './code-actions';
import { commitFix, discardFix } from './fix-candidates';
import { runProfile } from './profile';
import { quantizeWithinBudget } from './quantize-budget';

export type JobName = 'applyFix' | 'commitFix' | 'discardFix' | 'profile' | 'quantizeWithinBudget';
type Job =
  | { id: number; job: 'applyFix'; args: ApplyFixArgs }
  | { id: number; job: 'commitFix'; args: CommitFixArgs }
  | { id: number; job: 'discardFix'; args: DiscardFixArgs }
  | { id: number; job: 'profile'; args: ProfileParams }
  | { id: number; job: 'quantizeWithinBudget'; args: QuantizeWithinBudgetArgs }
  | { id: number; cancel: true };

const controllers = new Map<number, AbortController>();

parentPort?.on('message', (m: Job) => {
  if ('cancel' in m) {
    controllers.get(m.id)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(m.id, controller);
  const work = (async () => {
    switch (m.job) {
      case 'applyFix':
        return applyFix(m.args);
      case 'commitFix':
        return commitFix(m.args);
      case 'discardFix':
        return discardFix(m.args);
      case 'profile':
        return runProfile(m.args, controller.signal, (message) => parentPort!.postMessage({ id: m.id, progress: message }));
      case 'quantizeWithinBudget':
        return quantizeWithinBudget(m.args, controller.signal, (message) => parentPort!.postMessage({ id: m.id, progress: message }));
    }
  })();
  work.then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: unknown) =>
      parentPort!.postMessage({ id: m.id, error: (e as Error)?.message ?? String(e), name: e instanceof LayerLensError ? e.name : 'Error', cancelled: controller.signal.aborted }),
  ).finally(() => controllers.delete(m.id));
});
