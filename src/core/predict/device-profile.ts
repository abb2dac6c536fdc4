// The device profile: what LayerLens knows of a target device to predict latency on it. A JSON file
// with a schema name and version; `layerlens calibrate` writes one from kernels timed on the device,
// `--from-traces` from ONNX Runtime profiles recorded there, and the catalog (catalog.ts) holds
// estimates made from published figures. parseDeviceProfile checks a file before anything uses it
// and says what is wrong (DeviceProfileError), so a hand-edited or truncated file is never read as
// zeros. Format documented in docs/prediction.md.
import { LayerLensError } from '../errors';
import { KERNEL_CLASSES, type KernelClass } from './types';

export const DEVICE_PROFILE_SCHEMA = 'layerlens.device-profile';
/** Bumped when the meaning of a field changes; older files are refused with a request to calibrate again. */
export const DEVICE_PROFILE_VERSION = 1;

/** A device profile that cannot be used: not JSON, another schema or version, a field missing or out of range. */
export class DeviceProfileError extends LayerLensError {
  readonly exitCode = 2;
}

/** The roofline units the predictors are expressed in. */
export interface Roofline {
  peakGflops: number;
  bandwidthGBs: number;
  /** Time of a kernel that does almost nothing, µs. */
  kernelOverheadUs: number;
}

/** t = fixedUs + perComputeUs · (FLOPs / peak) + perMemoryUs · (bytes / bandwidth), all in µs. */
export interface Coefficients {
  fixedUs: number;
  perComputeUs: number;
  perMemoryUs: number;
}

/** A predictor's own error on samples it was not fitted on (relative errors). */
export interface ValidationError {
  n: number;
  /** Mean absolute percentage error (0.1 = 10 %). */
  mape: number;
  /** Share of held-out samples within ±10 % / ±20 %. */
  within10: number;
  within20: number;
  medianAbs: number;
  p90Abs: number;
}

export interface ClassPredictor {
  form: 'roofline-linear';
  /** 'sum' of the terms (fitted), or 'max' of compute and memory terms (a roofline estimate). */
  combine: 'sum' | 'max';
  /** Regimes by roofline time max(FLOPs/peak, bytes/bandwidth) in µs, ascending; the last has no bound. */
  regimes: { upToRooflineUs: number | null; coef: Coefficients }[];
  /** Samples it was fitted on. */
  samples: number;
  /** Held-out error; null for an estimate or too few samples. */
  validation: ValidationError | null;
  /** FLOPs and bytes of the samples: outside, the predictor extrapolates. */
  range: { flops: [number, number]; bytes: [number, number] };
}

export interface FusionObservation {
  /** Rule id of src/core/predict (fusion-rules.ts, nchwc.ts, fp16.ts). */
  rule: string;
  /** Pattern instances ORT fused as the rule says / kept apart. */
  applied: number;
  notApplied: number;
}

