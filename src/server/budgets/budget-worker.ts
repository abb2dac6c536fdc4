// The budget worker thread: checks one budget file at a time exactly as `layerlens check` does
// (node/budgets/run-check.ts) — every model its globs match, read and analysed here, off the
// server's main thread — without running any model (latency limits are left to the CLI) and with
// increase limits only where the entry names its baseline.
// Protocol: {id, budget: absolute path} in; {id, report} or {id, error: {name, message, at?}} out.
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { CheckReport } from '../../core/budget/report';
import { BudgetFileError, LayerLensError } from '../../core/errors';
import { runCheck } from '../../node/budgets/run-check';

export interface BudgetRequest {
  id: number;
  budget: string;
}

export type BudgetReply = { id: number; report: CheckReport } | { id: number; error: { name: string; message: string; at?: string } };

parentPort?.on('message', (m: BudgetRequest) => {
  void runCheck({ models: [], budget: m.budget, latency: null, cwd: dirname(m.budget), missingBaseline: 'skip' }).then(
    (report) => parentPort!.postMessage({ id: m.id, report } satisfies BudgetReply),
    (e: unknown) => {
      const error = e instanceof LayerLensError ? { name: e.name, message: e.message, ...(e instanceof BudgetFileError && e.at ? { at: e.at } : {}) } : { name: 'Error', message: String((e as Error)?.message ?? e) };
      parentPort!.postMessage({ id: m.id, error } satisfies BudgetReply);
    },
  );
});
