// The editor's "Measure Sensitivity…" in the jobs worker: the model file's candidate layers, each
// compressed alone and compared with the original in ONNX Runtime (src/node/compress/
// measure-sensitivity.ts, as `layerlens sensitivity` does), generated inputs, symbolic dims bound as
// the fixes bind them. The answer is the ranked list the graph view colours and tabulates.
import { fileURLToPath } from 'node:url';
import { analyzeModel } from '../../core/analysis/analyze';
import { sensitivityJson } from '../../core/compress/sensitivity';
import { tfliteUnsupported } from '../../core/tflite';
import { buildMethod } from '../../node/compress/build-method';
import { measureSensitivity } from '../../node/compress/measure-sensitivity';
import { loadSamples } from '../../node/compress/samples';
import { loadModelFile } from '../../node/model-file';
import { inputSpecs } from '../../node/ort/profile';
import type { SensitivityLayer, SensitivityParams, SensitivityResult } from '../../protocol/compress';

export async function runSensitivity(p: SensitivityParams, signal: AbortSignal, progress: (m: string) => void): Promise<SensitivityResult> {
  const path = fileURLToPath(p.uri);
  const loaded = loadModelFile(path);
  if (loaded.format === 'tflite') throw tfliteUnsupported('sensitivity');
  const model = loaded.model;
  const dims: Record<string, number> = {};
  for (const v of model.graph.inputs) if (v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') dims[d] = p.dims?.[d] ?? 1;
  const bindings = { dims };
  const samples = loadSamples(inputSpecs(analyzeModel(model, { bindings }).report), {});
  progress('preparing the candidates');
  const method = await buildMethod(p.kind, {}, model, samples, bindings);
  const report = await measureSensitivity({ model, path, samples, bindings, method, activations: false, signal, onProgress: progress });
  const json = sensitivityJson(report) as { layers: (SensitivityLayer & Record<string, unknown>)[]; samples: number; latencySource: 'measured' | 'estimated' };
  return {
    kind: p.kind,
    samples: json.samples,
    latencySource: json.latencySource,
    layers: json.layers.map((l) => ({ name: l.name, opType: l.opType, ok: l.ok, ...(l.reason ? { reason: l.reason } : {}), cosine: l.cosine, maxAbsError: l.maxAbsError, sizeBytes: l.sizeBytes, latencyShare: l.latencyShare })),
  };
}
