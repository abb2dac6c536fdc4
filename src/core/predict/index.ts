// Latency prediction: public entry points. predictModel(model, profile) plans the kernels ONNX
// Runtime will run (plan.ts) and costs them with a device profile (predict.ts); docs/prediction.md.
import { analyzeModel, type Analysis } from '../analysis/analyze';
import type { Model } from '../ir/model';
import { inferShapes } from '../shape';
import type { Bindings } from '../shape/types';
import { disabledRules, type DeviceProfile } from './device-profile';
import { planKernels } from './plan';
import { predictLatency, type Prediction } from './predict';
import type { KernelPlan } from './types';

export { CATALOG, catalogDevice, catalogProfile } from './catalog';
export { DeviceProfileError, parseDeviceProfile, type DeviceProfile } from './device-profile';
export type { Prediction, NodePrediction, KernelPrediction, Uncovered } from './predict';

export interface ModelPrediction {
  analysis: Analysis;
  plan: KernelPlan;
  prediction: Prediction;
}

/** The plan options a device profile implies. */
export function planOptionsFor(profile: DeviceProfile): Parameters<typeof planKernels>[1] {
  return {
    nchwcBlock: profile.runtime.nchwcBlock,
    disabledRules: disabledRules(profile),
    ...(profile.runtime.fp16Ops ? { fp16Ops: new Set(profile.runtime.fp16Ops) } : {}),
  };
}

/** Predicts `model`'s latency on the profile's device; `analysis` reuses an analysis already made with the same bindings. */
export function predictModel(model: Model, profile: DeviceProfile, bindings: Bindings = {}, analysis?: Analysis): ModelPrediction {
  const a = analysis ?? analyzeModel(model, { bindings });
  const load = Object.keys(bindings.inputs ?? {}).length || Object.keys(bindings.dims ?? {}).length ? inferShapes(model, {}) : a.shapes;
  const plan = planKernels({ model, run: a.shapes, load, cost: a.cost }, planOptionsFor(profile));
  const flops = new Map(a.cost.nodes.map((c) => [c.node, c.flops]));
  return { analysis: a, plan, prediction: predictLatency(plan, profile, (n) => flops.get(n) ?? null) };
}
