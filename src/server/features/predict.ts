// Latency predicted on the target device (src/core/predict, docs/prediction.md) for the editor: the
// `layerlens/predict` result (per node, for the graph view's heat map, table, hover and slowest
// layers) and the code lens a hand-written design shows above its graph, recomputed with each
// debounced re-analysis. Runs where the model's analysis is: the main thread for documents parsed
// there, the model worker for `file:` models.
import type { CodeLens } from 'vscode-languageserver';
import type { Analysis } from '../../core/analysis/analyze';
import type { Model } from '../../core/ir/model';
import { predictModel, type DeviceProfile } from '../../core/predict';
import type { PredictResult } from '../../protocol/requests';
import type { DimBindings } from '../../protocol/rpc';
import type { DocumentState } from './document-state';

export function predictionResult(model: Model, analysis: Analysis, profile: DeviceProfile, dims: DimBindings): PredictResult {
  const { prediction: p } = predictModel(model, profile, Object.keys(dims).length ? { dims } : {}, analysis);
  const v = profile.validation;
  return {
    target: { id: profile.id, name: profile.name, kind: profile.kind },
    predictedMs: p.latency.predictedMs,
    method: p.latency.method,
    validation: v ? { mape: v.mape, within10: v.within10, n: v.n } : null,
    coveredShare: p.latency.coveredShare,
    incomplete: p.latency.incomplete,
    nodes: [...p.nodes].map(([n, x]) => ({ name: n.graph.path ? `${n.graph.path}/${n.displayName}` : n.displayName, opType: n.opType, us: x.us, kernel: x.kernel })),
    uncovered: p.uncovered.length,
  };
}

/** The lens line: "predicted on Raspberry Pi 5 (estimate): 1.234 ms". */
export function predictedLensTitle(r: PredictResult): string {
  const how = r.target.kind === 'estimate' ? 'estimate' : r.validation ? `calibrated, ±${(100 * r.validation.mape).toFixed(0)} % per kernel` : 'calibrated';
  return `predicted on ${r.target.name} (${how}): ${r.incomplete ? '≥ ' : ''}${r.predictedMs.toFixed(3)} ms${r.uncovered ? ` · ${r.uncovered} node(s) not covered` : ''}`;
}

/** The lens on the graph header of a document parsed here, or none when it does not analyse. */
export function predictedLens(state: DocumentState, profile: DeviceProfile, dims: DimBindings): CodeLens[] {
  if (!state.analysis || !state.parse.model) return [];
  const r = predictionResult(state.parse.model, state.analysis, profile, dims);
  const line = state.parse.map.definitions[0]?.range.start.line ?? 0;
  return [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, command: { title: predictedLensTitle(r), command: '' } }];
}
