// `npm run bench`, profiling part: for each real model, the latency `layerlens profile` reports
// (plain runs in its worker process) next to a plain ONNX Runtime loop in this process, measured in
// the same run; the profiler's overhead (profiled model_run vs plain median); attribution coverage
// in deployed mode.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { median } from '../src/core/profile/stats';
import { npyInt64Scalar } from '../test/support/npy';
import { profileModel, inputSpecs } from '../src/node/ort/profile';
import { analyzeModel } from '../src/core/analysis/analyze';
import { loadModelFile } from '../src/node/model-file';
import type { Bindings } from '../src/core/shape/types';

const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'll-bench-'));
// silero models choose their branch from `sr`: give 16 kHz
const sr = join(dir, 'sr.npy');
writeFileSync(sr, npyInt64Scalar(16000n));

const subjects = [
  { label: 'sample tiny-cnn', file: join(root, 'samples/tiny-cnn.onnx'), bindings: { dims: { batch: 1 } }, files: {} },
  { label: 'ppocr-cls', file: join(root, '.cache/models/ppocr-cls.onnx'), bindings: { inputs: { x: [1, 3, 48, 192] } }, files: {} },
  { label: 'ppocr-rec', file: join(root, '.cache/models/ppocr-rec.onnx'), bindings: { inputs: { x: [1, 3, 48, 320] } }, files: {} },
  { label: 'hello-deepa', file: join(root, '.cache/models/hello-deepa.onnx'), bindings: {}, files: {} },
  { label: 'silero-vad-v5', file: join(root, '.cache/models/silero-vad-v5.onnx'), bindings: { inputs: { input: [1, 576], state: [2, 1, 128] } }, files: { sr } },
];

function plainLoop(file: string, specs: object[], runs: number): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'plain-loop.ts'), file, JSON.stringify(specs), String(runs)], { encoding: 'utf8' });
  return Number(out.trim());
}

async function main(): Promise<void> {
  console.log('\nprofile (deployed mode): reported latency vs a plain ORT loop in its own process, alternated 3 times, 30 runs each; medians of the three');
  console.log(['model', 'reported ms', 'p10-p90 ms', 'plain loop ms', 'diff %', 'profiled run ms', 'profiler overhead %', 'coverage %'].join('\t'));
  for (const s of subjects) {
    const { model } = loadModelFile(s.file);
    const specs = inputSpecs(analyzeModel(model, { bindings: s.bindings as Bindings }).report);
    const plainSpecs = specs.map((sp) => (sp.name === 'sr' ? { ...sp, value: 16000 } : sp));
    const reported: number[] = [];
    const plain: number[] = [];
    let r: Awaited<ReturnType<typeof profileModel>> | undefined;
    for (let k = 0; k < 3; k++) {
      plain.push(plainLoop(s.file, plainSpecs, 30));
      r = await profileModel(s.file, { bindings: s.bindings as Bindings, inputFiles: s.files as Record<string, string>, mode: 'deployed', runs: 30, warmup: 3, machine: false });
      reported.push(r.latency!.medianMs);
    }
    const rep = median(reported);
    const pl = median(plain);
    const l = r!.latency!;
    console.log(
      [s.label, rep.toFixed(3), `${l.p10Ms.toFixed(3)}-${l.p90Ms.toFixed(3)}`, pl.toFixed(3), ((100 * (rep - pl)) / pl).toFixed(1),
        l.profiledMedianMs.toFixed(3), ((100 * (l.profiledMedianMs - l.medianMs)) / l.medianMs).toFixed(1), (100 * r!.attribution.coverage).toFixed(1)].join('\t'),
    );
  }
}

void main();
