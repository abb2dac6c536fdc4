// Calibration for static quantization: the model runs in ONNX Runtime (worker process) on sample
// inputs with the activations to quantize exposed as extra outputs; each gets a range, by min-max or
// by percentile (the p-th and (100 − p)-th percentiles of the values seen, which ignores outliers).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '../../core/ir/model';
import { readModel } from '../../core/onnx/reader';
import { writeModel } from '../../core/onnx/writer';
import type { Range } from '../../core/passes/quantize/int8-static';
import type { InputSpec } from '../../core/profile/runtime';
import { inferShapes } from '../../core/shape';
import type { Bindings } from '../../core/shape/types';
import { talk } from './runtime';

export interface CalibrationOptions {
  method: 'minmax' | 'percentile';
  percentile?: number;
  samples: number;
  inputs: InputSpec[];
  inputFiles?: Record<string, string>;
  bindings?: Bindings;
}

/** Ranges of the data inputs of every Conv and MatMul with constant weights. */
export async function calibrate(model: Model, opts: CalibrationOptions): Promise<Map<string, Range>> {
  const copy = readModel(writeModel(model));
  const shapes = inferShapes(copy, opts.bindings ?? {});
  const names = new Set<string>();
  for (const n of copy.graph.nodes) {
    if ((n.opType === 'Conv' || n.opType === 'MatMul') && n.inputs[1]?.constant && n.inputs[0]) names.add(n.inputs[0].name);
  }
  for (const name of names) {
    const v = copy.graph.lookup(name)!;
    if (v.isGraphOutput()) continue;
    v.type = shapes.typeOf(v) ?? v.type;
    copy.graph.outputs.push(v);
  }
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-calib-'));
  try {
    const path = join(dir, 'calibration.onnx');
    writeFileSync(path, writeModel(copy));
    const m = await talk({ type: 'outputs', samples: opts.samples, req: { modelPath: path, inputs: opts.inputs, ...(opts.inputFiles ? { inputFiles: opts.inputFiles } : {}), mode: 'per-node', runs: 1, warmup: 0 } });
    if (m.type !== 'outputs') throw new Error('unexpected worker answer');
    const ranges = new Map<string, Range>();
    for (const name of names) {
      const all: number[] = [];
      for (const sample of m.samples) {
        const o = sample.find((x) => x.name === name);
        if (!o) continue;
        const b = Buffer.from(o.values, 'base64');
        const f = new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
        for (let i = 0; i < f.length; i++) all.push(f[i]!);
      }
      if (all.length === 0) continue;
      if (opts.method === 'minmax') {
        let lo = Infinity;
        let hi = -Infinity;
        for (const x of all) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
        ranges.set(name, { min: lo, max: hi });
      } else {
        const p = (opts.percentile ?? 99.99) / 100;
        all.sort((a, b) => a - b);
        ranges.set(name, { min: all[Math.floor((1 - p) * (all.length - 1))]!, max: all[Math.ceil(p * (all.length - 1))]! });
      }
    }
    return ranges;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
