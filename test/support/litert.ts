// LiteRT.js (@litertjs/core, Google's TFLite runtime compiled to WebAssembly with XNNPACK) in Node,
// as an independent oracle for .tflite models (actual output shapes) and for the latency bench.
// The package is made for browsers and workers; its Emscripten module supports Node, but its loader
// runs the module's script with importScripts() (a worker) or a <script> tag (a page). Three shims make
// the worker path work in a Node process: `self` = globalThis, importScripts() = run the file in this
// context (with `require`, `__filename`, `__dirname`, which the Node branch of the script uses). They
// change globals, so load this only in a process of its own (each test file runs in one).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { ROOT } from './models';

export interface LiteRtRun {
  inputs: { name: string; dtype: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  /** Wall time of each run after the first (ms). */
  timesMs: number[];
}

type LiteRtModule = typeof import('@litertjs/core');
let loaded: Promise<LiteRtModule> | null = null;

function load(): Promise<LiteRtModule> {
  loaded ??= (async () => {
    const g = globalThis as Record<string, unknown>;
    g.self = globalThis;
    // No GPU here: an adapter request that finds none (else the runtime logs a TypeError at start).
    g.navigator ??= { gpu: { requestAdapter: async () => null } };
    g.require = createRequire(join(ROOT, 'package.json'));
    g.importScripts = (url: string) => {
      const path = url.startsWith('file:') ? new URL(url).pathname : url;
      g.__filename = path;
      g.__dirname = dirname(path);
      runInThisContext(readFileSync(path, 'utf8'), { filename: path });
    };
    // Quiet the runtime's INFO lines (Emscripten's print hooks).
    g.Module = { print: () => undefined, printErr: () => undefined };
    const lib = (await import('@litertjs/core')) as LiteRtModule;
    await lib.loadLiteRt(join(ROOT, 'node_modules', '@litertjs', 'core', 'wasm') + '/');
    return lib;
  })();
  return loaded;
}

/** Runs a .tflite file on LiteRT's CPU (wasm/XNNPACK) `runs` times with zero-filled float inputs. */
export async function runLiteRt(bytes: Uint8Array, runs = 1): Promise<LiteRtRun> {
  const lib = await load();
  const model = await lib.loadAndCompile(bytes, { accelerator: 'wasm' });
  const dims = (d: ArrayLike<number>): number[] => Array.from({ length: d.length }, (_, i) => d[i]!);
  const inputs = model.getInputDetails().map((d) => ({ name: d.name, dtype: d.dtype, shape: dims(d.shape) }));
  const feeds = inputs.map((d) => new lib.Tensor(new Float32Array(d.shape.reduce((a, b) => a * b, 1)), d.shape));
  let outs = await model.run(feeds);
  const timesMs: number[] = [];
  for (let i = 1; i < runs; i++) {
    const t = performance.now();
    outs = await model.run(feeds);
    timesMs.push(performance.now() - t);
  }
  const names = model.getOutputDetails().map((d) => d.name);
  const outputs = outs.map((o, i) => ({ name: names[i] ?? String(i), shape: dims(o.type.layout.dimensions) }));
  return { inputs, outputs, timesMs };
}
