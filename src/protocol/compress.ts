// The editor's compression: within an error budget (a command the server answers in its jobs worker,
// src/server/jobs/quantize-budget.ts) and per-layer sensitivity (a request, src/server/jobs/sensitivity.ts),
// typed once for both sides.
import { RequestType } from 'vscode-languageserver-protocol';
import { type ApplyFixResult } from './fixes';
import { CommandType, type ModelErrorData } from './rpc';

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
export const QuantizeWithinBudgetCommand = new CommandType<QuantizeWithinBudgetArgs, QuantizeWithinBudgetResult>('layerlens.previewQuantizeWithinBudget');

/**
 * Per-layer sensitivity of a `file:` model (the editor's "Measure Sensitivity…"; `layerlens
 * sensitivity` on the command line): each candidate layer compressed alone, the model's outputs
 * compared with the original's in ONNX Runtime. Work-done progress; cancelling the request stops the
 * ORT worker. Generated inputs (seed 42); symbolic dims as the fixes bind them (given, else 1).
 */
export interface SensitivityParams {
  uri: string;
  kind: 'int8' | 'int8-static' | 'int4' | 'fp16';
  dims?: Record<string, number>;
  workDoneToken?: string | number;
}
export interface SensitivityLayer {
  name: string;
  opType: string;
  /** False when the method does not apply to the layer (`reason` says why). */
  ok: boolean;
  reason?: string;
  /** Of the model's outputs with only this layer compressed (worst output); null when not measured. */
  cosine: number | null;
  maxAbsError: number | null;
  /** Bytes of the layer's weights. */
  sizeBytes: number;
  /** The layer's share of the model's latency (estimated from the cost model), 0..1. */
  latencyShare: number | null;
}
export interface SensitivityResult {
  kind: SensitivityParams['kind'];
  /** Ranked worst first (lowest cosine); layers the method refuses last. */
  layers: SensitivityLayer[];
  samples: number;
  latencySource: 'measured' | 'estimated';
}
export const SensitivityRequest = { method: 'layerlens/sensitivity', type: new RequestType<SensitivityParams, SensitivityResult, ModelErrorData>('layerlens/sensitivity') };
