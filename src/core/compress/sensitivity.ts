// Per-layer sensitivity to a compression method: for each candidate layer, the error of the model's
// outputs when only that layer is compressed (measured in ONNX Runtime by src/node/compress), the
// error at the layer's own output (its activation, against the float model's: what ONNX Runtime's
// QDQ debugging tools compare), the same activation error when every candidate is compressed, and the
// layer's size and latency share. Layers are ranked worst first (lowest cosine, then largest error);
// refused layers come last with their reasons.
import type { CompressKind } from './methods';
import { budgetUse, type Budget, type ErrorFigures } from './budget';

export interface LayerSensitivity {
  name: string;
  opType: string;
  /** False when the method's rule refuses the layer (then `reason` says why and no error is measured). */
  ok: boolean;
  reason?: string;
  /** Worst model output with only this layer compressed (null when refused). */
  error: ErrorFigures | null;
  /** The layer's own output vs the float model's, only this layer compressed (null when not measured). */
  activation: ErrorFigures | null;
  /** The layer's own output vs the float model's with every candidate compressed (null when not measured). */
  activationInFullModel: ErrorFigures | null;
  /** Bytes of the layer's constant weights. */
  sizeBytes: number;
  /** Share of the model's latency (measured or estimated: SensitivityReport.latencySource). */
  latencyShare: number | null;
  /** Expected gain when compressed, as shares of the model (file size, time). */
  gain: { size: number; time: number };
  /** The rule's note (e.g. the rank a factorization takes). */
  note?: string;
}

export interface SensitivityReport {
  kind: CompressKind;
  ruleId: string;
  /** Input samples the errors are measured on, and where they came from. */
  samples: number;
  inputs: 'generated' | 'files' | 'images';
  latencySource: 'measured' | 'estimated';
  /** Ranked worst first; refused layers last. */
  layers: LayerSensitivity[];
  /** Every passing layer compressed at once (null when none passes). */
  full: ErrorFigures | null;
}

/** Worst first: lowest cosine, then largest max abs error; refused layers last in model order. */
export function rankLayers(layers: readonly LayerSensitivity[]): LayerSensitivity[] {
  const ok = layers.filter((l) => l.ok && l.error);
  const rest = layers.filter((l) => !(l.ok && l.error));
  ok.sort((a, b) => a.error!.cosine - b.error!.cosine || b.error!.maxAbsError - a.error!.maxAbsError);
  return [...ok, ...rest];
}

/** A layer's budget use alone (∞ when not measured): what a budget search orders by. */
export function layerUse(l: LayerSensitivity, budget: Budget): number {
  return l.error ? budgetUse([l.error], budget) : Infinity;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const figures = (e: ErrorFigures | null): Record<string, number | null | string> | null =>
  e && { cosine: e.cosine, maxAbsError: finite(e.maxAbsError), maxRelError: finite(e.maxRelError), top1: e.top1, ...(e.problem ? { problem: e.problem } : {}) };

/** The report as plain JSON (`layerlens sensitivity --json`): infinite errors become null. */
export function sensitivityJson(r: SensitivityReport): object {
  return {
    kind: r.kind,
    ruleId: r.ruleId,
    samples: r.samples,
    inputs: r.inputs,
    latencySource: r.latencySource,
    full: figures(r.full),
    layers: r.layers.map((l) => ({
      name: l.name,
      opType: l.opType,
      ok: l.ok,
      ...(l.reason ? { reason: l.reason } : {}),
      cosine: l.error?.cosine ?? null,
      maxAbsError: l.error ? finite(l.error.maxAbsError) : null,
      maxRelError: l.error ? finite(l.error.maxRelError) : null,
      top1: l.error?.top1 ?? null,
      sizeBytes: l.sizeBytes,
      latencyShare: l.latencyShare,
      gain: l.gain,
      activation: figures(l.activation),
      activationInFullModel: figures(l.activationInFullModel),
      ...(l.note ? { note: l.note } : {}),
    })),
  };
}
