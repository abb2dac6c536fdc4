// The quick fixes' requests and commands: list the rules at a node (ranked), apply one (verified
// before anything is written, kept as a candidate), commit or discard the candidate. See requests.ts
// for how requests and commands are typed.
import type { LatencyChange } from '../core/profile/latency-change';
import { CommandType, request, type DimBindings } from './rpc';

/** Command of the quick fixes: apply one rule at one node of a model file, verified before writing. */
export interface ApplyFixArgs {
  /** file: URI of the .onnx model. */
  modelUri: string;
  ruleId: string;
  /** Node the fix applies at (its display name); omitted = everywhere the rule applies. */
  anchor?: string;
  /**
   * Where to write: a new file beside the original (default), in place with a .bak, or `preview`:
   * verify as usual but write nothing; the verified model stays in a hidden candidate file beside the
   * original (`.model.<rule>.onnx.candidate-<pid>-<n>.onnx`), returned as `candidate`, until
   * CommitFixCommand renames it into place or DiscardFixCommand deletes it.
   */
  write?: 'new-file' | 'in-place' | 'preview';
  /** Symbolic dims to bind for verification, by name; any left unbound is taken as 1. */
  dims?: Record<string, number>;
  /** Options of rules that take them (e.g. `{ ratio: 0.5 }` for prune-channel). */
  options?: Record<string, unknown>;
  /** A target device (catalog id, or an absolute path of a device profile): before/after then carry its predicted latency. */
  target?: string;
}
export interface ApplyFixResult {
  /** The file written; null when nothing was (refused, failed, or a preview). */
  written: string | null;
  applied: number;
  passed: boolean;
  failures: string[];
  /** `predictedMs`: latency predicted on `ApplyFixArgs.target` (absent without a target or when it cannot be predicted). */
  before: { fileBytes: number; params: number; macs: number; medianMs: number; predictedMs?: number } | null;
  after: { fileBytes: number; params: number; macs: number; medianMs: number; predictedMs?: number } | null;
  /**
   * Whether the measured latency (before/after.medianMs) changed beyond run-to-run noise: the median
   * paired difference, its 95 % interval (the spread), each side's interquartile range, and the verdict
   * 'faster' | 'slower' | 'no measurable change' with a one-line `text` to show beside the figures
   * (src/core/profile/latency-change.ts, docs/optimizations.md). Present whenever before/after are.
   */
  latencyChange?: LatencyChange;
  /** The target the predictions are for, with how they were made. */
  predictedOn?: { id: string; name: string; kind: 'calibrated' | 'estimate' };
  /** Per model output, the original vs the rewritten model in ONNX Runtime ([] when not verified). */
  outputs: OutputComparisonFigures[];
  /** Only for `write: 'preview'` that passed: the verified candidate file (absolute path). */
  candidate?: string;
}
export const ApplyFixCommand = new CommandType<ApplyFixArgs, ApplyFixResult>('layerlens.applyFix');

/**
 * One output compared (src/node/ort/verify.ts). Figures that are infinite — NaN or ±Infinity on one side
 * only, or outputs that cannot be compared — are null here (JSON has no Infinity), with `problem` set
 * when they could not be compared at all.
 */
export interface OutputComparisonFigures {
  name: string;
  maxAbsError: number | null;
  /** max |a-b| / max |a| */
  maxRelError: number | null;
  cosine: number;
  /** Share of rows whose argmax agrees, for outputs that look like class scores; else null. */
  top1: number | null;
  problem?: string;
}

/**
 * Command: write a previewed fix. The candidate must be one this server made (ApplyFix with
 * `write: 'preview'`, not yet committed or discarded) for this model and rule, and the model must be
 * unchanged since the preview; else a FixCandidateError. It is renamed atomically to
 * `model.<rule>.onnx` (new-file) or over the model (in-place, the original kept as `model.onnx.bak`).
 */
export interface CommitFixArgs {
  candidate: string;
  /** file: URI of the .onnx model the candidate was made from. */
  modelUri: string;
  ruleId: string;
  write: 'new-file' | 'in-place';
}
export interface CommitFixResult {
  written: string;
  /** The original's copy, for in-place. */
  backup?: string;
}
export const CommitFixCommand = new CommandType<CommitFixArgs, CommitFixResult>('layerlens.commitFix');

/**
 * Command: delete a previewed candidate (and its `.data` file if it has one). Only a file named like a
 * candidate (`.<name>.onnx.candidate-<pid>[-<n>].onnx`), directly inside the folder of its model (the
 * model named by `modelUri` when given, else the one its name points to, which must exist), can be
 * deleted; anything else is refused with a FixCandidateError. A candidate already gone deletes nothing.
 */
export interface DiscardFixArgs {
  candidate: string;
  modelUri?: string;
}
export interface DiscardFixResult {
  /** Files deleted. */
  deleted: string[];
}
export const DiscardFixCommand = new CommandType<DiscardFixArgs, DiscardFixResult>('layerlens.discardFix');

/**
 * A rewrite rule at one node, ranked by the benefit it is expected to bring there
 * (src/core/passes/rank.ts, docs/optimizations.md). Lists are ordered: the few that pay off most
 * first (`top`, best first, each with its estimate in `text`), then the rest (smaller gains, then
 * refusals with their `reason`).
 */
export interface FixEntry {
  ruleId: string;
  title: string;
  ok: boolean;
  /** Why the rule does not apply here (refusals only). */
  reason?: string;
  /** Among the few fixes that pay off most at this node. */
  top: boolean;
  /** The main figure, short ("−4.1 % of the FLOPs", "file −23 %", "no latency gain with ORT"); '' for refusals. */
  headline: string;
  /** The whole estimate in one line; '' for refusals. */
  text: string;
}

/** What can be done at one node: every rewrite rule matching there, ranked, with its check result. */
export interface ListFixesParams {
  /** An open document, or a `file:` .onnx URI (as GraphViewRequest). */
  uri: string;
  /** Node display name (nodes of If/Loop/Scan bodies too). */
  node: string;
  /** Only for a `file:` .onnx URI: the same dims as the graph view's, to share its cached analysis. */
  dims?: DimBindings;
}
export interface ListFixesResult {
  fixes: FixEntry[];
}
export const ListFixesRequest = request<ListFixesParams, ListFixesResult>('layerlens/listFixes');
