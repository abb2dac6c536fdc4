// The messages between the server's main thread (main/jobs-client.ts) and the jobs worker process
// (jobs/jobs-worker.ts): each job with its arguments and result. Jobs run concurrently in the worker.
// Protocol: {id, job, args} in; {id, progress} while running; {id, result} or {id, error, cancelled}
// at the end; {id, cancel: true} aborts a running profile or budget search.
import type { ApplyFixArgs, ApplyFixResult, CommitFixArgs, CommitFixResult, DiscardFixArgs, DiscardFixResult } from '../../protocol/fixes';
import type { CompileArgs, CompileResult, ProfileParams, ProfileResult } from '../../protocol/requests';
import type { ModelErrorData } from '../../protocol/rpc';
import type { QuantizeWithinBudgetArgs, QuantizeWithinBudgetResult, SensitivityParams, SensitivityResult } from '../../protocol/compress';

export interface Jobs {
  applyFix: { args: ApplyFixArgs; result: ApplyFixResult };
  commitFix: { args: CommitFixArgs; result: CommitFixResult };
  discardFix: { args: DiscardFixArgs; result: DiscardFixResult };
  compile: { args: CompileArgs; result: CompileResult };
  /** `all`: every timed node, for the server to remember (hovers); the client gets the rest. */
  profile: { args: ProfileParams; result: ProfileResult & { all: ProfileResult } };
  /** Compression within an error budget (jobs/quantize-budget.ts): a verified preview. */
  quantizeWithinBudget: { args: QuantizeWithinBudgetArgs; result: QuantizeWithinBudgetResult };
  sensitivity: { args: SensitivityParams; result: SensitivityResult };
}
export type JobName = keyof Jobs;
export type JobRequestMessage = { [K in JobName]: { id: number; job: K; args: Jobs[K]['args'] } }[JobName] | { id: number; cancel: true };
export type JobReplyMessage = { id: number; progress: string } | { id: number; result: unknown } | { id: number; error: ModelErrorData; cancelled: boolean };
