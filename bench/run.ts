// `npm run bench`: figures, not pass/fail. Each subject runs in its own process; times are medians
// of repeated in-process runs (the first run, with JIT warm-up, is shown apart).
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeModel } from '../src/core/onnx/writer';
import { buildLargeModel } from './large-model';

const root = join(__dirname, '..');
const cache = join(root, '.cache');
mkdirSync(cache, { recursive: true });
const large = join(cache, 'bench-large-20k.onnx');
writeFileSync(large, writeModel(buildLargeModel(20000)));

const subjects: { label: string; file: string; bindings: object }[] = [
  { label: 'sample tiny-cnn', file: join(root, 'samples/tiny-cnn.onnx'), bindings: { dims: { batch: 1 } } },
  { label: 'ppocr-cls', file: join(cache, 'models/ppocr-cls.onnx'), bindings: { inputs: { x: [1, 3, 48, 192] } } },
  { label: 'ppocr-rec', file: join(cache, 'models/ppocr-rec.onnx'), bindings: { inputs: { x: [1, 3, 48, 320] } } },
  { label: 'hello-deepa', file: join(cache, 'models/hello-deepa.onnx'), bindings: {} },
  { label: 'silero-vad-v5', file: join(cache, 'models/silero-vad-v5.onnx'), bindings: {} },
  { label: 'silero-vad-legacy', file: join(cache, 'models/silero-vad-legacy.onnx'), bindings: { dims: { batch: 1, sequence: 512 } } },
  { label: 'generated 20k nodes', file: large, bindings: { dims: { batch: 1, seq: 128 } } },
];

console.log('analyze (load + shapes + cost), medians of 7 runs in one process; peak RSS of that process');
console.log(['model', 'nodes', 'file MB', 'load ms', 'shapes ms', 'cost ms', 'total ms', 'first run ms', 'peak RSS MB'].join('\t'));
for (const s of subjects) {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'analyze-one.ts'), s.file, JSON.stringify(s.bindings), '7'], {
    encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  const mb = statSync(s.file).size / 1e6;
  const f = (x: number | undefined): string => (x ?? NaN).toFixed(1);
  console.log([s.label, r.nodes, mb.toFixed(2), f(r.loadMs), f(r.shapeMs), f(r.costMs), f(r.totalMs), f(r.firstRunMs), f(r.peakRssMB)].join('\t'));
}
