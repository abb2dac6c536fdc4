// The predicted gain of a fix on the target device (src/core/predict): the latency of the model
// before and after the rewrite, predicted with the target's device profile, for the fix preview
// beside the latency measured on this machine. A prediction that fails (an op the planner cannot
// size) leaves the figures out; it never fails the fix.
import type { Model } from '../../core/ir/model';
import { predictModel } from '../../core/predict';
import { loadDeviceProfile } from '../../node/device-profiles';
import type { ApplyFixResult } from '../../protocol/fixes';

export interface PredictedGain {
  before?: number;
  after?: number;
  predictedOn?: NonNullable<ApplyFixResult['predictedOn']>;
}

/** Predicted latency (ms) of both models on `target` (a catalog id or a device-profile path); {} without a target. */
export function predictedGain(target: string | undefined, before: Model, after: Model, dims: Record<string, number>): PredictedGain {
  if (!target) return {};
  try {
    const profile = loadDeviceProfile(target);
    const bindings = Object.keys(dims).length ? { dims } : {};
    const b = predictModel(before, profile, bindings).prediction.latency.predictedMs;
    const a = predictModel(after, profile, bindings).prediction.latency.predictedMs;
    return { before: b, after: a, predictedOn: { id: profile.id, name: profile.name, kind: profile.kind } };
  } catch {
    return {};
  }
}
