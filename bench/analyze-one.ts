// One benchmark subject in its own process (so peak memory is its own): load (read + decode), infer
// shapes and cost a model `repeat` times; print medians and the process's peak RSS as one JSON line.
import { readFileSync } from 'node:fs';
import { analyzeModel } from '../src/core/analysis/analyze';

/** Peak resident memory of this process (VmHWM; getrusage's maxRSS carries the parent's peak over exec). */
function peakRssMB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}
import { loadModelFile } from '../src/node/model-file';

const [path, bindingsJson = '{}', repeatText = '7'] = process.argv.slice(2);
const bindings = JSON.parse(bindingsJson) as { inputs?: Record<string, number[]>; dims?: Record<string, number> };
const repeat = Number(repeatText);
const load: number[] = [];
const read: number[] = [];
const decode: number[] = [];
const shape: number[] = [];
const cost: number[] = [];
let nodes = 0;
let firstRssMB = 0;
for (let i = 0; i < repeat; i++) {
  const t0 = performance.now();
  const loaded = loadModelFile(path!);
  const t1 = performance.now();
  const { report } = analyzeModel(loaded.model, { bindings });
  load.push(t1 - t0);
  read.push(loaded.readMs);
  decode.push(loaded.decodeMs);
  shape.push(report.timings.shapeMs);
  cost.push(report.timings.costMs);
  nodes = report.model.nodeCount + report.model.nestedNodeCount;
  if (i === 0) firstRssMB = peakRssMB();
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(
  JSON.stringify({
    nodes,
    loadMs: median(load),
    readMs: median(read),
    decodeMs: median(decode),
    shapeMs: median(shape),
    costMs: median(cost),
    totalMs: median(load.map((l, i) => l + shape[i]! + cost[i]!)),
    firstRunMs: load[0]! + shape[0]! + cost[0]!,
    firstRunPeakRssMB: firstRssMB,
    peakRssMB: peakRssMB(),
  }) + '\n',
);
