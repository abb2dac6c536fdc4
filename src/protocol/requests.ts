// Typed custom requests, notifications and commands between the LayerLens language server and its
// clients (the VS Code extension, tests), shared by both sides as vscode-eslint and rust-analyzer do:
// each is an object whose `type` is a RequestType<Params, Result, ModelErrorData> (or NotificationType),
// so `connection.onRequest(X.type, …)` and `client.sendRequest(X.type, …)` are checked against one
// declaration and no call site names a method as a string or casts a result. Commands run through
// workspace/executeCommand; CommandType gives each its typed request and its arguments.
// The types come from vscode-languageserver-protocol, the same copy of vscode-jsonrpc that
// vscode-languageserver and vscode-languageclient use (jsonrpc compares ParameterStructures by
// identity, so a second copy would not do). The webview imports this file's types only.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import { CommandType, request, type DimBindings, type ModelErrorData } from './rpc';
import type { FixEntry } from './fixes';
import type { NodeFigures } from '../core/cost/figures';
import type { ViewModel } from './view-model';

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
   * only hands it on neither parses nor re-serialises megabytes. `gzip`: the result is `{ gzip }`, that
   * JSON text gzip-compressed and base64-encoded (GraphViewGzip) — what the graph editor asks for: a
   * 20k-node model's 13.7 MB of JSON is 0.7–0.8 MB compressed, so stdio, the host and VS Code's relay
   * to the webview carry about 1/18 of the bytes, and the webview decompresses it natively
   * (DecompressionStream). Default: the ViewModel itself.
   */
  as?: 'object' | 'text' | 'gzip';
}
export interface GraphViewText {
  json: string;
  /** The model's totals, for the status bar: the host needs no second request and never parses `json`. */
  summary: ModelSummaryResult;
  /**
   * What this request cost in the model worker, ms (docs/benchmarks.md, "open path in VS Code"):
   * reading and decoding the file and analysing it (0 when the worker had them cached), building the
   * view model and its JSON (0 when cached). Read by the open-path benchmark.
   */
  timing?: { loadMs: number; analyzeMs: number; viewMs: number };
}
/** The graph view asked `as: 'gzip'`: GraphViewText with its `json` compressed. */
export interface GraphViewGzip extends Omit<GraphViewText, 'json'> {
  /** The view model's JSON text, UTF-8, gzip-compressed (RFC 1952), in base64. */
  gzip: string;
  /** Length of the uncompressed JSON text, UTF-8 bytes. */
  bytes: number;
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
/** The result is a ViewModel (src/protocol/view-model.ts), GraphViewText with `as: 'text'`, GraphViewGzip with `as: 'gzip'`. */
export const GraphViewRequest = {
  ...request<GraphViewParams, ViewModel | GraphViewText | GraphViewGzip | null>('layerlens/graphView'),
  /** The same request asked `as: 'text'`, typed by that result. */
  textType: new RequestType<GraphViewParams & { as: 'text' }, GraphViewText | null, ModelErrorData>('layerlens/graphView'),
  /** The same request asked `as: 'gzip'`, typed by that result. */
  gzipType: new RequestType<GraphViewParams & { as: 'gzip' }, GraphViewGzip | null, ModelErrorData>('layerlens/graphView'),
};


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

