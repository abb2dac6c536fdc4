// The jobs worker process: applying a fix (load, rewrite, save, verify), committing or discarding a
// previewed fix (the previews made here are remembered here), compiling an .onnxtxt, profiling
// (load, analyse, measure), and compression within an error budget (quantize-budget.ts). ONNX Runtime itself runs in a child process started from here; this
// process keeps model loading, analysis and writing off the language server's main thread, within the
// limits the server set (main/worker-process.ts, shared/worker-child.ts). Protocol: shared/jobs-protocol.ts.
import { errorData } from '../shared/errors';
import type { JobReplyMessage, JobRequestMessage } from '../shared/jobs-protocol';
import { startWatchdog, toServer } from '../shared/worker-child';
import { applyFix } from './apply-fix';
import { compile } from './compile';
import { commitFix, discardFix } from './fix-candidates';
import { quantizeWithinBudget } from './quantize-budget';
import { runSensitivity } from './sensitivity';
import { runProfile } from './run-profile';

const controllers = new Map<number, AbortController>();
const reply = (m: JobReplyMessage): void => toServer(m);

startWatchdog();
process.on('message', (m: JobRequestMessage) => {
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
      case 'compile':
        return compile(m.args);
      case 'profile':
        return runProfile(m.args, controller.signal, (progress) => reply({ id: m.id, progress }));
      case 'quantizeWithinBudget':
        return quantizeWithinBudget(m.args, controller.signal, (progress) => reply({ id: m.id, progress }));
      case 'sensitivity':
        return runSensitivity(m.args, controller.signal, (progress) => reply({ id: m.id, progress }));
    }
  })();
  work
    .then(
      (result) => reply({ id: m.id, result }),
      (e: unknown) => reply({ id: m.id, error: errorData(e), cancelled: controller.signal.aborted }),
    )
    .finally(() => controllers.delete(m.id));
});
