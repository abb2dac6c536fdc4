// A model to be judged against budgets, read from disk: a binary .onnx (model-file.ts) or a text form
// .onnxtxt (parsed; its nodes then have line ranges, so results can point at the node), analysed with
// the entry's bindings into the figures of core/budget/figures.ts. The file size counts the model
// file and the external-data files its tensors name (each once): what is shipped to the device.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyzeModel } from '../../core/analysis/analyze';
import { modelFigures, nodeKey } from '../../core/budget/figures';
import type { TextRegion } from '../../core/budget/report';
import type { LatencyMeasurement, ModelFigures } from '../../core/budget/types';
import { ModelFormatError } from '../../core/errors';
import type { Model } from '../../core/ir/model';
import { parseModel } from '../../core/onnx/text/parser';
import type { Bindings } from '../../core/shape/types';
import { externalLocations } from '../files/model-tensors';
import { loadModelFile, readModelText } from '../model-file';

export interface BudgetModel {
  model: Model;
  fileBytes: number;
  /** For a .onnxtxt model: where each node is written, by `graph/name` key. */
  regions?: Record<string, TextRegion>;
}

export function isTextModel(path: string): boolean {
  return /\.onnxtxt$/i.test(path);
}

function readText(path: string): { model: Model; regions: Record<string, TextRegion> } {
  const r = parseModel(readModelText(path));
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.model || errors.length > 0) {
    const first = errors[0];
    const at = first ? `${path}:${first.range.start.line + 1}:${first.range.start.character + 1}: ${first.message}` : `${path}: not a model in the text form`;
    throw new ModelFormatError(at + (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''));
  }
  const regions: Record<string, TextRegion> = {};
  for (const { node, range } of r.map.nodes) {
    regions[nodeKey({ graph: node.graph.path, name: node.displayName })] = {
      startLine: range.start.line + 1,
      startColumn: range.start.character + 1,
      endLine: range.end.line + 1,
      endColumn: range.end.character + 1,
    };
  }
  return { model: r.model, regions };
}

/** Bytes of the model file plus each external-data file its tensors name. */
function shippedBytes(path: string, model: Model, own: number): number {
  return externalLocations(model).reduce((sum, loc) => sum + statSync(join(dirname(resolve(path)), loc)).size, own);
}

/** Reads the model at `path` (.onnx, .tflite or .onnxtxt); a bad file is its typed LayerLensError. */
export function readBudgetModel(path: string): BudgetModel {
  if (isTextModel(path)) {
    const { model, regions } = readText(path);
    return { model, fileBytes: statSync(path).size, regions };
  }
  const loaded = loadModelFile(path);
  return { model: loaded.model, fileBytes: shippedBytes(path, loaded.model, loaded.size) };
}

/** The figures of a read model under `bindings` (and with a latency measurement, when one was made). */
export function figuresOf(m: BudgetModel, bindings: Bindings, latency?: LatencyMeasurement): ModelFigures {
  return modelFigures(analyzeModel(m.model, { bindings }), m.fileBytes, latency);
}
