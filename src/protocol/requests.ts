// Typed custom requests between the LayerLens language server and its clients (the VS Code
// extension, tests). Each request is a named method with its params and result types.

/** The text form of a binary model, for the read-only `layerlens:` text view. */
export const TextViewRequest = 'layerlens/textView' as const;
export interface TextViewParams {
  /** file: URI of the .onnx model. */
  uri: string;
}
export interface TextViewResult {
  text: string;
}

/**
 * Symbolic dims to bind by name (`{ batch: 1 }`), for the requests that analyse a model file. Each value
 * must be a whole number >= 0 (else a `UsageError`); names that are not a symbolic dim of the model's
 * inputs are left out (one workspace setting serves every model); dims left unbound stay symbolic, so
 * figures that depend on them are null (never costed as 0).
 */
export type DimBindings = Record<string, number>;

/**
 * How a request about a model file fails when the file cannot be loaded or analysed: a ResponseError
 * (code -32803, RequestFailed) whose message is `Name: message` of the typed error (e.g.
 * `ModelFormatError: truncated or corrupt protobuf at byte 1234 …`) and whose `data` is this object,
 * so a client can show an error page. `name` is one of ModelFormatError, ModelGraphError,
 * ExternalDataError, ShapeError, UsageError, ModelWorkerError (the worker stopped, e.g. out of memory;
 * it is restarted on the next request), FixCandidateError, or Error for anything unforeseen.
 */
export interface ModelErrorData {
  name: string;
  message: string;
}

/**
 * Model totals for the status bar. `uri` is an open text document (a .onnxtxt file or a text view),
 * or a `file:` URI of a binary .onnx model (open or not), analysed in the server's model worker.
 */
export const ModelSummaryRequest = 'layerlens/modelSummary' as const;
export interface ModelSummaryParams {
  uri: string;
  /** Only for a `file:` .onnx URI (an open document's dims are in its text). */
  dims?: DimBindings;
}
export interface ModelSummaryResult {
  nodes: number;
  macs: number;
  flops: number;
  params: number;
  weightBytes: number;
  /** The analysis's one decision (src/core/cost/cost-model.ts): some counted figure is unknown, the totals are lower bounds. */
  totalsIncomplete: boolean;
}

/**
 * The text view of `file:///a/b/model.onnx` is the document `layerlens:/a/b/model.onnx.onnxtxt`
 * (read-only, produced by the server through TextViewRequest).
 */
export function textViewUriFor(fileUri: string): string {
  return `layerlens:${fileUri.replace(/^file:\/\//, '')}.onnxtxt`;
}

/** The model file behind a text view URI, or null for other documents. */
export function modelUriOf(uri: string): string | null {
  return uri.startsWith('layerlens:') && uri.endsWith('.onnxtxt') ? `file://${uri.slice('layerlens:'.length, -'.onnxtxt'.length)}` : null;
}

/** Command of the quick fixes: apply one rule at one node of a model file, verified before writing. */
export const ApplyFixCommand = 'layerlens.applyFix' as const;
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
}
export interface ApplyFixResult {
  /** The file written; null when nothing was (refused, failed, or a preview). */
  written: string | null;
  applied: number;
  passed: boolean;
  failures: string[];
  before: { fileBytes: number; params: number; macs: number; medianMs: number } | null;
  after: { fileBytes: number; params: number; macs: number; medianMs: number } | null;
  /** Per model output, the original vs the rewritten model in ONNX Runtime ([] when not verified). */
  outputs: OutputComparisonFigures[];
  /** Only for `write: 'preview'` that passed: the verified candidate file (absolute path). */
  candidate?: string;
}

/**
 * One output compared (src/node/verify.ts). Figures that are infinite — NaN or ±Infinity on one side
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
 * Command: compress the whole model within an error budget (src/server/quantize-budget.ts): per-layer
 * sensitivity in ONNX Runtime, the most sensitive layers kept in float, the result verified with the
 * budget as tolerance and kept as a preview (commit or discard it with CommitFixCommand /
 * DiscardFixCommand under `ruleId`). Runs in the jobs worker; generated inputs (seed 42).
 */
export const QuantizeWithinBudgetCommand = 'layerlens.quantizeWithinBudget' as const;
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

/**
 * Command: write a previewed fix. The candidate must be one this server made (ApplyFix with
 * `write: 'preview'`, not yet committed or discarded) for this model and rule, and the model must be
 * unchanged since the preview; else a FixCandidateError. It is renamed atomically to
 * `model.<rule>.onnx` (new-file) or over the model (in-place, the original kept as `model.onnx.bak`).
 */
export const CommitFixCommand = 'layerlens.commitFix' as const;
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

/**
 * Command: delete a previewed candidate (and its `.data` file if it has one). Only a file named like a
 * candidate (`.<name>.onnx.candidate-<pid>[-<n>].onnx`), directly inside the folder of its model (the
 * model named by `modelUri` when given, else the one its name points to, which must exist), can be
 * deleted; anything else is refused with a FixCandidateError. A candidate already gone deletes nothing.
 */
export const DiscardFixCommand = 'layerlens.discardFix' as const;
export interface DiscardFixArgs {
  candidate: string;
  modelUri?: string;
}
export interface DiscardFixResult {
  /** Files deleted. */
  deleted: string[];
}

