// Typed custom requests, notifications and commands between the LayerLens language server and its
// clients (the VS Code extension, tests), shared by both sides as vscode-eslint and rust-analyzer do:
// each is an object whose `type` is a RequestType<Params, Result, ModelErrorData> (or NotificationType),
// so `connection.onRequest(X.type, …)` and `client.sendRequest(X.type, …)` are checked against one
// declaration and no call site names a method as a string or casts a result. Commands run through
// workspace/executeCommand; CommandType gives each its typed request and its arguments.
// The types come from vscode-languageserver-protocol, the same copy of vscode-jsonrpc that
// vscode-languageserver and vscode-languageclient use (jsonrpc compares ParameterStructures by
// identity, so a second copy would not do). The webview imports this file's types only.
import { NotificationType, RequestType, type ExecuteCommandParams } from 'vscode-languageserver-protocol';
import type { NodeFigures } from '../core/cost/figures';
import type { ViewModel } from './view-model';

/** A custom request: its method and its typed signature. */
function request<P, R>(method: string): { method: string; type: RequestType<P, R, ModelErrorData> } {
  return { method, type: new RequestType<P, R, ModelErrorData>(method) };
}

/** A command of the server (workspace/executeCommand with one argument), typed by its argument and result. */
export class CommandType<A, R> {
  /** The workspace/executeCommand request, typed by this command's result. */
  readonly request: RequestType<ExecuteCommandParams, R, ModelErrorData>;
  constructor(readonly command: string) {
    this.request = new RequestType<ExecuteCommandParams, R, ModelErrorData>('workspace/executeCommand');
  }

  /** The request's params: this command with `args`. */
  params(args: A, workDoneToken?: string | number): ExecuteCommandParams {
    return { command: this.command, arguments: [args], ...(workDoneToken !== undefined ? { workDoneToken } : {}) };
  }
}

/** The text form of a binary model, for the read-only `layerlens:` text view. */
export interface TextViewParams {
  /** file: URI of the .onnx model. */
  uri: string;
  /** Work-done progress (reading, printing) for a large model. */
  workDoneToken?: string | number;
}
export interface TextViewResult {
  text: string;
}
export const TextViewRequest = request<TextViewParams, TextViewResult>('layerlens/textView');

/**
 * Symbolic dims to bind by name (`{ batch: 1 }`), for the requests that analyse a model file. Each value
 * must be a whole number >= 0 (else a `UsageError`); names that are not a symbolic dim of the model's
 * inputs are left out (one workspace setting serves every model); dims left unbound stay symbolic, so
 * figures that depend on them are null (never costed as 0).
 */
export type DimBindings = Record<string, number>;

/**
 * How every custom request and command fails: a ResponseError (code -32803, RequestFailed) whose
 * message is `Name: message` of the typed error (e.g. `ModelFormatError: truncated or corrupt protobuf
 * at byte 1234 …`) and whose `data` is this object, so a client can show an error page. `name` is one
 * of ModelFormatError, ModelGraphError, ExternalDataError, ShapeError, UsageError (bad parameters),
 * FileAccessError (a path outside the workspace folders and the documents and models the client
 * opened), ModelWorkerError (a worker process stopped: out of memory, over its time limit, or crashed;
 * remembered for that file version, see docs/language-server.md), FixCandidateError, or Error for
 * anything unforeseen.
 */
export interface ModelErrorData {
  name: string;
  message: string;
}

/**
 * Model totals for the status bar. `uri` is an open text document (a .onnxtxt file or a text view),
 * or a `file:` URI of a binary .onnx model (open or not), analysed in the server's model worker.
 */
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
export const ModelSummaryRequest = request<ModelSummaryParams, ModelSummaryResult | null>('layerlens/modelSummary');

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

/** Profile a model file in ONNX Runtime (work-done progress and cancellation supported). */
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
export const ProfileRequest = request<ProfileParams, ProfileResult>('layerlens/profile');

/**
 * The view model of a model, for the graph view. `uri` is an open text document (its main graph as
 * typed; null while it does not parse), or a `file:` URI of a binary .onnx model, open or not: then
 * the server's model worker loads and analyses it with `dims`, keeps it (the 4 most recent
 * (file, mtime, size, dims) in memory), and answers later requests about it from there. A file that
 * cannot be loaded answers with an error carrying ModelErrorData.
 */
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
export const ExportMetricsRequest = request<ExportMetricsParams, ExportMetricsResult>('layerlens/exportMetrics');
/** The result is a ViewModel (src/protocol/view-model.ts), or GraphViewText with `as: 'text'`. */
export const GraphViewRequest = {
  ...request<GraphViewParams, ViewModel | GraphViewText | null>('layerlens/graphView'),
  /** The same request asked `as: 'text'`, typed by that result. */
  textType: new RequestType<GraphViewParams & { as: 'text' }, GraphViewText | null, ModelErrorData>('layerlens/graphView'),
};

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

