// Measures per-layer sensitivity (core/compress/sensitivity.ts) in ONNX Runtime: one worker holds the
// original's outputs (and, with activations on, the float model's value at every candidate layer's
// output); each passing layer is compressed alone, with its own output exposed, and compared; then
// every passing layer at once, every layer output exposed (the activation matching of ONNX Runtime's
// QDQ debugging tools). Latency shares are measured ones when given, else estimated from the cost
// model (core/compress/latency-share.ts).
import { analyzeModel } from '../../core/analysis/analyze';
import { worstOf } from '../../core/compress/budget';
import { estimatedShares } from '../../core/compress/latency-share';
import type { CandidateLayer, CompressMethod } from '../../core/compress/methods';
import { rankLayers, type LayerSensitivity, type SensitivityReport } from '../../core/compress/sensitivity';
import type { OutputComparison } from '../ort/verify';
import { CompressBench, type BenchOptions } from './compress-bench';

export interface SensitivityOptions extends BenchOptions {
  method: CompressMethod;
  /** Measured latency share by node display name (layerlens sensitivity --profile). */
  measuredShares?: Map<string, number>;
  /** Only these layers (display names). */
  only?: readonly string[];
  /** Measure activation errors too (default true). */
  activations?: boolean;
  onProgress?: (message: string) => void;
  /** An open workbench to reuse (a budget search measures and then searches in one worker). */
  bench?: CompressBench;
}

/** The candidate layers with their checks, gains, sizes and latency shares (nothing run yet). */
export function candidateLayers(o: Pick<SensitivityOptions, 'model' | 'bindings' | 'method' | 'only' | 'measuredShares'>): { layers: CandidateLayer[]; shares: (name: string) => number | null } {
  const { cost } = analyzeModel(o.model, { bindings: o.bindings ?? {} });
  const only = o.only?.length ? new Set(o.only) : null;
  const layers = o.method.layers(o.model, cost, o.bindings).filter((l) => !only || only.has(l.name));
  const estimated = estimatedShares(cost.nodes);
  const byName = new Map([...estimated].map(([n, s]) => [n.displayName, s]));
  return { layers, shares: (name) => (o.measuredShares ? (o.measuredShares.get(name) ?? null) : (byName.get(name) ?? null)) };
}

const outputOf = (l: CandidateLayer): string | undefined => l.node.outputs[0]?.name;

export async function measureSensitivity(o: SensitivityOptions): Promise<SensitivityReport> {
  const { layers, shares } = candidateLayers(o);
  const passing = layers.filter((l) => l.ok);
  const bench = o.bench ?? (await CompressBench.open(o));
  try {
    const withActivations = o.activations !== false && passing.length > 0;
    const exposed = new Set(withActivations ? await bench.activations(passing.map(outputOf).filter((n): n is string => !!n)) : []);
    const activationOf = (l: CandidateLayer, acts: OutputComparison[]) => {
      const name = outputOf(l);
      const a = name && exposed.has(name) ? acts.find((x) => x.name === name) : undefined;
      return a ? worstOf([a]) : null;
    };
    const measured = new Map<CandidateLayer, { error: ReturnType<typeof worstOf>; activation: ReturnType<typeof worstOf> | null }>();
    let k = 0;
    for (const l of passing) {
      o.onProgress?.(`layer ${++k}/${passing.length}: ${l.name}`);
      const name = outputOf(l);
      const r = await bench.run(o.method, [l.name], 'isolated', name && exposed.has(name) ? [name] : []);
      measured.set(l, { error: worstOf(r.outputs), activation: activationOf(l, r.activations) });
    }
    let full: ReturnType<typeof worstOf> | null = null;
    const inFull = new Map<CandidateLayer, ReturnType<typeof worstOf> | null>();
    if (passing.length > 0) {
      o.onProgress?.(`all ${passing.length} layers together`);
      const r = await bench.run(o.method, passing.map((l) => l.name), 'combined', withActivations ? [...exposed] : []);
      full = worstOf(r.outputs);
      for (const l of passing) inFull.set(l, activationOf(l, r.activations));
    }
    const out: LayerSensitivity[] = layers.map((l) => {
      const m = measured.get(l);
      return {
        name: l.name,
        opType: l.opType,
        ok: l.ok,
        ...(l.reason ? { reason: l.reason } : {}),
        error: m?.error ?? null,
        activation: m?.activation ?? null,
        activationInFullModel: inFull.get(l) ?? null,
        sizeBytes: l.sizeBytes,
        latencyShare: shares(l.name),
        gain: l.gain,
        ...(l.note ? { note: l.note } : {}),
      };
    });
    return {
      kind: o.method.kind,
      ruleId: o.method.ruleId,
      samples: o.samples.sets.length,
      inputs: o.samples.from,
      latencySource: o.measuredShares ? 'measured' : 'estimated',
      layers: rankLayers(out),
      full,
    };
  } finally {
    if (!o.bench) bench.close();
  }
}
