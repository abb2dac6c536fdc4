// The ONNX Runtime process behind sensitivity analysis and budget searches: it loads the reference
// model once, runs it on every input sample and keeps its outputs, then runs candidate models one
// after another against them — one process for a whole analysis instead of one per layer. ORT blocks
// its thread and a native fault kills its process, so the caller (compare-session.ts) keeps this in a
// child process and talks to it over IPC: {id, …} requests in, one {id, …} answer each.
// Outputs of several samples are compared sample by sample with verify.ts's comparison and the worst
// kept (top-1 agreement over the rows of all samples together).
import * as ort from 'onnxruntime-node';
import type { InputData } from '../ort/inputs';
import { toOrt } from '../ort/tensors';
import { compareOutputs, type OutputComparison } from '../ort/verify';
import type { OutputData } from '../ort/worker';

export type CompareRequest =
  /** Loads the reference, runs it on every sample and keeps its outputs (the model's outputs). */
  | { id: number; type: 'init'; reference: string; samples: InputData[][]; threads?: number }
  /**
   * Runs another reference (the original with inner values exposed as outputs) and keeps the outputs
   * the first reference does not have: candidates' exposed values are compared against these.
   */
  | { id: number; type: 'activations'; path: string }
  /** Runs a candidate on every sample and compares its outputs with the references'. */
  | { id: number; type: 'run'; path: string };

export type CompareAnswer =
  | { id: number; type: 'ok'; outputs: string[] }
  | { id: number; type: 'compared'; outputs: OutputComparison[]; activations: OutputComparison[] }
  | { id: number; type: 'error'; message: string };

/** An output of one sample: values as float64. */
interface Collected {
  dims: number[];
  values: Float64Array;
}
/** Outputs by name, one map per sample. */
type Runs = Map<string, Collected>[];

let samples: Record<string, ort.Tensor>[] = [];
let options: ort.InferenceSession.SessionOptions = {};
let reference: Runs = [];
let activations: Runs = [];

async function runAll(path: string, which: string): Promise<Runs> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, options);
  } catch (e) {
    throw new Error(`ONNX Runtime cannot load the ${which}: ${(e as Error).message}`);
  }
  const runs: Runs = [];
  try {
    for (const feeds of samples) {
      const out = await session.run(feeds);
      const m = new Map<string, Collected>();
      for (const [name, t] of Object.entries(out)) {
        const src = t.data as ArrayLike<number | bigint>;
        const f = new Float64Array(src.length);
        for (let i = 0; i < src.length; i++) f[i] = Number(src[i]);
        m.set(name, { dims: [...t.dims], values: f });
      }
      runs.push(m);
    }
  } finally {
    await session.release();
  }
  return runs;
}

const data = (name: string, c: Collected): OutputData => ({ name, dims: c.dims, values: Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength).toString('base64') });

/** Samples concatenated along the first axis (top-1 agreement over every row of every sample). */
function concat(parts: Collected[]): Collected {
  const values = new Float64Array(parts.reduce((a, p) => a + p.values.length, 0));
  let at = 0;
  for (const p of parts) {
    values.set(p.values, at);
    at += p.values.length;
  }
  const d = parts[0]!.dims;
  return { dims: d.length ? [d[0]! * parts.length, ...d.slice(1)] : d, values };
}

/**
 * One output compared over every sample: the smallest cosine and the largest errors of any sample
 * (so each sample alone is within what is reported), top-1 agreement over all rows together.
 */
function compareAll(name: string, ref: Runs, out: Runs): OutputComparison {
  const per = ref.map((r, k) => compareOutputs(data(name, r.get(name)!), out[k]?.get(name) ? data(name, out[k]!.get(name)!) : undefined));
  const bad = per.find((c) => c.problem);
  if (bad || per.length === 1) return bad ?? per[0]!;
  const all = compareOutputs(data(name, concat(ref.map((r) => r.get(name)!))), data(name, concat(out.map((o) => o.get(name)!))));
  return {
    name,
    maxAbsError: Math.max(...per.map((c) => c.maxAbsError)),
    maxRelError: Math.max(...per.map((c) => c.maxRelError)),
    cosine: Math.min(...per.map((c) => c.cosine)),
    top1: all.top1,
  };
}

async function handle(m: CompareRequest): Promise<CompareAnswer> {
  if (m.type === 'init') {
    options = { graphOptimizationLevel: 'all', ...(m.threads ? { intraOpNumThreads: m.threads } : {}) };
    samples = m.samples.map((s) => Object.fromEntries(s.map((d) => [d.name, toOrt(d)])));
    reference = await runAll(m.reference, 'original model');
    return { id: m.id, type: 'ok', outputs: [...(reference[0]?.keys() ?? [])] };
  }
  if (m.type === 'activations') {
    activations = await runAll(m.path, 'original model with exposed values');
    for (const r of activations) for (const name of reference[0]?.keys() ?? []) r.delete(name);
    return { id: m.id, type: 'ok', outputs: [...(activations[0]?.keys() ?? [])] };
  }
  const out = await runAll(m.path, 'rewritten model');
  const outputs = [...(reference[0]?.keys() ?? [])].map((name) => compareAll(name, reference, out));
  const acts = [...(out[0]?.keys() ?? [])].filter((name) => activations[0]?.has(name)).map((name) => compareAll(name, activations, out));
  return { id: m.id, type: 'compared', outputs, activations: acts };
}

ort.env.logLevel = 'error';
process.on('message', (m: CompareRequest) => {
  handle(m).then(
    (answer) => process.send?.(answer),
    (e: unknown) => process.send?.({ id: m.id, type: 'error', message: (e as Error)?.message ?? String(e) } satisfies CompareAnswer),
  );
});
// Ends with the parent (a killed CLI or server must not leave ORT running).
process.on('disconnect', () => process.exit(0));
