// The process that runs onnxruntime-node for measuring. ORT's create/run block the event loop and a
// native fault kills the process, so the caller (runtime.ts) keeps this in a child process and
// talks to it over IPC: one request in, progress messages and one result (or error) out. It dies
// with its parent: when the IPC channel closes or the process is re-parented, it exits.
//
// Timed and profiled runs hand ORT pre-allocated output tensors (onnxruntime-node's `fetches`), so
// ORT writes into the same memory every run, as it does with its arena in a C++ or Python loop,
// instead of into fresh memory that the JS array returned by the last run still holds (page faults
// inside the last kernels). onnxruntime-node 1.30 still copies each output into a new JS array after
// the run; profile.ts therefore also uses ORT's own model_run times. A few runs without
// pre-allocation are timed as well, to show what a Node app pays.
//
// Test hook (tests only): LAYERLENS_WORKER_FAULT=crash aborts the process after loading the model,
// =hang spins forever, so the caller's crash and timeout handling can be tested with a real process.
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ProfileRequest } from '../../core/profile/runtime';
import { toOrt } from './tensors';
import { checkInput, generateInput, loadInputFile } from './inputs';

export type WorkerRequest =
  | { type: 'profile'; req: ProfileRequest; profile: boolean }
  /** Runs the model `runs` times (after `warmup`) in a profiled session only and returns ORT's trace (and with `saveOptimized`, the graph ORT ran). */
  | { type: 'trace'; req: ProfileRequest; optimization: 'disabled' | 'all'; saveOptimized?: boolean }
  /**
   * Runs two models on the same inputs and returns their outputs, and timed runs in pairs (A B, B A,
   * A B, ...): `req.runs` pairs at least, more while the pairs so far took under `minTimeMs` (at most
   * `maxPairs`), so that a fast model gets enough pairs to tell a change from noise.
   */
  | { type: 'compare'; req: ProfileRequest; otherModelPath: string; minTimeMs?: number; maxPairs?: number }
  /** Runs the model on `samples` input sets (sample k generated with seed 42 + k) and returns every output. */
  | { type: 'outputs'; req: ProfileRequest; samples: number };

export interface OutputData {
  name: string;
  dims: number[];
  /** Elements as float64 bytes (base64), whatever the output type. */
  values: string;
}
export type WorkerMessage =
  | { type: 'progress'; message: string }
  | {
      type: 'result';
      /** Timed runs with pre-allocated outputs (or plain runs when outputs cannot be pre-allocated). */
      plainRunsMs: number[];
      /** Whether plainRunsMs had pre-allocated outputs. */
      preallocated: boolean;
      /** Runs timed the usual way (`session.run(feeds)`): onnxruntime-node builds the JS outputs. */
      jsOutputRunsMs: number[];
      trace: string | null;
      optimizedModel: string | null;
      threads: number | null;
      ortVersion: string;
    }
  | { type: 'error'; message: string }
  /** aRunsMs[i] and bRunsMs[i] were timed back to back (pair i), a first in even pairs, b first in odd ones. */
  | { type: 'compared'; a: OutputData[]; b: OutputData[]; aRunsMs: number[]; bRunsMs: number[] }
  | { type: 'outputs'; samples: OutputData[][] };

/** Resolves once the message is handed to the IPC channel, so that exiting cannot lose it. */
function send(m: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(m, undefined, undefined, () => resolve());
  });
}

function feedsFor(req: ProfileRequest, seed = 42): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of req.inputs) {
    const file = req.inputFiles?.[spec.name];
    const data = file ? loadInputFile(file, spec.name) : generateInput(spec, seed);
    if (file) checkInput(data, spec);
    feeds[spec.name] = toOrt(data);
  }
  return feeds;
}

function outputData(out: Record<string, ort.Tensor>): OutputData[] {
  return Object.entries(out).map(([name, t]) => {
    const src = t.data as ArrayLike<number | bigint>;
    const f = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) f[i] = Number(src[i]);
    return { name, dims: [...t.dims], values: Buffer.from(f.buffer).toString('base64') };
  });
}

