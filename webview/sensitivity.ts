// Per-layer quantization sensitivity (the editor's "Measure Quantization Sensitivity…", docs/optimizations.md):
// 1 − cosine of the model's outputs with only that layer quantized, against the float model, in ONNX
// Runtime. The graph view shows it as the heat metric 'sensitivity' (larger = the layer hurts more),
// a layer-table column and a hover line. Layers the method does not apply to, or that were not
// measured, are unknown (never 0). One store, set by the `sensitivity` message.
import type { SensitivityLayer, SensitivityResult } from '../src/protocol/compress';

let current: SensitivityResult | null = null;
let byName = new Map<string, SensitivityLayer>();

export function setSensitivity(r: SensitivityResult | null): void {
  current = r;
  byName = new Map((r?.layers ?? []).map((l) => [l.name, l]));
}

/** 1 − cosine for the layer quantized alone; null when not measured or the method does not apply. */
export function sensitivityOf(name: string): number | null {
  const l = byName.get(name);
  return l?.ok && l.cosine !== null ? Math.max(0, 1 - l.cosine) : null;
}

/** 1 − cosine as text: small values in scientific notation ("2.31e-5"), 0 as "0". */
export function sensitivityText(v: number | null): string {
  if (v === null) return '—';
  return v === 0 ? '0' : v.toExponential(2);
}

/** The hover card's line: the figure, the method, the max error; or why the layer was not measured. */
export function sensitivityLine(name: string): [string, string] | null {
  const l = byName.get(name);
  if (!l || !current) return null;
  if (!l.ok) return ['sensitivity', `not measured (${current.kind}): ${l.reason ?? 'the method does not apply'}`];
  const err = l.maxAbsError === null ? '' : ` · max |error| ${l.maxAbsError.toExponential(2)}`;
  return ['sensitivity', `1 − cos ${sensitivityText(sensitivityOf(name))} with this layer alone in ${current.kind}${err}`];
}
