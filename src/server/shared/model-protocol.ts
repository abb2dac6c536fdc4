// The messages between the server's main thread (main/model-client.ts) and the model worker process
// (model-worker/): each operation with its arguments and result. Text-view documents are served from
// the worker too (their text was printed there, with the printer's map from text ranges to nodes and
// values), so their operations name the printed text by its hash: a text that no longer matches (the
// file changed since) is answered with STALE, and the main thread parses that document itself.
// Protocol: {id, op, args} in; {id, phase} while working, then {id, result} or {id, error} (or
// {id, stopped} when it ended over the memory limit, and the worker exits); one at a time, in order.
import type { CodeAction, CodeLens, Diagnostic, DocumentSymbol, Hover, InlayHint, Location, Position, Range } from 'vscode-languageserver';
import type { ListFixesResult } from '../../protocol/fixes';
import type { ExportMetricsParams, ExportMetricsResult, GraphViewGzip, GraphViewText, ModelSummaryResult, NodeDetailsResult, PredictResult, ProfileResult, TensorValuesResult } from '../../protocol/requests';
import type { DimBindings, ModelErrorData } from '../../protocol/rpc';
import type { DeviceProfile } from '../../core/predict';

/** A text view document, as the worker printed it. */
export interface TextViewArgs {
  path: string;
  dims: DimBindings;
  /** sha1 of the printed text the client holds. */
  sha: string;
  /** The document's URI (for locations in results). */
  uri: string;
}

type FileArgs = { path: string; dims: DimBindings };

/** Each operation's arguments and result. */
export interface ModelOps {
  /** The text form of the model, and its sha1 (the main thread matches opened documents by it). */
  textView: { args: { path: string }; result: { text: string; sha: string } };
  /** The ViewModel (src/protocol/view-model.ts) as JSON text, or that text gzip-compressed in base64, with the model's totals. */
  graphView: { args: FileArgs & { as: 'text' | 'gzip' }; result: GraphViewText | GraphViewGzip };
  exportMetrics: { args: FileArgs & Omit<ExportMetricsParams, 'uri' | 'dims'>; result: ExportMetricsResult };
  nodeDetails: { args: FileArgs & { node: string }; result: NodeDetailsResult | null };
  listFixes: { args: FileArgs & { node: string }; result: ListFixesResult };
  modelSummary: { args: FileArgs; result: ModelSummaryResult };
  /** Latency predicted on the device of `profile` (features/predict.ts). */
  predict: { args: FileArgs & { profile: DeviceProfile }; result: PredictResult };
  tensorValues: { args: { path: string; name: string; limit: number }; result: TensorValuesResult | null };
  diagnostics: { args: TextViewArgs; result: Diagnostic[] };
  /** `valuesCommand`: the client's command that shows a constant's values (a link in the hover). */
  hover: { args: TextViewArgs & { position: Position; measured?: ProfileResult; valuesCommand?: string }; result: Hover | null };
  definition: { args: TextViewArgs & { position: Position }; result: Location[] };
  references: { args: TextViewArgs & { position: Position }; result: Location[] };
  symbols: { args: TextViewArgs; result: DocumentSymbol[] };
  inlayHints: { args: TextViewArgs & { range: Range }; result: InlayHint[] };
  codeLenses: { args: TextViewArgs; result: CodeLens[] };
  codeActions: { args: TextViewArgs & { range: Range }; result: CodeAction[] };
  /** Drops what the worker holds of `path`. */
  invalidate: { args: { path: string }; result: { dropped: number } };
  /** Keeps `path` (an open text view) in memory beyond the most recent models, or lets it go. */
  pin: { args: { path: string; pinned: boolean }; result: null };
}
export type ModelOp = keyof ModelOps;
export type ModelRequestMessage = { [K in ModelOp]: { id: number; op: K; args: ModelOps[K]['args'] } }[ModelOp];

/**
 * How far a request got: `start` (the worker began it), `loaded` (the file is read and decoded),
 * `analysed` (shapes and costs done). The main thread times requests from `start` and, when the
 * worker dies, remembers the failure for what the request had reached.
 */
export type ModelPhase = 'start' | 'loaded' | 'analysed';
/** `stopped`: the request ended with the worker over its memory limit (what the watchdog writes); the worker exits. */
export type ModelReplyMessage = { id: number; phase: ModelPhase } | { id: number; result: unknown } | { id: number; error: ModelErrorData } | { id: number; stopped: string };

/** Operations that work on a text view document. */
export const TEXT_VIEW_OPS = ['diagnostics', 'hover', 'definition', 'references', 'symbols', 'inlayHints', 'codeLenses', 'codeActions'] as const satisfies readonly ModelOp[];
export type TextViewOp = (typeof TEXT_VIEW_OPS)[number];

/** Operations that need only the file read (no analysis). */
export const LOAD_ONLY_OPS: readonly ModelOp[] = ['textView', 'tensorValues', 'invalidate', 'pin'];

/** The error name of a text view whose printed text no longer matches the document (never shown to users). */
export const STALE = 'StaleTextView';
