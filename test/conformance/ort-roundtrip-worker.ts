// Child process for roundtrip-testdata.test.ts: runs each testdata model and its re-saved copy in
// ONNX Runtime and prints one JSON line per case. The copy is saved from the model as read from the
// file with its tensor payloads (all but the tiniest) left in it and loaded on demand, the way a
// model file is read (core/onnx/skeleton.ts). ORT crashes (SIGSEGV) on a few malformed test
// models; running here lets the parent note the crash and restart after that case.
import { readFileSync } from 'node:fs';
import { DataType } from '../../src/core/ir/data-type';
import { readModelFile, tensorFromProto } from '../../src/core/onnx/reader';
import { memoryFile } from '../../src/core/onnx/skeleton';
import { writeModel } from '../../src/core/onnx/writer';
import { ort } from '../support/ort';
import { testCases } from '../support/testdata';

const TYPES: Partial<Record<number, [ort.Tensor.Type, new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView]>> = {
  [DataType.FLOAT]: ['float32', Float32Array], [DataType.DOUBLE]: ['float64', Float64Array],
  [DataType.INT64]: ['int64', BigInt64Array], [DataType.INT32]: ['int32', Int32Array], [DataType.INT8]: ['int8', Int8Array],
  [DataType.UINT8]: ['uint8', Uint8Array], [DataType.BOOL]: ['bool', Uint8Array], [DataType.INT16]: ['int16', Int16Array],
  [DataType.UINT16]: ['uint16', Uint16Array], [DataType.UINT32]: ['uint32', Uint32Array], [DataType.UINT64]: ['uint64', BigUint64Array],
  [DataType.FLOAT16]: ['float16', Uint16Array],
};

/** Outputs in graph-output order, each as its dims and its bytes. */
async function outputs(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<string[]> {
  const s = await ort.InferenceSession.create(bytes);
  try {
    const out = await s.run(feeds);
    return s.outputNames.map((k) => {
      const d = out[k]!.data as ArrayBufferView | string[];
      const data = Array.isArray(d) ? d.join('\u0000') : Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
      return `${out[k]!.dims.join('x')}:${data}`;
    });
  } finally {
    await s.release();
  }
}

async function main(): Promise<void> {
  const start = Number(process.argv[2] ?? 0);
  const cases = testCases();
  for (let i = start; i < cases.length; i++) {
    const c = cases[i]!;
    const say = (status: string): void => void process.stdout.write(JSON.stringify({ i, name: c.name, status }) + '\n');
    process.stdout.write(JSON.stringify({ i, name: c.name, status: 'start' }) + '\n');
    const bytes = readFileSync(c.modelPath);
    const m = readModelFile(memoryFile(bytes), { minPayload: 16 }).model;
    const real = m.graph.inputs.filter((v) => !v.initializer);
    // Fresh input tensors for every session, so that no run can see another's buffers.
    const makeFeeds = (): Record<string, ort.Tensor> | null => {
      if (c.inputs.length !== real.length) return null;
      const feeds: Record<string, ort.Tensor> = {};
      for (let k = 0; k < c.inputs.length; k++) {
        try {
          const t = tensorFromProto(c.inputs[k]!, null);
          const spec = TYPES[t.dataType];
          if (!spec || t.storage.kind === 'string') return null;
          const raw = t.rawBytes().slice();
          feeds[real[k]!.name] = new ort.Tensor(spec[0], new spec[1](raw.buffer, 0, t.elementCount) as Float32Array, [...t.dims]);
        } catch {
          return null;
        }
      }
      return feeds;
    };
    const feeds = makeFeeds();
    if (!feeds) {
      say('skip');
      continue;
    }
    let before: string[];
    try {
      before = await outputs(bytes, feeds);
    } catch {
      say('ort-rejects');
      continue;
    }
    // ORT itself must get the test's expected output shapes, or it is no oracle for this case
    // (onnxruntime-node 1.30 returns uninitialised memory for Compress with a bool condition).
    const expected = c.outputs.map((t) => t.dims.map(Number).join('x'));
    if (expected.length === before.length && before.some((b, k) => b.slice(0, b.indexOf(':')) !== expected[k])) {
      say('ort-wrong');
      continue;
    }
    const after = await outputs(writeModel(m), makeFeeds()!);
    const eq = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, k) => x === b[k]);
    if (eq(before, after)) {
      say('identical');
      continue;
    }
    // Some ORT kernels (Compress with a short condition) return uninitialised memory: when the
    // original disagrees with itself over a few runs, the comparison says nothing about our writer.
    // Either file disagreeing with itself over a few runs means ORT's kernel is nondeterministic;
    // a writer bug shows as a difference that repeats.
    let selfDiffers = false;
    const saved = writeModel(m);
    for (let k = 0; k < 4 && !selfDiffers; k++) {
      selfDiffers = !eq(before, await outputs(bytes, makeFeeds()!)) || !eq(after, await outputs(saved, makeFeeds()!));
    }
    say(selfDiffers ? 'nondeterministic' : 'differs');
  }
}

void main();