export interface DeviceProfile {
  schema: typeof DEVICE_PROFILE_SCHEMA;
  version: number;
  /** calibrated: kernels timed on the device; estimate: published peak and bandwidth only. */
  kind: 'calibrated' | 'estimate';
  id: string;
  name: string;
  device: { cpu: string; cores: number; arch: string; os?: string };
  runtime: {
    name: 'onnxruntime';
    version: string;
    executionProvider: 'CPUExecutionProvider';
    /** intraOpNumThreads (null = ORT's default). */
    threads: number | null;
    /** NCHWc block of ORT's layout pass on the device (1 = none). */
    nchwcBlock: number;
    /** Ops with native float16 kernels (others run in float between Casts); absent = the default list. */
    fp16Ops?: string[];
  };
  roofline: Roofline & { source: string };
  /**
   * Time a run costs beyond its kernels' profiled durations: fixed per run, and per kernel executed
   * (negative when the profiler makes tiny kernels look slower than they run unprofiled).
   */
  overhead: { perRunUs: number; perKernelUs: number };
  predictors: Partial<Record<KernelClass, ClassPredictor>>;
  /** Pooled over every sample: used for a class without its own predictor (reported as not covered). */
  generic: ClassPredictor;
  fusions: FusionObservation[];
  /** Held-out error over all classes together (null for an estimate). */
  validation: ValidationError | null;
  samples: { total: number; sources: string[]; budgetSeconds?: number; elapsedSeconds?: number; unmatched?: number };
  createdAt: string;
  /** How the figures were obtained, in a sentence. */
  method: string;
  /** For estimates: each figure's derivation and the assumptions made. */
  estimate?: { derivation: Record<string, string>; assumptions: string[]; sources: string[] };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkPredictor(p: unknown, where: string): ClassPredictor {
  const o = p as ClassPredictor;
  if (!o || typeof o !== 'object' || o.form !== 'roofline-linear' || (o.combine !== 'sum' && o.combine !== 'max') || !Array.isArray(o.regimes) || o.regimes.length === 0) {
    throw new DeviceProfileError(`${where}: not a predictor (expected form 'roofline-linear', combine 'sum' or 'max', and at least one regime)`);
  }
  o.regimes.forEach((r, i) => {
    const c = r?.coef;
    if (!c || ![c.fixedUs, c.perComputeUs, c.perMemoryUs].every((x) => isNum(x) && x >= 0)) throw new DeviceProfileError(`${where}.regimes[${i}].coef: fixedUs, perComputeUs and perMemoryUs must be numbers >= 0`);
    if (r.upToRooflineUs !== null && !(isNum(r.upToRooflineUs) && r.upToRooflineUs > 0)) throw new DeviceProfileError(`${where}.regimes[${i}].upToRooflineUs must be a number > 0 or null`);
  });
  if (o.regimes[o.regimes.length - 1]!.upToRooflineUs !== null) throw new DeviceProfileError(`${where}: the last regime must have upToRooflineUs null (no upper bound)`);
  return o;
}

/** Parses and checks a device profile's text; `source` names it in messages. */
export function parseDeviceProfile(text: string, source = 'device profile'): DeviceProfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DeviceProfileError(`${source} is not JSON (${(e as Error).message}): expected a LayerLens device profile (layerlens calibrate writes one)`);
  }
  const p = data as DeviceProfile;
  if (!p || typeof p !== 'object' || p.schema !== DEVICE_PROFILE_SCHEMA) {
    throw new DeviceProfileError(`${source} is not a LayerLens device profile (its "schema" is not "${DEVICE_PROFILE_SCHEMA}")`);
  }
  if (p.version !== DEVICE_PROFILE_VERSION) {
    throw new DeviceProfileError(`${source} has device-profile version ${String(p.version)}; this LayerLens reads version ${DEVICE_PROFILE_VERSION}: calibrate the device again (layerlens calibrate)`);
  }
  if (p.kind !== 'calibrated' && p.kind !== 'estimate') throw new DeviceProfileError(`${source}: "kind" must be "calibrated" or "estimate"`);
  const r = p.roofline;
  if (!r || !(isNum(r.peakGflops) && r.peakGflops > 0) || !(isNum(r.bandwidthGBs) && r.bandwidthGBs > 0) || !(isNum(r.kernelOverheadUs) && r.kernelOverheadUs >= 0)) {
    throw new DeviceProfileError(`${source}: "roofline" needs peakGflops > 0, bandwidthGBs > 0 and kernelOverheadUs >= 0`);
  }
  if (!p.overhead || !isNum(p.overhead.perRunUs) || !isNum(p.overhead.perKernelUs) || p.overhead.perRunUs < 0) {
    throw new DeviceProfileError(`${source}: "overhead" needs perRunUs >= 0 and a number perKernelUs`);
  }
  if (!p.runtime || !(Number.isInteger(p.runtime.nchwcBlock) && p.runtime.nchwcBlock >= 1)) throw new DeviceProfileError(`${source}: "runtime.nchwcBlock" must be a whole number >= 1`);
  if (!p.predictors || typeof p.predictors !== 'object') throw new DeviceProfileError(`${source}: "predictors" is missing`);
  for (const [cls, pred] of Object.entries(p.predictors)) {
    if (!(KERNEL_CLASSES as readonly string[]).includes(cls)) throw new DeviceProfileError(`${source}: unknown kernel class "${cls}" in "predictors" (known: ${KERNEL_CLASSES.join(', ')})`);
    checkPredictor(pred, `${source}: predictors.${cls}`);
  }
  checkPredictor(p.generic, `${source}: generic`);
  if (!Array.isArray(p.fusions)) throw new DeviceProfileError(`${source}: "fusions" must be a list`);
  if (typeof p.name !== 'string' || typeof p.id !== 'string') throw new DeviceProfileError(`${source}: "id" and "name" must be text`);
  return p;
}

/** Fusion rules the device's ORT did not apply on its samples (never applied, seen at least once). */
export function disabledRules(p: DeviceProfile): Set<string> {
  return new Set(p.fusions.filter((f) => f.applied === 0 && f.notApplied > 0).map((f) => f.rule));
}
