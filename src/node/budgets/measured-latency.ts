// The latency source "measured here": the model runs in onnxruntime-node on this machine, in the
// profiling worker process, exactly as `layerlens profile` runs it (profile-model.ts); the total is
// the median latency and each node gets the time attributed to it. The other source, a prediction on
// a device profile, comes with `layerlens calibrate` (issue #14) and plugs in as another LatencySource.
import type { LatencyMeasurement, LatencySettings, LatencySource } from '../../core/budget/types';
import { nodeKey } from '../../core/budget/figures';
import { UsageError } from '../../core/errors';
import type { Bindings } from '../../core/shape/types';
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

/** `--device PROFILE`: device profiles and predicted latency are issue #14, not built yet. */
export function deviceLatency(profile: string): LatencySource {
  throw new UsageError(`--device ${profile}: device profiles come with \`layerlens calibrate\` (not available yet); latency budgets are measured on this machine for now (drop --device)`);
}
