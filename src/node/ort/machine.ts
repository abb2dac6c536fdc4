// This machine's peak compute and memory bandwidth, measured once through ONNX Runtime (a large
// MatMul and a large Add, built with our own writer) and cached in ~/.cache/layerlens.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { newModel } from '../../core/ir/builder';
import { DataType } from '../../core/ir/data-type';
import { writeModel } from '../../core/onnx/writer';
import type { MachinePeaks } from '../../core/profile/roofline';
import { runWorker } from './runtime';

const N = 1024; // MatMul N x N x N: 2·N³ FLOPs
const ADD = 8 * 1024 * 1024; // Add of two 8 M-element float vectors: 3 × 32 MiB moved

function cacheFile(threads: number | null): string {
  const cpu = (cpus()[0]?.model ?? 'cpu').replace(/[^A-Za-z0-9]+/g, '_');
  return join(process.env.LAYERLENS_CACHE_DIR ?? join(homedir(), '.cache', 'layerlens'), `machine-${cpu}-t${threads ?? 'default'}.json`);
}

export async function machinePeaks(threads: number | null, opts: { refresh?: boolean; onProgress?: (m: string) => void } = {}): Promise<MachinePeaks> {
  const file = cacheFile(threads);
  if (!opts.refresh) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as MachinePeaks;
    } catch {
      // not measured yet
    }
  }
  opts.onProgress?.('measuring this machine once (MatMul and Add through ONNX Runtime)');
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-machine-'));
  try {
    const mm = newModel('peak-matmul');
    const a = mm.b.input('a', DataType.FLOAT, [N, N]);
    const w = mm.b.input('b', DataType.FLOAT, [N, N]);
    const [y] = mm.b.node('MatMul', [a, w]);
    mm.b.output(y!, DataType.FLOAT, [N, N]);
    writeFileSync(join(dir, 'matmul.onnx'), writeModel(mm.model));
    const add = newModel('peak-add');
    const x1 = add.b.input('x', DataType.FLOAT, [ADD]);
    const x2 = add.b.input('y', DataType.FLOAT, [ADD]);
    const [z] = add.b.node('Add', [x1, x2]);
    add.b.output(z!, DataType.FLOAT, [ADD]);
    writeFileSync(join(dir, 'add.onnx'), writeModel(add.model));
    const common = { mode: 'deployed' as const, runs: 7, warmup: 2, ...(threads ? { threads } : {}) };
    const m1 = await runWorker({ ...common, modelPath: join(dir, 'matmul.onnx'), inputs: [{ name: 'a', elemType: 1, shape: [N, N] }, { name: 'b', elemType: 1, shape: [N, N] }] }, false);
    const m2 = await runWorker({ ...common, modelPath: join(dir, 'add.onnx'), inputs: [{ name: 'x', elemType: 1, shape: [ADD] }, { name: 'y', elemType: 1, shape: [ADD] }] }, false);
    const peaks: MachinePeaks = {
      peakGflops: (2 * N ** 3) / (Math.min(...m1.plainRunsMs) * 1e6),
      bandwidthGBs: (3 * ADD * 4) / (Math.min(...m2.plainRunsMs) * 1e6),
      threads,
      measuredAt: new Date().toISOString(),
      cpu: cpus()[0]?.model ?? 'unknown',
    };
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(peaks, null, 2));
    return peaks;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