async function compare(req: ProfileRequest, other: string, minTimeMs: number, maxPairs: number): Promise<void> {
  // No spinning: the two sessions' thread pools would otherwise spin against each other's runs on the
  // same cores, a cost no deployment of either model pays.
  const options: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(req.threads ? { intraOpNumThreads: req.threads } : {}),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const load = async (path: string, which: string): Promise<ort.InferenceSession> => {
    try {
      return await ort.InferenceSession.create(path, options);
    } catch (e) {
      throw new Error(`ONNX Runtime cannot load the ${which} model: ${(e as Error).message}`);
    }
  };
  const a = await load(req.modelPath, 'original');
  const b = await load(other, 'rewritten');
  const outA = outputData(await a.run(feedsFor(req)));
  const outB = outputData(await b.run(feedsFor(req)));
  const feeds = feedsFor(req);
  for (let i = 0; i < req.warmup; i++) {
    await a.run(feeds);
    await b.run(feeds);
  }
  const aRunsMs: number[] = [];
  const bRunsMs: number[] = [];
  const timed = async (s: ort.InferenceSession, into: number[]): Promise<void> => {
    const t0 = performance.now();
    await s.run(feeds);
    into.push(performance.now() - t0);
  };
  // Pairs back to back, the order alternating (a b, b a, ...): drift and whatever the first run of a
  // pair pays hit both models alike (src/core/profile/latency-change.ts reads the pairs).
  const start = performance.now();
  for (let i = 0; i < Math.max(req.runs, maxPairs); i++) {
    if (i >= req.runs && performance.now() - start >= minTimeMs) break;
    if (i % 2 === 0) {
      await timed(a, aRunsMs);
      await timed(b, bRunsMs);
    } else {
      await timed(b, bRunsMs);
      await timed(a, aRunsMs);
    }
  }
  await a.release();
  await b.release();
  await send({ type: 'compared', a: outA, b: outB, aRunsMs, bRunsMs });
}

/** Output tensors of the same types and shapes as `out`, for ORT to write into (null if one cannot be made). */
function preallocate(out: Record<string, ort.Tensor>): Record<string, ort.Tensor> | null {
  const fetches: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(out)) {
    if (t.type === 'string' || !ArrayBuffer.isView(t.data)) return null;
    const Ctor = t.data.constructor as new (n: number) => Float32Array;
    fetches[name] = new ort.Tensor(t.type, new Ctor(t.size), t.dims);
  }
  return fetches;
}

