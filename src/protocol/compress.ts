// The editor's compression within an error budget: the command the extension sends and the server
// answers in its jobs worker (src/server/jobs/quantize-budget.ts), typed once for both sides.
import { CommandType, type ApplyFixResult } from './requests';

/**
 * Command: compress the whole model within an error budget: per-layer sensitivity in ONNX Runtime,
 * the most sensitive layers kept in float, the result verified with the budget as tolerance and kept
 * as a preview (commit or discard it with CommitFixCommand / DiscardFixCommand under `ruleId`).
 * Generated inputs (seed 42).
 */
export interface QuantizeWithinBudgetArgs {
  /** file: URI of the .onnx model. */
  modelUri: string;
  kind: 'int8' | 'int8-static' | 'int4' | 'fp16' | 'low-rank';
  minCosine?: number;
  maxAbsError?: number;
  minTop1?: number;
  /** Symbolic dims to bind, by name; any left unbound is taken as 1. */
  dims?: Record<string, number>;
}
export interface QuantizeWithinBudgetResult extends ApplyFixResult {
  /** The rule the candidate is a preview of (what CommitFixCommand takes). */
  ruleId: string;
  /** Layers compressed, and the others with why each was left as it was. */
  compressed: string[];
  kept: { name: string; opType: string; reason: string }[];
  /** What each rewrite says, by layer (low-rank: the rank, energy kept and weights before → after). */
  notes: { layer: string; note: string }[];
}
export const QuantizeWithinBudgetCommand = new CommandType<QuantizeWithinBudgetArgs, QuantizeWithinBudgetResult>('layerlens.quantizeWithinBudget');
