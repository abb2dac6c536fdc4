// `npm run bench`, profiling part (docs/profiling.md explains every column):
//  1. the machine figures (measured now) beside independent measurements made in the same run: a
//     large memory copy (one thread per core) and large MatMuls through ORT timed by wall clock;
//  2. per model, the latency `profile` reports beside native ORT time in the same run — ORT's own
//     model_run durations (measured inside ORT's InferenceSession::Run, no JS involved) — and beside
//     what a Node app sees (`session.run` making new JS outputs), the attribution coverage, and the
//     largest achieved GFLOP/s over the measured peak (physics says at most about 1).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newModel } from '../src/core/ir/builder';
import { DataType } from '../src/core/ir/data-type';
import { writeModel } from '../src/core/onnx/writer';
import { machinePeaks } from '../src/node/ort/machine';
import { profileModel } from '../src/node/ort/profile';
import type { Bindings } from '../src/core/shape/types';
import { copyOracle, matmulOracle } from '../test/support/machine-oracles';
import { npyInt64Scalar } from '../test/support/npy';
import { resnetLike } from '../test/profile/resnet-like';

const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'll-bench-'));
process.env.LAYERLENS_CACHE_DIR = join(dir, 'cache');
// silero models choose their branch from `sr`: give 16 kHz
const sr = join(dir, 'sr.npy');
writeFileSync(sr, npyInt64Scalar(16000n));
const resnet = join(dir, 'resnet-like.onnx');
writeFileSync(resnet, resnetLike());

/** A transformer-style head: [1,128,64] × [64,5000] -> a [1,128,5000] output (2.5 MB handed to JS per run). */
function bigOutput(): string {
  const { model, b } = newModel('big-output');
  const x = b.input('x', DataType.FLOAT, [1, 128, 64]);
  const w = b.initializer('w', DataType.FLOAT, [64, 5000], Array.from({ length: 64 * 5000 }, (_, i) => ((i % 13) - 6) / 50));
  const [y] = b.node('MatMul', [x, w], {}, { name: 'logits', outputs: ['logits'] });
  b.output(y!, DataType.FLOAT, [1, 128, 5000]);
  const p = join(dir, 'big-output.onnx');
  writeFileSync(p, writeModel(model));
  return p;
}

const subjects: { label: string; file: string; bindings: Bindings; files?: Record<string, string> }[] = [
  { label: 'sample tiny-cnn', file: join(root, 'samples/tiny-cnn.onnx'), bindings: { dims: { batch: 1 } } },
  { label: 'resnet-like (made)', file: resnet, bindings: {} },
  { label: 'big-output head (made)', file: bigOutput(), bindings: {} },
  { label: 'ppocr-cls', file: join(root, '.cache/models/ppocr-cls.onnx'), bindings: { inputs: { x: [1, 3, 48, 192] } } },
  { label: 'ppocr-rec', file: join(root, '.cache/models/ppocr-rec.onnx'), bindings: { inputs: { x: [1, 3, 48, 320] } } },
  { label: 'hello-deepa', file: join(root, '.cache/models/hello-deepa.onnx'), bindings: {} },
  { label: 'silero-vad-v5', file: join(root, '.cache/models/silero-vad-v5.onnx'), bindings: { inputs: { input: [1, 576], state: [2, 1, 128] } }, files: { sr } },
];

async function main(): Promise<void> {
  console.log('\nmachine figures (ORT kernel timings, best of 20) beside independent measurements in this run (best of each)');
  const copy = copyOracle();
  const mm = matmulOracle();
  // Measured once and cached, so that every profile below is judged against these figures.
  const m = await machinePeaks(null, { refresh: true });
  const copy2 = Math.max(copy, copyOracle());
  const mm2 = Math.max(mm, matmulOracle());
  console.log(['figure', 'LayerLens', 'independent', 'ratio', 'spread (median / worst)'].join('\t'));
  console.log(['peak GFLOP/s', m.peakGflops.toFixed(1), `${mm2.toFixed(1)} (MatMul wall clock)`, (m.peakGflops / mm2).toFixed(2), `${Math.max(m.figures.matmulGflops.median, m.figures.convGflops.median).toFixed(1)} / ${Math.max(m.figures.matmulGflops.worst, m.figures.convGflops.worst).toFixed(1)}`].join('\t'));
  console.log(['bandwidth GB/s', m.bandwidthGBs.toFixed(1), `${copy2.toFixed(1)} (memcpy, read+write)`, (m.bandwidthGBs / copy2).toFixed(2), `${m.figures.streamGBs.median.toFixed(1)} / ${m.figures.streamGBs.worst.toFixed(1)}`].join('\t'));
  console.log(['fixed cost µs/kernel', m.kernelOverheadUs.toFixed(1), '-', '-', `best ${m.figures.kernelOverheadUs.best.toFixed(1)} / worst ${m.figures.kernelOverheadUs.worst.toFixed(1)}`].join('\t'));

  console.log('\nprofile (deployed mode, 30 runs): reported latency vs native ORT (its own model_run) in the same run; a Node app\'s session.run; attribution; largest achieved/peak');
  console.log(['model', 'reported ms', 'source', 'native model_run ms', 'reported/native', 'session.run (pre-alloc) ms', 'Node app session.run ms', 'kernels ms', 'coverage %', 'untimed nodes', 'max achieved/peak', 'flagged nodes'].join('\t'));
  for (const s of subjects) {
    const r = await profileModel(s.file, { bindings: s.bindings, ...(s.files ? { inputFiles: s.files } : {}), mode: 'deployed', runs: 30, warmup: 3 });
    const l = r.latency!;
    console.log(
      [s.label, l.medianMs.toFixed(3), l.source, l.profiledMedianMs.toFixed(3), (l.medianMs / l.profiledMedianMs).toFixed(2), l.wallMedianMs.toFixed(3), l.jsOutputMedianMs.toFixed(3), l.kernelSumMs.toFixed(3),
        (100 * r.attribution.coverage).toFixed(1), r.attribution.untimed.length, r.implausible.maxRatio?.toFixed(2) ?? '?', r.implausible.nodes].join('\t'),
    );
  }
}

void main();