/** A profiled session only: the caller reads kernel durations from ORT's trace (machine calibration). */
async function traceOnly(req: ProfileRequest, optimization: 'disabled' | 'all', saveOptimized = false): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-trace-'));
  try {
    const optimizedPath = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(req.modelPath, {
      graphOptimizationLevel: optimization,
      enableProfiling: true,
      profileFilePrefix: join(dir, 'ort'),
      ...(saveOptimized ? { optimizedModelFilePath: optimizedPath } : {}),
      ...(req.threads ? { intraOpNumThreads: req.threads } : {}),
    });
    const feeds = feedsFor(req);
    let out = await session.run(feeds);
    const fetches = preallocate(out);
    for (let i = 0; i < req.warmup + req.runs; i++) out = await (fetches ? session.run(feeds, fetches) : session.run(feeds));
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.startsWith('ort') && f.endsWith('.json'));
    if (!file) throw new Error(`ONNX Runtime wrote no profile file in ${dir}`);
    const optimizedModel = saveOptimized && existsSync(optimizedPath) ? readFileSync(optimizedPath).toString('base64') : null;
    await send({ type: 'result', plainRunsMs: [], preallocated: fetches !== null, jsOutputRunsMs: [], trace: readFileSync(join(dir, file), 'utf8'), optimizedModel, threads: req.threads ?? null, ortVersion: ORT_VERSION });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function handle(msg: WorkerRequest): Promise<void> {
  // Quiet ORT's own warnings (e.g. about saving NCHWc graphs); errors still reach the caller.
  ort.env.logLevel = 'error';
  if (msg.type === 'compare') return compare(msg.req, msg.otherModelPath, msg.minTimeMs ?? 0, msg.maxPairs ?? msg.req.runs);
  if (msg.type === 'trace') return traceOnly(msg.req, msg.optimization, msg.saveOptimized);
  if (msg.type === 'outputs') {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(msg.req.modelPath, { graphOptimizationLevel: 'disabled' });
    } catch (e) {
      throw new Error(`ONNX Runtime cannot load the model: ${(e as Error).message}`);
    }
    const samples: OutputData[][] = [];
    for (let k = 0; k < msg.samples; k++) samples.push(outputData(await session.run(feedsFor(msg.req, 42 + k))));
    await session.release();
    return send({ type: 'outputs', samples });
  }
  const { req } = msg;
  const feeds = feedsFor(req);
  const level = req.mode === 'deployed' ? 'all' : 'disabled';
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: level,
    ...(req.threads ? { intraOpNumThreads: req.threads } : {}),
  };
  send({ type: 'progress', message: `loading ${req.modelPath}` });
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(req.modelPath, base);
  } catch (e) {
    throw new Error(`ONNX Runtime cannot load the model: ${(e as Error).message}`);
  }
  if (process.env.LAYERLENS_WORKER_FAULT === 'crash') process.abort();
  if (process.env.LAYERLENS_WORKER_FAULT === 'hang') for (;;);
  // At least one warm-up run: its outputs give the shapes to pre-allocate.
  let last = await session.run(feeds);
  for (let i = 1; i < req.warmup; i++) last = await session.run(feeds);
  let fetches = preallocate(last);
  const plainRunsMs: number[] = [];
  for (let i = 0; i < req.runs; i++) {
    const t0 = performance.now();
    try {
      await (fetches ? session.run(feeds, fetches) : session.run(feeds));
    } catch (e) {
      // Outputs whose shape changes from run to run cannot be pre-allocated: time plain runs.
      if (!fetches) throw e;
      fetches = null;
      i--;
      continue;
    }
    plainRunsMs.push(performance.now() - t0);
    if ((i + 1) % 5 === 0 || i + 1 === req.runs) send({ type: 'progress', message: `timed run ${i + 1}/${req.runs}` });
  }
  const jsOutputRunsMs: number[] = [];
  for (let i = 0; i < (fetches ? Math.min(req.runs, 5) : 0); i++) {
    const t0 = performance.now();
    await session.run(feeds);
    jsOutputRunsMs.push(performance.now() - t0);
  }
  await session.release();
  const common = { plainRunsMs, preallocated: fetches !== null, jsOutputRunsMs: fetches ? jsOutputRunsMs : plainRunsMs, threads: req.threads ?? null, ortVersion: ORT_VERSION };
  if (!msg.profile) return await send({ type: 'result', ...common, trace: null, optimizedModel: null });

  const dir = mkdtempSync(join(tmpdir(), 'layerlens-profile-'));
  try {
    const optimizedPath = join(dir, 'optimized.onnx');
    const profiled = await ort.InferenceSession.create(req.modelPath, {
      ...base,
      enableProfiling: true,
      profileFilePrefix: join(dir, 'ort'),
      ...(req.mode === 'deployed' ? { optimizedModelFilePath: optimizedPath } : {}),
    });
    // One warm-up run inside the profile (dropped by the caller), then the profiled runs.
    const profiledRuns = Math.max(3, Math.min(req.runs, 20));
    for (let i = 0; i <= profiledRuns; i++) await (fetches ? profiled.run(feeds, fetches) : profiled.run(feeds));
    send({ type: 'progress', message: `profiled ${profiledRuns} runs` });
    profiled.endProfiling();
    await profiled.release();
    const file = readdirSync(dir).find((f) => f.startsWith('ort') && f.endsWith('.json'));
    if (!file) throw new Error(`ONNX Runtime wrote no profile file in ${dir}`);
    await send({
      type: 'result',
      ...common,
      trace: readFileSync(join(dir, file), 'utf8'),
      optimizedModel: req.mode === 'deployed' && existsSync(optimizedPath) ? readFileSync(optimizedPath).toString('base64') : null,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ORT_VERSION = ort.env.versions.node ?? ort.env.versions.common;

// Die with the parent. A parent killed with SIGKILL cannot stop its children, but its end closes
// the IPC channel ('disconnect') and re-parents this process (ppid changes): either ends it. Both are
// noticed between ORT runs (a run blocks the event loop while it lasts).
process.on('disconnect', () => process.exit(0));
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) process.exit(0);
}, 500).unref();

process.on('message', (msg: WorkerRequest) => {
  handle(msg).then(
    () => process.disconnect?.(),
    async (e: unknown) => {
      await send({ type: 'error', message: (e as Error).message ?? String(e) });
      process.disconnect?.();
    },
  );
});
