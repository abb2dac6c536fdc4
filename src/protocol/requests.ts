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

/** Model totals for the status bar. */
export const ModelSummaryRequest = 'layerlens/modelSummary' as const;
export interface ModelSummaryParams {
  /** URI of an open text document (a .onnxtxt file or a text view). */
  uri: string;
}
export interface ModelSummaryResult {
  nodes: number;
  macs: number;
  flops: number;
  params: number;
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
  /** Where to write: a new file beside the original (default) or in place with a .bak. */
  write?: 'new-file' | 'in-place';
  /** Symbolic dims to bind for verification, by name; any left unbound is taken as 1. */
  dims?: Record<string, number>;
  /** Options of rules that take them (e.g. `{ ratio: 0.5 }` for prune-channel). */
  options?: Record<string, unknown>;
}
export interface ApplyFixResult {
  written: string | null;
  applied: number;
  passed: boolean;
  failures: string[];
  before: { fileBytes: number; params: number; macs: number; medianMs: number } | null;
  after: { fileBytes: number; params: number; macs: number; medianMs: number } | null;
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

/** The view model of an open document's main graph, for the graph view. */
export const GraphViewRequest = 'layerlens/graphView' as const;
export interface GraphViewParams {
  uri: string;
}
// The result is ViewModel (src/core/view/view-model.ts): plain data, re-declared by the webview.

/** What can be done at one node: every rewrite rule matching there, with its check result. */
export const ListFixesRequest = 'layerlens/listFixes' as const;
export interface ListFixesParams {
  uri: string;
  /** Node display name. */
  node: string;
}
export interface ListFixesResult {
  fixes: { ruleId: string; title: string; ok: boolean; reason?: string }[];
}

/** Everything about one node, for the graph view's side panel. */
export const NodeDetailsRequest = 'layerlens/nodeDetails' as const;
export interface NodeDetailsParams {
  uri: string;
  node: string;
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
