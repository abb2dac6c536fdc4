// The messages between the server's main thread (main/budgets.ts) and the budget worker process
// (budget-worker/): check one budget file as `layerlens check --skip-latency` would, reading only
// files inside the workspace folders. Protocol: {id, budget, folders} in; {id, report} or {id, error} out.
import type { CheckReport } from '../../core/budget/report';

export interface BudgetRequest {
  id: number;
  /** Absolute path of the layerlens.budget.json to check. */
  budget: string;
  /** The workspace folders: models and baselines outside them are not read. */
  folders: string[];
}

export type BudgetReply = { id: number; report: CheckReport } | { id: number; error: { name: string; message: string; at?: string } };
