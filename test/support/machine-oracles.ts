// Independent measurements of this machine, for the machine figures' tests and the bench: a large
// memory copy (TypedArray.set, one thread per core) and large MatMuls through ORT timed by wall
// clock, each in a fresh Node process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import { writeModel } from '../../src/core/onnx/writer';
import { ROOT } from './models';

/**
 * memcpy bandwidth, GB/s of bytes read + written: 256 MiB copied with TypedArray.set by one worker
 * thread per core at once (ORT's kernels use every core too), best of 5, in a fresh process.
 */
export function copyOracle(): number {
  const script = `
    const { Worker } = require('node:worker_threads');
    const k = require('node:os').cpus().length, n = 64 * 1024 * 1024, part = n / k;
    const src = new Float32Array(new SharedArrayBuffer(4 * n)).fill(1), dst = new Float32Array(new SharedArrayBuffer(4 * n));
    const body = "const { parentPort, workerData: w } = require('node:worker_threads');" +
      "const s = new Float32Array(w.src, w.off * 4, w.len), d = new Float32Array(w.dst, w.off * 4, w.len); d.set(s);" +
      "parentPort.on('message', () => { d.set(s); parentPort.postMessage(0); }); parentPort.postMessage(0);";
    const workers = Array.from({ length: k }, (_, i) => new Worker(body, { eval: true, workerData: { src: src.buffer, dst: dst.buffer, off: i * part, len: part } }));
    const round = () => Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
    (async () => {
      await round();
      let best = 0;
      for (let i = 0; i < 5; i++) {
        const done = round(); const t0 = performance.now();
        for (const w of workers) w.postMessage(0);
        await done; best = Math.max(best, (2 * 4 * n) / ((performance.now() - t0) * 1e6));
      }
      process.stdout.write(String(best)); process.exit(0);
    })();`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

/**
 * GFLOP/s of large MatMuls through ORT, timed by wall clock around session.run in a fresh process:
 * best of 200 runs at 512³, 30 at 1024³ and 4 at 2048³ (about a second each). On a shared machine a
 * long run is cut by other processes' time slices; a 512³ run (about 1.5 ms) fits in one, as the
 * calibration's short probes do, and as many runs over as long a window as the calibration takes its
 * best from, so both see the machine at its quiet moments (with 40 runs, at load average 5, the
 * oracle read 88–92 GFLOP/s while the calibration read 213–222 in the same rounds).
 */
export function matmulOracle(): number {
  const dir = mkdtempSync(join(tmpdir(), 'll-oracle-'));
  for (const n of [512, 1024, 2048]) {
    const { model, b } = newModel('oracle');
    const x = b.input('a', DataType.FLOAT, [n, n]);
    const y = b.input('b', DataType.FLOAT, [n, n]);
    const [z] = b.node('MatMul', [x, y]);
    b.output(z!, DataType.FLOAT, [n, n]);
    writeFileSync(join(dir, `mm${n}.onnx`), writeModel(model));
  }
  const script = `
    const ort = require('onnxruntime-node');
    (async () => {
      let best = 0;
      for (const [n, runs] of [[512, 200], [1024, 30], [2048, 4]]) {
        const d = new Float32Array(n * n).map((_, i) => (i % 17) / 17);
        const s = await ort.InferenceSession.create(${JSON.stringify(join(dir, 'mm.onnx'))}.replace('mm.onnx', 'mm' + n + '.onnx'));
        const feeds = { a: new ort.Tensor('float32', d, [n, n]), b: new ort.Tensor('float32', d, [n, n]) };
        await s.run(feeds);
        for (let i = 0; i < runs; i++) { const t0 = performance.now(); await s.run(feeds); best = Math.max(best, (2 * n ** 3) / ((performance.now() - t0) * 1e6)); }
      }
      process.stdout.write(String(best));
    })();`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: ROOT }));
}

