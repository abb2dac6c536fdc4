// Where latency budgets get their figures: "measured here" — the model runs in onnxruntime-node on
// this machine, in the profiling worker process, exactly as `layerlens profile` runs it; the total is
// the median latency and each node gets the time attributed to it — or "predicted on a device" (`--device
// FILE|ID`): the device profile's predictors (a `layerlens calibrate` file, or a catalog estimate)
// cost the kernels ORT will run, without running the model (docs/prediction.md).
import type { LatencyMeasurement, LatencySettings, LatencySource } from '../../core/budget/types';
import { nodeKey } from '../../core/budget/figures';
import { UsageError } from '../../core/errors';
import type { Bindings } from '../../core/shape/types';
import { predictModel } from '../../core/predict';
import { loadDeviceProfile } from '../device-profiles';
import { loadModelFile } from '../model-file';
import { profileModel } from '../ort/profile';

export const measuredLatency: LatencySource = {
  name: 'measured here (onnxruntime-node)',
  async measure(modelPath: string, bindings: Bindings, s: LatencySettings): Promise<LatencyMeasurement> {
    const mode = s.mode ?? 'deployed';
    const runs = s.runs ?? 20;
    const r = await profileModel(modelPath, {
      bindings,
      mode,
      runs,
      warmup: s.warmup ?? 3,
      ...(s.threads ? { threads: s.threads } : {}),
      machine: false,
    });
    if (!r.latency) throw new UsageError(`${modelPath}: ONNX Runtime gave no timed runs, so its latency budget cannot be checked`);
    const nodes = new Map<string, number>();
    for (const [node, p] of r.nodes) nodes.set(nodeKey({ graph: node.graph.path, name: node.displayName }), p.medianUs / 1000);
    return {
      source: `measured here: onnxruntime-node, ${mode} mode, median of ${r.latency.runs} runs${s.threads ? `, ${s.threads} thread(s)` : ''}`,
      totalMs: r.latency.medianMs,
      nodes,
    };
  },
};

/**
 * `--device FILE|ID`: latency predicted on the device profile's target. A kernel the profile cannot
 * predict makes the total a lower bound, said in the source; its nodes are left out (unknown, not 0).
 */
export function deviceLatency(spec: string): LatencySource {
  const profile = loadDeviceProfile(spec);
  const label = `${profile.kind === 'estimate' ? 'estimated' : 'predicted'} on ${profile.name} (${spec})`;
  return {
    name: label,
    async measure(modelPath: string, bindings: Bindings): Promise<LatencyMeasurement> {
      const { model } = loadModelFile(modelPath);
      const { prediction: p } = predictModel(model, profile, bindings);
      const nodes = new Map<string, number>();
      for (const [node, v] of p.nodes) nodes.set(nodeKey({ graph: node.graph.path, name: node.displayName }), v.us / 1000);
      const err = p.profile.validation ? `; the profile's own error ${(100 * p.profile.validation.mape).toFixed(0)} %` : '';
      return {
        source: `${label}: ${p.latency.method}${p.latency.incomplete ? '; some kernels are not predicted, the total is a lower bound' : ''}${err}`,
        totalMs: p.latency.predictedMs,
        nodes,
      };
    },
  };
}