/** Everything about one node, for the graph view's side panel. */
export interface NodeDetailsParams {
  /** An open document, or a `file:` .onnx URI (as GraphViewRequest). */
  uri: string;
  /** Node display name; nodes of If/Loop/Scan bodies are found too (main graph first). */
  node: string;
  /** Only for a `file:` .onnx URI. */
  dims?: DimBindings;
}
/** The node's figure record (src/core/cost/figures.ts), its attributes and tensors, and its ranked fixes. */
export interface NodeDetailsResult extends NodeFigures {
  name: string;
  opType: string;
  domain: string;
  attributes: { name: string; value: string }[];
  inputs: { name: string; type: string }[];
  outputs: { name: string; type: string }[];
  fixes: FixEntry[];
  /** For a `file:` model: statistics of each constant input (initializer or Constant output). */
  weights?: WeightStats[];
}
export const NodeDetailsRequest = request<NodeDetailsParams, NodeDetailsResult | null>('layerlens/nodeDetails');

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
export interface ModelChangedParams {
  uri: string;
}
export const ModelChangedNotification = { method: 'layerlens/modelChanged', type: new NotificationType<ModelChangedParams>('layerlens/modelChanged') };

/**
 * Client -> server: the user opened this model file (graph editor, text view, compare), so the server
 * may read it and write fixes beside it even when it lies outside the workspace folders. The server
 * reads and writes only inside the workspace folders, the documents the client opened, and these.
 */
export interface OpenModelParams {
  /** file: URI of the .onnx model. */
  uri: string;
}
export const OpenModelNotification = { method: 'layerlens/didOpenModel', type: new NotificationType<OpenModelParams>('layerlens/didOpenModel') };

/**
 * The values of one constant tensor (an initializer or a Constant node's value: the text view shows
 * those of more than 16 elements as a declaration only). `uri` is a text view or a `file:` model;
 * `name` the value's name. At most `limit` values (default 1,000,000) are written; `text` lists them
 * in row-major order as the text syntax writes them.
 */
export interface TensorValuesParams {
  uri: string;
  name: string;
  limit?: number;
}
export interface TensorValuesResult {
  name: string;
  dtype: string;
  dims: number[];
  elements: number;
  /** Values shown (≤ elements). */
  shown: number;
  text: string;
}
/** null when the model has no constant of that name. */
export const TensorValuesRequest = request<TensorValuesParams, TensorValuesResult | null>('layerlens/tensorValues');

/** Command: compile an .onnxtxt file to .onnx beside it, filling declared weights. */
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
export const CompileCommand = new CommandType<CompileArgs, CompileResult>('layerlens.compile');

/**
 * Latency predicted on a target device without running the model (docs/prediction.md): for an open
 * document (a hand-written .onnxtxt as typed) or a `file:` model (analysed in the model worker).
 */
export interface PredictParams {
  uri: string;
  /** Only for a `file:` model. */
  dims?: DimBindings;
  /** A catalog id (rpi5, …) or an absolute path of a device-profile file; omitted = the `layerlens.target` setting. */
  target?: string;
}
export interface PredictedNode {
  /** The node's display name (with its body's path inside If/Loop/Scan). */
  name: string;
  opType: string;
  /** µs per model run charged to the node. */
  us: number;
  /** The kernel ORT is predicted to run it in. */
  kernel: string;
}
export interface PredictResult {
  target: { id: string; name: string; kind: 'calibrated' | 'estimate' };
  predictedMs: number;
  /** How the figure was made (calibrated predictors with their error, or a roofline estimate). */
  method: string;
  /** The profile's held-out error per kernel (null for an estimate). */
  validation: { mape: number; within10: number; n: number } | null;
  /** Share of kernel time predicted by a calibrated predictor of the kernel's class. */
  coveredShare: number;
  /** Some kernels have unknown sizes: the latency is a lower bound. */
  incomplete: boolean;
  nodes: PredictedNode[];
  /** Nodes not covered by a calibrated predictor. */
  uncovered: number;
}
/** null when no target is set or the document does not parse. */
export const PredictRequest = request<PredictParams, PredictResult | null>('layerlens/predict');