/** Profile a model file in ONNX Runtime (work-done progress and cancellation supported). */
export const ProfileRequest = 'layerlens/profile' as const;
export interface ProfileParams {
  /** file: URI of the .onnx model. */
  uri: string;
  mode?: 'deployed' | 'per-node';
  runs?: number;
  /** Symbolic dims by name; any not given is taken as 1. */
  dims?: Record<string, number>;
  /** How many of the slowest nodes to return: default 50; 0 = every timed node (the graph overlay). */
  limit?: number;
  /** ONNX Runtime intra-op threads (the extension's setting); omitted = ORT's default. */
  threads?: number;
  workDoneToken?: string | number;
}
export interface ProfileResult {
  mode: 'deployed' | 'per-node';
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  coverage: number;
  /** Slowest nodes first. */
  nodes: { name: string; opType: string; medianUs: number; share: number; verdict: string }[];
}

/**
 * The view model of a model, for the graph view. `uri` is an open text document (its main graph as
 * typed; null while it does not parse), or a `file:` URI of a binary .onnx model, open or not: then
 * the server's model worker loads and analyses it with `dims`, keeps it (the 4 most recent
 * (file, mtime, size, dims) in memory), and answers later requests about it from there. A file that
 * cannot be loaded answers with an error carrying ModelErrorData.
 */
export const GraphViewRequest = 'layerlens/graphView' as const;
export interface GraphViewParams {
  uri: string;
  /** Only for a `file:` .onnx URI. */
  dims?: DimBindings;
  /**
   * `text`: the result is `{ json }`, the view model as JSON text (GraphViewText), so a client that
   * only hands it on (the extension host, to its webview) neither parses nor re-serialises megabytes.
   * Default: the ViewModel itself.
   */
  as?: 'object' | 'text';
}
// The result is ViewModel (src/protocol/view-model.ts): plain data, imported type-only by the webview.
export interface GraphViewText {
  json: string;
  /** The model's totals, for the status bar: the host needs no second request and never parses `json`. */
  summary: ModelSummaryResult;
}

/**
 * The per-node figures of a `file:` model as an export (docs/exports.md): made in the server's model
 * worker from the analysis it holds for the graph view (same dims), so the extension host never
 * parses the view model. `latency` and `profile` add a measured profile (ProfileResult's nodes).
 */
export const ExportMetricsRequest = 'layerlens/exportMetrics' as const;
export interface ExportMetricsParams {
  uri: string;
  dims?: DimBindings;
  format: 'csv' | 'json' | 'model-explorer' | 'netron';
  /** Model Explorer: the figure to carry (default macs). */
  metric?: string;
  latency?: { name: string; medianUs: number; share: number; graph?: string }[];
  profile?: { mode: string; runs?: number; medianMs?: number; coverage?: number };
}
export interface ExportMetricsResult {
  text: string;
  /** Nodes the format could not carry, and why. */
  skipped: { graph: string; name: string; reason: string }[];
}

/** What can be done at one node: every rewrite rule matching there, with its check result. */
export const ListFixesRequest = 'layerlens/listFixes' as const;
export interface ListFixesParams {
  /** An open document, or a `file:` .onnx URI (as GraphViewRequest). */
  uri: string;
  /** Node display name (nodes of If/Loop/Scan bodies too). */
  node: string;
  /** Only for a `file:` .onnx URI: the same dims as the graph view's, to share its cached analysis. */
  dims?: DimBindings;
}
export interface ListFixesResult {
  fixes: { ruleId: string; title: string; ok: boolean; reason?: string }[];
}

/** Everything about one node, for the graph view's side panel. */
export const NodeDetailsRequest = 'layerlens/nodeDetails' as const;
export interface NodeDetailsParams {
  /** An open document, or a `file:` .onnx URI (as GraphViewRequest). */
  uri: string;
  /** Node display name; nodes of If/Loop/Scan bodies are found too (main graph first). */
  node: string;
  /** Only for a `file:` .onnx URI. */
  dims?: DimBindings;
}
export interface NodeDetailsResult {
  name: string;
  opType: string;
  domain: string;
  attributes: { name: string; value: string }[];
  inputs: { name: string; type: string }[];
  outputs: { name: string; type: string }[];
  macs: number | null;
  flops: number | null;
  params: number;
  weightBytes: number;
  activationBytes: number | null;
  intensity: number | null;
  fixes: { ruleId: string; title: string; ok: boolean; reason?: string }[];
  /** For a `file:` model: statistics of each constant input (initializer or Constant output). */
  weights?: WeightStats[];
}

/**
 * Statistics of one constant tensor, computed in the model worker from its data (decoded in chunks of
 * 2^20 elements; mean and std combined across chunks exactly, std the population one). min, max, mean
 * and std are over the finite elements (null when there are none); `zeroFraction` is zeros (±0) over
 * all elements; `nonFinite` counts NaN and ±Infinity. Strings and complex tensors have no statistics
 * (`note` says so); data that cannot be read (external data missing or outside the folder) gives
 * `error` with the typed message instead.
 */
export interface WeightStats {
  /** Input slot of the node. */
  input: number;
  name: string;
  /** `float`, `float16`, `int8`… */
  dtype: string;
  dims: number[];
  elements: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  zeroFraction: number | null;
  nonFinite: number;
  note?: string;
  error?: string;
}

/** Server -> client: a model file changed on disk; views of it should be refreshed. */
export const ModelChangedNotification = 'layerlens/modelChanged' as const;
export interface ModelChangedParams {
  uri: string;
}

/** Command: compile an .onnxtxt file to .onnx beside it, filling declared weights. */
export const CompileCommand = 'layerlens.compile' as const;
export interface CompileArgs {
  /** file: URI of the .onnxtxt file. */
  uri: string;
  init?: 'zeros' | 'normal' | 'xavier';
  seed?: number;
}
export interface CompileResult {
  written: string;
  filled: number;
}
