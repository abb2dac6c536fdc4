// Metric exports (docs/exports.md): pure functions from the graph view's model (and an optional
// measured profile) to text that other tools load — CSV, LayerLens JSON, Model Explorer node data,
// a Netron attachment. Nothing here touches files; the CLI and the extension write the text.
import type { ViewModel } from '../view/view-model';
import { toCsv } from './csv';
import { toMetricsJson, type JsonOptions } from './json';
import { toModelExplorer } from './model-explorer';
import type { SourceNames } from './names';
import { toNetronAttachment } from './netron';
import { safeJson, type LatencyEntry } from './rows';

export { CSV_COLUMNS, csvText, toCsv } from './csv';
export { METRICS_JSON_FORMAT, METRICS_JSON_VERSION, toMetricsJson, type MetricsJson, type MetricsJsonGraph, type MetricsJsonNode } from './json';
export { ME_GRADIENT, modelExplorerIds, toModelExplorer, type MeExport, type MeGraphNodeData, type MeNodeData, type MePlacement } from './model-explorer';
export { namesFromView, sourceNames, type SourceNames } from './names';
export { NETRON_SIGNATURE, toNetronAttachment, type NetronAttachment, type NetronExport, type NetronItem } from './netron';
export { FIGURES, figure, graphsOf, metricRows, safeJson, type Figure, type LatencyEntry, type MetricRow } from './rows';

export type ExportFormat = 'csv' | 'json' | 'model-explorer' | 'netron';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'model-explorer', 'netron'];

export interface ExportOptions {
  latency?: readonly LatencyEntry[];
  /** Stored node names (sourceNames(model)): Model Explorer and Netron key nodes by them. */
  names?: SourceNames;
  /** Model Explorer: the figure to carry (FIGURES ids); default 'macs'. */
  metric?: string;
  json?: JsonOptions;
}

export interface ExportResult {
  text: string;
  /** Nodes the format could not carry, and why (Model Explorer, Netron). */
  skipped: { graph: string; name: string; reason: string }[];
}

/** The export text of one format. */
export function exportMetrics(view: ViewModel, format: ExportFormat, opts: ExportOptions = {}): ExportResult {
  switch (format) {
    case 'csv':
      return { text: toCsv(view, opts.latency), skipped: [] };
    case 'json':
      return { text: safeJson(toMetricsJson(view, opts.latency, opts.json)) + '\n', skipped: [] };
    case 'model-explorer': {
      const r = toModelExplorer(view, opts.latency, { metric: opts.metric ?? 'macs', ...(opts.names ? { names: opts.names } : {}) });
      return { text: safeJson(r.data) + '\n', skipped: r.skipped };
    }
    case 'netron': {
      const r = toNetronAttachment(view, opts.latency, opts.names ? { names: opts.names } : {});
      return { text: safeJson(r.data) + '\n', skipped: r.skipped };
    }
  }
}
