// From timed kernels to a device profile's learned parts, the same way for calibration samples and
// for traces recorded on a device (`calibrate --from-traces`):
//   samples   each planned kernel that matched a real one (match.ts) gives (class, features, median µs);
//   fusions   each rule the plan applied counts as applied when ORT ran the same kernel, and as not
//             applied when ORT kept the nodes apart (a rule never applied is then switched off for
//             that device: device-profile.ts disabledRules);
//   predictors  one per class with enough samples (fit.ts), a pooled one for the rest, and the
//             held-out error of all classes together.
import type { ClassPredictor, FusionObservation, Roofline, ValidationError } from './device-profile';
import { errors, fitClass, heldOut, type Sample } from './fit';
import type { Matching } from './match';
import type { KernelClass } from './types';

export interface ClassSample extends Sample {
  cls: KernelClass;
}

/** Fewer samples than this: the class has no predictor of its own. */
export const MIN_CLASS_SAMPLES = 6;

/** Samples from a matching; `medianUs` gives a real kernel's median µs per run (null when it has no time). */
export function samplesFrom(m: Matching, medianUs: (kernel: string) => number | null, idPrefix: string): ClassSample[] {
  const out: ClassSample[] = [];
  for (const { planned, kernel } of m.matched) {
    const us = medianUs(kernel);
    if (!planned.features || us === null || !(us > 0) || planned.runs !== 1) continue;
    out.push({ id: `${idPrefix}/${kernel}`, cls: planned.cls, flops: planned.features.flops, bytes: planned.features.bytes, us });
  }
  return out;
}

/** Adds a matching's fusion evidence to `into` (rule id -> counts). */
export function observeFusions(m: Matching, into: Map<string, FusionObservation>): void {
  const bump = (rule: string, applied: boolean): void => {
    const o = into.get(rule) ?? { rule, applied: 0, notApplied: 0 };
    if (applied) o.applied++;
    else o.notApplied++;
    into.set(rule, o);
  };
  for (const { planned } of m.matched) for (const r of planned.rules) bump(r, true);
  for (const p of m.plannedOnly) if (p.role === 'compute' && p.nodes.length > 1) for (const r of p.rules) bump(r, false);
  for (const w of m.wrongOp) for (const r of w.planned.rules) bump(r, false);
}

export interface LearnedPredictors {
  predictors: Partial<Record<KernelClass, ClassPredictor>>;
  generic: ClassPredictor;
  validation: ValidationError | null;
}

export function learnPredictors(samples: ClassSample[], roofline: Roofline): LearnedPredictors {
  const byClass = new Map<KernelClass, ClassSample[]>();
  for (const s of samples) byClass.set(s.cls, [...(byClass.get(s.cls) ?? []), s]);
  const predictors: LearnedPredictors['predictors'] = {};
  for (const [cls, list] of byClass) if (list.length >= MIN_CLASS_SAMPLES) predictors[cls] = fitClass(list, roofline);
  const generic = fitClass(samples, roofline);
  // Overall held-out error: each held-out sample predicted by its class's predictor fitted without it.
  const held = samples.filter((s) => heldOut(s.id));
  let validation: ValidationError | null = null;
  if (held.length >= 4) {
    const trialByClass = new Map<KernelClass, ClassPredictor>();
    for (const [cls, list] of byClass) {
      const train = list.filter((s) => !heldOut(s.id));
      if (list.length >= MIN_CLASS_SAMPLES && train.length >= 4) trialByClass.set(cls, fitClass(train, roofline));
    }
    const genericTrial = fitClass(samples.filter((s) => !heldOut(s.id)), roofline);
    const parts = [...byClass.keys()].map((cls) => ({ pred: trialByClass.get(cls) ?? genericTrial, list: held.filter((s) => s.cls === cls) })).filter((p) => p.list.length);
    const all = parts.map((p) => ({ n: p.list.length, e: errors(p.pred, p.list, roofline) }));
    const n = all.reduce((a, x) => a + x.n, 0);
    const mean = (f: (e: ValidationError) => number): number => all.reduce((a, x) => a + f(x.e) * x.n, 0) / Math.max(1, n);
    validation = { n, mape: mean((e) => e.mape), within10: mean((e) => e.within10), within20: mean((e) => e.within20), medianAbs: mean((e) => e.medianAbs), p90Abs: mean((e) => e.p90Abs) };
  }
  return { predictors, generic, validation };
}
