// TFLite figures, not pass/fail: `node --import tsx bench/tflite.ts`. For each real .tflite model:
// LayerLens's read + analyse time (median of 7 in this process, the first run apart), and LiteRT's
// whole-model latency on this machine's CPU (LiteRT.js, WebAssembly + XNNPACK, one thread; median and
// spread of 30 runs after a warm-up) with the achieved GFLOP/s that LayerLens's FLOP count implies.
// LiteRT.js reports no per-operator times, so these are whole-model figures only (docs/tflite.md).
import { readFileSync } from 'node:fs';
import { analyzeModel } from '../src/core/analysis/analyze';
import { readTflite } from '../src/core/tflite';
import { runLiteRt } from '../test/support/litert';
import { realModelPath } from '../test/support/models';

const FILES = ['face-detection-short.tflite', 'face-detection-full.tflite', 'face-detection-full-sparse.tflite', 'selfie-segmentation.tflite'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  console.log(['model', 'nodes', 'MMACs', 'MFLOPs', 'analyse ms (median 7)', 'first ms', 'LiteRT ms median', 'p10..p90', 'GFLOP/s'].join('\t'));
  for (const file of FILES) {
    const bytes = new Uint8Array(readFileSync(realModelPath(file)));
    const times: number[] = [];
    let report = analyzeModel(readTflite(bytes)).report;
    for (let i = 0; i < 8; i++) {
      const t = performance.now();
      report = analyzeModel(readTflite(bytes)).report;
      times.push(performance.now() - t);
    }
    const run = await runLiteRt(bytes, 31);
    const sorted = [...run.timesMs].sort((a, b) => a - b);
    const med = median(run.timesMs);
    console.log([
      file, report.model.nodeCount, (report.totals.macs / 1e6).toFixed(2), (report.totals.flops / 1e6).toFixed(2),
      median(times.slice(1)).toFixed(1), times[0]!.toFixed(1), med.toFixed(1),
      `${sorted[3]!.toFixed(1)}..${sorted[27]!.toFixed(1)}`, (report.totals.flops / med / 1e6).toFixed(2),
    ].join('\t'));
  }
}

void main();
