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
