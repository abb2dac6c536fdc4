// `npm run bench`: figures, not pass/fail. Each subject runs in its own process; times are medians
// of repeated in-process runs (the first run, with JIT warm-up, is shown apart).
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
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
  { label: 'ppocr-det', file: join(cache, 'models/ppocr-det.onnx'), bindings: { inputs: { x: [1, 3, 640, 640] } } },
  { label: 'blazeface-front', file: join(cache, 'models/blazeface-front.onnx'), bindings: {} },
  { label: 'mlsd-tiny', file: join(cache, 'models/mlsd-tiny.onnx'), bindings: {} },
  // Bench tier (`fetch-models --tier bench`): the same IS-Net segmenter, int8 (1,084 nodes) and fp16 (88 MB).
  { label: 'isnet-quint8', file: join(cache, 'models/isnet-quint8.onnx'), bindings: {} },
  { label: 'isnet-fp16', file: join(cache, 'models/isnet-fp16.onnx'), bindings: {} },
  { label: 'generated 20k nodes', file: large, bindings: { dims: { batch: 1, seq: 128 } } },
];

// Bundled like the CLI, run with plain node: memory figures without a TypeScript loader's overhead.
buildSync({ entryPoints: [join(__dirname, 'analyze-one.ts')], bundle: true, platform: 'node', target: 'node20', outfile: join(cache, 'bench-analyze-one.js'), logLevel: 'warning' });
const baseline = Number(/VmHWM:\s+(\d+)/.exec(execFileSync(process.execPath, ['-e', "process.stdout.write(require('fs').readFileSync('/proc/self/status','utf8'))"], { encoding: 'utf8' }))?.[1] ?? 0) / 1024;
console.log(`analyze (load + shapes + cost), medians of 7 runs in one process; peak RSS of that process (an empty node process: ${baseline.toFixed(0)} MB)`);
console.log(['model', 'nodes', 'file MB', 'load ms', 'shapes ms', 'cost ms', 'total ms', 'first run ms', 'peak RSS MB (1 run)', 'peak RSS MB (7 runs)'].join('\t'));
for (const s of subjects) {
  const out = execFileSync(process.execPath, [join(cache, 'bench-analyze-one.js'), s.file, JSON.stringify(s.bindings), '7'], {
    encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  const mb = statSync(s.file).size / 1e6;
  const f = (x: number | undefined): string => (x ?? NaN).toFixed(1);
  console.log([s.label, r.nodes, mb.toFixed(2), f(r.loadMs), f(r.shapeMs), f(r.costMs), f(r.totalMs), f(r.firstRunMs), f(r.firstRunPeakRssMB), f(r.peakRssMB)].join('\t'));
}

// The profiling figures run in their own process (ORT stays out of this one).
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'profile.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'optimize.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'compress.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'predict.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'lsp.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'graph-view.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'webview.ts')], { stdio: 'inherit' });
