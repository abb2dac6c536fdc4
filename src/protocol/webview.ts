// Messages between the extension host and the graph view's webview: two discriminated unions, one
// per direction. Everything on the wire is plain data; model strings are data, never markup.
import type { ViewModel } from './view-model';
import type { SensitivityResult } from './compress';
import type { ApplyFixResult, FixEntry } from './fixes';
import type { NodeDetailsResult, PredictResult, ProfileResult } from './requests';

/** Metrics the heat map can colour by ('bytes' = weight + activation bytes, 'share' = share of measured time, 'predicted' = latency predicted on the target, 'sensitivity' = 1 − cosine with the layer quantized alone). */
export type ColorMetric = 'none' | 'macs' | 'flops' | 'params' | 'bytes' | 'latency' | 'share' | 'intensity' | 'predicted' | 'sensitivity';
export const COLOR_METRICS: readonly ColorMetric[] = ['none', 'macs', 'flops', 'params', 'bytes', 'latency', 'share', 'intensity', 'predicted', 'sensitivity'];

/** A fix at a node as the server ranks it (FixEntry of requests.ts). */
export type Fix = FixEntry;

/** The verification of a fix before it is written, shown to the user who then decides. */
export interface FixPreview {
  ruleId: string;
  title: string;
  /** The node it applies at; omitted = everywhere. */
  node?: string;
  result: ApplyFixResult;
}

export type ToWebview =
  | { type: 'loading'; fileName: string; stage: string }
  | {
      type: 'model';
      fileName: string;
      /**
       * The view model, or its JSON text as gzip-compressed UTF-8 bytes (what the extension host gets
       * from the server and passes on unparsed: GraphViewGzip): VS Code relays bytes to the webview as
       * a binary buffer, where a string would be escaped into and parsed out of its JSON messages at
       * each hop.
       */
      view: ViewModel | Uint8Array;
      colorMetric: ColorMetric;
      profile: ProfileResult | null;
      dims: Record<string, number>;
    }
  | { type: 'error'; fileName: string; name: string; message: string; hint: string }
  | { type: 'profileState'; state: 'running' | 'done' | 'cancelled' | 'failed'; message?: string }
  | { type: 'profile'; result: ProfileResult }
  /** Per-layer sensitivity (1 − cosine of the outputs with the layer quantized alone): a heat metric and a table column. */
  | { type: 'sensitivity'; result: SensitivityResult; /** Colour the graph by it now (a new measurement), rather than only offering it. */ select: boolean }
  /** Latency predicted on the target device (null: no target, or it cannot be predicted). */
  | { type: 'predicted'; result: PredictResult | null }
  | { type: 'details'; requestId: number; details: NodeDetailsResult | null }
  | { type: 'fixes'; requestId: number; node: string; fixes: Fix[] }
  | { type: 'fixState'; state: 'verifying' | 'preview' | 'failed' | 'applied' | 'discarded'; ruleId: string; node?: string; preview?: FixPreview; message?: string; written?: string }
  | { type: 'highlight'; node: string }
  | { type: 'colorMetric'; metric: ColorMetric }
  | { type: 'renderImage'; requestId: number; format: 'svg' | 'png' };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'nodeDetails'; requestId: number; node: string }
  | { type: 'listFixes'; requestId: number; node: string }
  | { type: 'profile' }
  | { type: 'cancelProfile' }
  | { type: 'previewFix'; ruleId: string; /** As the rule names itself (for the figures' heading). */ title: string; node?: string }
  | { type: 'commitFix'; write: 'new-file' | 'in-place' }
  | { type: 'discardFix' }
  | { type: 'reveal'; node: string; /** Reveal only if the model's text view is already visible (a click, not an explicit request). */ onlyIfOpen?: boolean }
  | { type: 'openAsText' }
  | { type: 'bindDims'; names: string[] }
  | { type: 'export'; format: ExportFormat }
  | { type: 'image'; requestId: number; format: 'svg' | 'png'; /** SVG text, or a PNG as base64. */ data: string; /** Why there is no image. */ error?: string }
  | { type: 'log'; level: 'info' | 'error'; message: string };

export type ExportFormat = 'svg' | 'png' | 'csv' | 'json' | 'model-explorer' | 'netron';

/** One side of the compare view. */
export interface CompareSide {
  fileName: string;
  path: string;
  /** The view model as JSON text (parsed by the webview), or null when the model could not be loaded. */
  view: string | null;
  profile: ProfileResult | null;
  /** Why the model could not be loaded. */
  error: string | null;
}

export type CompareToWebview = { type: 'compare'; left: CompareSide; right: CompareSide };
