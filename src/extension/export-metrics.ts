// Metric exports of a model, by format: made by the language server's model worker from the analysis
// it holds for the graph view (ExportMetricsRequest), with the measured profile when there is one.
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExportMetricsRequest, type ExportMetricsParams, type ProfileResult } from '../protocol/requests';
import type { ExportFormat } from '../protocol/webview';

export async function exportMetrics(client: LanguageClient, uri: string, dims: Record<string, number>, format: Exclude<ExportFormat, 'svg' | 'png'>, profile: ProfileResult | null): Promise<string> {
  const params: ExportMetricsParams = {
    uri,
    dims,
    format,
    ...(profile ? { latency: profile.nodes.map((n) => ({ name: n.name, medianUs: n.medianUs, share: n.share })), profile: { mode: profile.mode, medianMs: profile.medianMs, coverage: profile.coverage } } : {}),
    ...(format === 'model-explorer' && profile ? { metric: 'latency' } : {}),
  };
  const r = await client.sendRequest(ExportMetricsRequest.type, params);
  return r.text;
}
