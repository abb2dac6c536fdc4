// Metric exports (docs/exports.md): pure functions from the analysis's figure tree (and an optional
// measured profile) to text that other tools load — CSV, LayerLens JSON, Model Explorer node data,
// a Netron attachment. Nothing here touches files; the CLI and the language server write or send the text.
import type { FigureTree } from '../analysis/figure-tree';
import { toCsv } from './csv';
import { toMetricsJson, type JsonOptions } from './json';
import { toModelExplorer } from './model-explorer';
import { toNetronAttachment } from './netron';
import { safeJson, type LatencyEntry } from './rows';

export { CSV_COLUMNS, csvRows, csvText, toCsv } from './csv';
export { METRICS_JSON_FORMAT, METRICS_JSON_VERSION, toMetricsJson, type MetricsJson, type MetricsJsonGraph, type MetricsJsonNode } from './json';
export { ME_GRADIENT, modelExplorerIds, toModelExplorer, type MeExport, type MeGraphNodeData, type MeNodeData, type MePlacement } from './model-explorer';
export { NETRON_SIGNATURE, toNetronAttachment, type NetronAttachment, type NetronExport, type NetronItem } from './netron';
export { FIGURES, figure, graphsOf, metricRows, safeJson, valueOf, type Figure, type LatencyEntry, type MetricRow } from './rows';
export { figureTree, type FigureTree } from '../analysis/figure-tree';

export type ExportFormat = 'csv' | 'json' | 'model-explorer' | 'netron';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'model-explorer', 'netron'];

export interface ExportOptions {
  latency?: readonly LatencyEntry[];
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
export function exportMetrics(tree: FigureTree, format: ExportFormat, opts: ExportOptions = {}): ExportResult {
  switch (format) {
    case 'csv':
      return { text: toCsv(tree, opts.latency), skipped: [] };
    case 'json':
      return { text: safeJson(toMetricsJson(tree, opts.latency, opts.json)) + '\n', skipped: [] };
    case 'model-explorer': {
      const r = toModelExplorer(tree, opts.latency, { metric: opts.metric ?? 'macs' });
      return { text: safeJson(r.data) + '\n', skipped: r.skipped };
    }
    case 'netron': {
      const r = toNetronAttachment(tree, opts.latency);
      return { text: safeJson(r.data) + '\n', skipped: r.skipped };
    }
  }
}
