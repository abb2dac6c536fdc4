// View models of real models for the webview tests, built the way the language server builds them
// (load, analyse with dim bindings, buildViewModel).
import { analyzeModel, type Analysis } from '../../src/core/analysis/analyze';
import type { Model } from '../../src/core/ir/model';
import { buildViewModel } from '../../src/server/features/view-model';
import type { ViewModel } from '../../src/protocol/view-model';
import { loadModelFile } from '../../src/node/model-file';

export function viewOfModel(model: Model, dims: Record<string, number> = {}): { view: ViewModel; analysis: Analysis } {
  const analysis = analyzeModel(model, { bindings: { dims } });
  return { view: buildViewModel(model, analysis), analysis };
}

export function viewOfFile(path: string, dims: Record<string, number> = {}): { view: ViewModel; analysis: Analysis; model: Model } {
  const model = loadModelFile(path).model;
  return { ...viewOfModel(model, dims), model };
}
