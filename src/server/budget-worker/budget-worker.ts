// The budget worker process: checks one budget file at a time exactly as `layerlens check` does
// (node/budgets/run-check.ts) — every model its globs match, read and analysed here, off the language
// server's main thread and within the limits the server set for its workers (main/worker-process.ts,
// shared/worker-child.ts) — without running any model (latency limits are left to the CLI), with
// increase limits only where an entry names its baseline, and reading only files inside the
// workspace folders (anything else is that model's FileAccessError). Protocol: shared/budget-protocol.ts.
import { dirname, isAbsolute, relative } from 'node:path';
import { BudgetFileError, LayerLensError } from '../../core/errors';
import { runCheck } from '../../node/budgets/run-check';
import type { BudgetReply, BudgetRequest } from '../shared/budget-protocol';
import { startWatchdog, toServer } from '../shared/worker-child';

const inside = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

startWatchdog();
process.on('message', (m: BudgetRequest) => {
  const readable = (path: string): boolean => m.folders.some((f) => inside(f, path));
  void runCheck({ models: [], budget: m.budget, latency: null, cwd: dirname(m.budget), missingBaseline: 'skip', readable }).then(
    (report) => toServer({ id: m.id, report } satisfies BudgetReply),
    (e: unknown) => {
      const error = e instanceof LayerLensError ? { name: e.name, message: e.message, ...(e instanceof BudgetFileError && e.at ? { at: e.at } : {}) } : { name: 'Error', message: String((e as Error)?.message ?? e) };
      toServer({ id: m.id, error } satisfies BudgetReply);
    },
  );
});
