// The models the analyze and data-path benchmarks run on (real models of test/models.json, the
// sample, and the generated 20k-node model), with the bindings that make their shapes concrete.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeModel } from '../src/core/onnx/writer';
import { buildLargeModel } from './large-model';

export interface Subject {
  label: string;
  file: string;
  bindings: { inputs?: Record<string, number[]>; dims?: Record<string, number> };
}

export const ROOT = join(__dirname, '..');
export const CACHE = join(ROOT, '.cache');
/** Where the benchmarks write what they generate: .cache, or LAYERLENS_BENCH_DIR. */
export const BENCH_DIR = process.env.LAYERLENS_BENCH_DIR || CACHE;

/** The generated 20,010-node model, written to BENCH_DIR once per run. */
export function largeModelFile(): string {
  mkdirSync(BENCH_DIR, { recursive: true });
  const large = join(BENCH_DIR, 'bench-large-20k.onnx');
  writeFileSync(large, writeModel(buildLargeModel(20000)));
  return large;
}

export function subjects(large: string): Subject[] {
  const model = (f: string): string => join(CACHE, 'models', f);
  return [
    { label: 'sample tiny-cnn', file: join(ROOT, 'samples/tiny-cnn.onnx'), bindings: { dims: { batch: 1 } } },
    { label: 'ppocr-cls', file: model('ppocr-cls.onnx'), bindings: { inputs: { x: [1, 3, 48, 192] } } },
    { label: 'ppocr-rec', file: model('ppocr-rec.onnx'), bindings: { inputs: { x: [1, 3, 48, 320] } } },
    { label: 'hello-deepa', file: model('hello-deepa.onnx'), bindings: {} },
    { label: 'silero-vad-v5', file: model('silero-vad-v5.onnx'), bindings: {} },
    { label: 'silero-vad-legacy', file: model('silero-vad-legacy.onnx'), bindings: { dims: { batch: 1, sequence: 512 } } },
    { label: 'ppocr-det', file: model('ppocr-det.onnx'), bindings: { inputs: { x: [1, 3, 640, 640] } } },
    { label: 'blazeface-front', file: model('blazeface-front.onnx'), bindings: {} },
    { label: 'mlsd-tiny', file: model('mlsd-tiny.onnx'), bindings: {} },
    // Bench tier (`fetch-models --tier bench`): the same IS-Net segmenter, int8 (1,084 nodes) and fp16 (88 MB).
    { label: 'isnet-quint8', file: model('isnet-quint8.onnx'), bindings: {} },
    { label: 'isnet-fp16', file: model('isnet-fp16.onnx'), bindings: {} },
    { label: 'generated 20k nodes', file: large, bindings: { dims: { batch: 1, seq: 128 } } },
  ];
}

/** The CLI flags that give `bindings` (`--input x=1x3x48x192`, `--dim batch=1`). */
export function bindingFlags(b: Subject['bindings']): string[] {
  return [
    ...Object.entries(b.inputs ?? {}).flatMap(([k, v]) => ['--input', `${k}=${v.join('x')}`]),
    ...Object.entries(b.dims ?? {}).flatMap(([k, v]) => ['--dim', `${k}=${v}`]),
  ];
}
