// Metric exports of a loaded model, by format (the formats themselves live in src/core/export; the
// view model keeps the stored node names the Model Explorer and Netron formats key nodes by).
import { exportMetrics as toText } from '../core/export';
import type { ViewModel } from '../core/view/view-model';
import type { ProfileResult } from '../protocol/requests';
import type { ExportFormat } from '../protocol/webview';

export function exportMetrics(format: Exclude<ExportFormat, 'svg' | 'png'>, view: ViewModel, profile: ProfileResult | null): string {
  const latency = profile?.nodes.map((n) => ({ name: n.name, medianUs: n.medianUs, share: n.share }));
  return toText(view, format, { ...(latency ? { latency } : {}), ...(format === 'model-explorer' && profile ? { metric: 'latency' } : {}) }).text;
}
