// A compression method ready to run: int8-static is calibrated here on the samples (one calibration
// run per sample in ONNX Runtime, the widest range of each activation kept), the others are built
// from their options. Shared by the CLI (sensitivity, optimize with a budget) and the server's job.
import { analyzeModel } from '../../core/analysis/analyze';
import { compressMethod, type CompressKind, type CompressMethod, type MethodOptions } from '../../core/compress/methods';
import type { Model } from '../../core/ir/model';
import type { Range } from '../../core/passes/quantize/int8-static';
import type { Bindings } from '../../core/shape/types';
import { calibrate } from '../ort/calibrate';
import { inputSpecs } from '../ort/profile';
import { writeSampleFiles, type Samples } from './samples';

export async function buildMethod(kind: CompressKind, options: MethodOptions & { calibration?: 'minmax' | 'percentile' }, model: Model, samples: Samples, bindings: Bindings): Promise<CompressMethod> {
  if (kind !== 'int8-static' || options.ranges) return compressMethod(kind, options);
  const inputs = inputSpecs(analyzeModel(model, { bindings }).report);
  const ranges = new Map<string, Range>();
  for (const set of samples.sets) {
    const files = writeSampleFiles(set);
    try {
      const r = await calibrate(model, { method: options.calibration ?? 'minmax', samples: 1, inputs, inputFiles: files.files, bindings });
      for (const [name, x] of r) {
        const was = ranges.get(name);
        ranges.set(name, was ? { min: Math.min(was.min, x.min), max: Math.max(was.max, x.max) } : x);
      }
    } finally {
      files.cleanup();
    }
  }
  return compressMethod(kind, { ...options, ranges });
}
