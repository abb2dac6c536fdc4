// Predicted latency of a model on a target device, without running it: the kernel plan (plan.ts)
// costed kernel by kernel with the device profile's predictor of each kernel's class, plus the
// time a run costs beyond its kernels:
//   latency = overhead.perRunUs + Σ over kernels of runs × (predicted µs + overhead.perKernelUs)
// A kernel's time is split among the original nodes it computes in proportion to their FLOPs
// (equally when FLOPs are zero), as measured attribution splits a fused kernel's time; a layout
// kernel's time goes to the nodes of the kernel it serves. Kernels whose class has no calibrated
// predictor are predicted by the profile's pooled (generic) model and listed as not covered, with
// their share; kernels whose sizes are unknown (unbound symbolic dims) cannot be predicted and are
// listed with an unknown share: never a silent 0.
import type { Node } from '../ir/graph';
import { evaluate } from './fit';
import type { DeviceProfile, ValidationError } from './device-profile';
import type { KernelPlan, PlannedKernel } from './types';

export type PredictionMethod = 'calibrated' | 'generic' | 'estimate' | 'unknown';

export interface KernelPrediction {
  kernel: PlannedKernel;
  /** Predicted µs per run of the kernel (its own time, without the per-kernel overhead); null when unknown. */
  us: number | null;
  method: PredictionMethod;
  /** Its features lie outside the range the predictor was fitted on. */
  extrapolated: boolean;
}

export interface NodePrediction {
  /** µs charged to the node per model run (runs × its share of its kernel(s)). */
  us: number;
  /** The kernel the node is predicted to run in (ORT's name where predictable). */
  kernel: string;
  method: PredictionMethod;
}

export interface Uncovered {
  node: Node;
  kernel: string;
  reason: string;
  /** Share of the predicted latency it probably represents (by the generic model); null when unknown. */
  share: number | null;
}

export interface Prediction {
  profile: { id: string; name: string; kind: DeviceProfile['kind']; validation: ValidationError | null; method: string };
  latency: {
    predictedMs: number;
    /** How the figure was obtained, in words (calibrated predictors, or a roofline estimate). */
    method: string;
    kernelsMs: number;
    overheadMs: number;
    /** Share of kernel time predicted by a calibrated predictor of the kernel's own class. */
    coveredShare: number;
    /** Kernels whose time is unknown: the latency is a lower bound. */
    incomplete: boolean;
  };
  kernels: KernelPrediction[];
  nodes: Map<Node, NodePrediction>;
  uncovered: Uncovered[];
}

function predictKernel(k: PlannedKernel, p: DeviceProfile): KernelPrediction {
  if (!k.features) return { kernel: k, us: null, method: 'unknown', extrapolated: false };
  const own = p.predictors[k.cls];
  const pred = own ?? p.generic;
  const us = Math.max(0, evaluate(pred, k.features.flops, k.features.bytes, p.roofline));
  const r = pred.range;
  const extrapolated = !!own && (k.features.flops > r.flops[1] * 1.5 || k.features.bytes > r.bytes[1] * 1.5);
  const method: PredictionMethod = p.kind === 'estimate' ? 'estimate' : own ? 'calibrated' : 'generic';
  return { kernel: k, us, method, extrapolated };
}

/** FLOPs-proportional weights of a kernel's nodes. */
function weights(nodes: Node[], flopsOf: (n: Node) => number | null): number[] {
  const f = nodes.map((n) => flopsOf(n) ?? 0);
  const sum = f.reduce((a, x) => a + x, 0);
  return sum > 0 ? f.map((x) => x / sum) : nodes.map(() => 1 / nodes.length);
}

export function predictLatency(plan: KernelPlan, profile: DeviceProfile, flopsOf: (n: Node) => number | null): Prediction {
  const kernels = plan.kernels.map((k) => predictKernel(k, profile));
  const nodes = new Map<Node, NodePrediction>();
  let kernelsUs = 0;
  let coveredUs = 0;
  let counted = 0;
  let incomplete = false;
  const byKernel = new Map<PlannedKernel, KernelPrediction>(kernels.map((k) => [k.kernel, k]));
  for (const kp of kernels) {
    const k = kp.kernel;
    if (k.runs <= 0) continue;
    if (kp.us === null) {
      incomplete = true;
      continue;
    }
    const us = kp.us * k.runs;
    kernelsUs += us;
    counted += k.runs;
    if (kp.method === 'calibrated' || kp.method === 'estimate') coveredUs += us;
    const owner = k.role === 'compute' ? k : k.chargedTo;
    if (!owner) continue;
    const w = weights(owner.nodes, flopsOf);
    owner.nodes.forEach((n, i) => {
      const prev = nodes.get(n);
      const method = byKernel.get(owner)?.method ?? kp.method;
      nodes.set(n, { us: (prev?.us ?? 0) + us * w[i]!, kernel: owner.name, method });
    });
  }
  const overheadUs = profile.overhead.perRunUs + counted * profile.overhead.perKernelUs;
  const totalUs = kernelsUs + overheadUs;
  const uncovered: Uncovered[] = [];
  for (const kp of kernels) {
    const k = kp.kernel;
    if (k.runs <= 0 || k.role !== 'compute' || kp.method === 'calibrated' || kp.method === 'estimate') continue;
    const w = weights(k.nodes, flopsOf);
    k.nodes.forEach((n, i) => {
      uncovered.push({
        node: n,
        kernel: k.name,
        reason: kp.us === null
          ? 'its tensor sizes are unknown (bind the symbolic dims with --input/--dim)'
          : `no calibrated predictor for '${k.cls}' kernels on this device: estimated with the device's pooled model`,
        share: kp.us === null ? null : (kp.us * k.runs * w[i]!) / Math.max(totalUs, 1e-9),
      });
    });
  }
  const v = profile.validation;
  const method = profile.kind === 'estimate'
    ? `roofline estimate for ${profile.name} from published peak and bandwidth (${profile.method}); not a measurement`
    : `kernel-by-kernel prediction with ${profile.name}'s calibrated predictors${v ? ` (held-out error ${(100 * v.mape).toFixed(1)} % MAPE per kernel, ${(100 * v.within10).toFixed(0)} % within ±10 %)` : ''}`;
  return {
    profile: { id: profile.id, name: profile.name, kind: profile.kind, validation: v, method: profile.method },
    latency: {
      predictedMs: totalUs / 1000,
      method,
      kernelsMs: kernelsUs / 1000,
      overheadMs: overheadUs / 1000,
      coveredShare: kernelsUs > 0 ? coveredUs / kernelsUs : 1,
      incomplete,
    },
    kernels,
    nodes,
    uncovered,
  };
}
