// Corrupt, truncated and hostile TFLite files: every one gives a typed LayerLensError (or, when the
// damage happens to leave a valid file, a model that analyses), never another kind of throw, a crash
// or a hang. Targeted cases are built with the real encoder and one field made wrong; the random ones
// mutate the real MediaPipe models with a seeded generator (truncations and byte flips, biased to the
// flatbuffer's tables, which sit around the weights).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { realModelPath } from '../../../test/support/models';
import { analyzeModel } from '../analysis/analyze';
import { LayerLensError, ModelFormatError, ModelGraphError, ShapeError } from '../errors';
import { BuiltinOperator, BuiltinOptions, CallOptionsT, OperatorCodeT, OperatorT, QuantizationParametersT, WhileOptionsT } from './gen/schema';
import { readTflite } from './reader';
import { code, encode, int8Model, modelT } from './test-model';

function expectError(bytes: Uint8Array, type: new (...a: never[]) => LayerLensError, message: RegExp): void {
  assert.throws(() => readTflite(bytes), (e: unknown) => {
    assert.ok(e instanceof type, `${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, message);
    return true;
  });
}

test('not TFLite: empty, too short, another identifier, another schema version', () => {
  expectError(new Uint8Array(0), ModelFormatError, /too short/);
  expectError(new Uint8Array(7), ModelFormatError, /too short/);
  expectError(new TextEncoder().encode('\x08\0\0\0ONNXxxxxxxxx'), ModelFormatError, /'ONNX', not TFLite's identifier 'TFL3'/);
  const m = int8Model();
  m.version = 4;
  expectError(encode(m), ModelFormatError, /schema version 4/);
  m.version = 3;
  m.subgraphs = [];
  expectError(encode(m), ModelFormatError, /no subgraphs/);
});

test('indices out of range: operator input, operator code, buffer, subgraph output', () => {
  let m = int8Model();
  m.subgraphs[0]!.operators[0]!.inputs[1] = 99;
  expectError(encode(m), ModelFormatError, /input 1 of operator 0 \(CONV_2D\) of subgraph 0 \('main'\) is tensor 99, but the subgraph has 8 tensors/);
  m = int8Model();
  m.subgraphs[0]!.operators[2]!.opcodeIndex = 9;
  expectError(encode(m), ModelFormatError, /operator code 9, but the file has 3/);
  m = int8Model();
  m.subgraphs[0]!.tensors[1]!.buffer = 42;
  expectError(encode(m), ModelFormatError, /buffer 42, but the file has 5 buffers/);
  m = int8Model();
  m.subgraphs[0]!.outputs = [8];
  expectError(encode(m), ModelFormatError, /output 0 of subgraph 0/);
});

test('absurd shapes and quantization: negative dims, huge products, ranks, per-channel scale counts, constant data size', () => {
  let m = int8Model();
  m.subgraphs[0]!.tensors[3]!.shape = [1, -5, 4, 3];
  expectError(encode(m), ModelFormatError, /has a dim -5/);
  m = int8Model();
  m.subgraphs[0]!.tensors[3]!.shape = [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1];
  expectError(encode(m), ShapeError, /overflows 2\^53/);
  m = int8Model();
  m.subgraphs[0]!.tensors[3]!.shape = new Array(100).fill(1);
  expectError(encode(m), ModelFormatError, /rank 100/);
  m = int8Model();
  m.subgraphs[0]!.tensors[1]!.quantization = new QuantizationParametersT([], [], [0.1, 0.2], [0n, 0n], undefined, null, 0);
  expectError(encode(m), ModelFormatError, /2 per-channel scales along dimension 0 of shape \[3,1,1,2\]/);
  m = int8Model();
  m.subgraphs[0]!.tensors[1]!.shape = [3, 1, 1, 3];
  m.subgraphs[0]!.tensors[1]!.quantization = null;
  expectError(encode(m), ModelGraphError, /declares 9 elements but holds 6 bytes/);
});

test('graph errors: two producers, operators in a cycle, CUSTOM without a code', () => {
  let m = int8Model();
  m.subgraphs[0]!.operators[1]!.outputs = [3];
  expectError(encode(m), ModelGraphError, /tensor 'conv\/out' is written by operator 1 \(RESHAPE\).*also operator 0 \(CONV_2D\)/);
  m = int8Model();
  // RESHAPE reads FULLY_CONNECTED's output, which reads RESHAPE's: a cycle.
  m.subgraphs[0]!.operators[1]!.inputs = [7, 4];
  expectError(encode(m), ModelGraphError, /cycle/);
  m = int8Model();
  m.operatorCodes[1] = new OperatorCodeT(BuiltinOperator.CUSTOM, null, 1, BuiltinOperator.CUSTOM);
  expectError(encode(m), ModelFormatError, /CUSTOM without a custom code/);
});

function callModel(subgraphs: number, calls: (k: number) => number[]) {
  const t = (name: string) => ({ name, shape: [1] });
  return modelT(Array.from({ length: subgraphs }, (_, k) => ({
    name: `s${k}`,
    tensors: [t('a'), ...calls(k).map((_, j) => t(`b${j}`))],
    inputs: [0],
    outputs: [calls(k).length],
    ops: calls(k).map((target, j) => new OperatorT(0, [j], [j + 1], BuiltinOptions.CallOptions, new CallOptionsT(target))),
  })), [code(BuiltinOperator.CALL)]);
}

test('subgraph references: cycles, dangling indices, and call trees that would expand exponentially', () => {
  expectError(encode(callModel(3, (k) => (k < 2 ? [k + 1] : [1]))), ModelGraphError, /cycle: 0 -> 1 -> 2 -> 1/);
  const w = int8Model();
  w.operatorCodes.push(code(BuiltinOperator.WHILE));
  w.subgraphs[0]!.operators.push(new OperatorT(3, [7], [], BuiltinOptions.WhileOptions, new WhileOptionsT(0, 7)));
  expectError(encode(w), ModelGraphError, /cycle: 0 -> 0/);
  expectError(encode(callModel(2, (k) => (k === 0 ? [5] : []))), ModelFormatError, /reference to subgraph 5, but the file has 2/);
  // 40 subgraphs each calling the next twice: 2^40 bodies if expanded. The read budget stops it.
  const t0 = performance.now();
  expectError(encode(callModel(40, (k) => (k < 39 ? [k + 1, k + 1] : []))), ModelFormatError, /more than \d+ reads/);
  assert.ok(performance.now() - t0 < 60_000);
  // A legitimate shared body (called twice, 3 levels) is expanded at each call site.
  const ok = readTflite(encode(callModel(3, (k) => (k < 2 ? [k + 1, k + 1] : []))));
  assert.equal([...ok.graph.allNodes()].length, 2 + 4);
});

/** A seeded generator (mulberry32), so that a failure names a reproducible case. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Read and analyse; any throw must be a LayerLensError with a message. Returns what happened. */
function survive(bytes: Uint8Array, what: string): 'model' | 'error' {
  try {
    analyzeModel(readTflite(bytes));
    return 'model';
  } catch (e) {
    assert.ok(e instanceof LayerLensError, `${what}: ${(e as Error)?.stack ?? String(e)}`);
    assert.ok((e as Error).message.length > 10, what);
    return 'error';
  }
}

/** Byte ranges holding tables (not weights): everything outside the buffers' data. */
function tableRanges(bytes: Uint8Array): [number, number][] {
  const m = readTflite(bytes);
  const data: [number, number][] = [];
  for (const t of m.graph.initializers) if (t.storage.kind === 'raw') data.push([t.storage.bytes.byteOffset, t.storage.bytes.byteOffset + t.storage.bytes.length]);
  for (const s of m.graph.sparseInitializers) if (s.values.storage.kind === 'raw') data.push([s.values.storage.bytes.byteOffset, s.values.storage.bytes.byteOffset + s.values.storage.bytes.length]);
  data.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let at = 0;
  for (const [a, b] of data) {
    if (a > at) out.push([at, a]);
    at = Math.max(at, b);
  }
  if (at < bytes.length) out.push([at, bytes.length]);
  return out;
}

for (const file of ['face-detection-short.tflite', 'selfie-segmentation.tflite', 'face-detection-full-sparse.tflite']) {
  test(`${file}: seeded truncations and byte flips give a model or a typed error`, () => {
    const base = new Uint8Array(readFileSync(realModelPath(file)));
    const ranges = tableRanges(base);
    const tableBytes = ranges.reduce((s, [a, b]) => s + b - a, 0);
    const pick = (r: () => number): number => {
      let k = Math.floor(r() * tableBytes);
      for (const [a, b] of ranges) {
        if (k < b - a) return a + k;
        k -= b - a;
      }
      return 0;
    };
    const r = rng(0x7f1e + base.length);
    const seen = { model: 0, error: 0 };
    for (let i = 0; i < 40; i++) {
      const cut = i < 8 ? [0, 4, 8, 12, 16, 64, base.length - 1, base.length - 8][i]! : Math.floor(r() * base.length);
      seen[survive(base.subarray(0, cut), `${file} truncated to ${cut}`)]++;
    }
    for (let i = 0; i < 120; i++) {
      const bytes = base.slice();
      const flips = 1 + Math.floor(r() * 4);
      const at: number[] = [];
      for (let k = 0; k < flips; k++) {
        const p = pick(r);
        bytes[p] = bytes[p]! ^ (1 + Math.floor(r() * 255));
        at.push(p);
      }
      seen[survive(bytes, `${file} with bytes ${at.join(',')} flipped (case ${i})`)]++;
    }
    // Both outcomes occur: the mutations reach structure (errors) and leave some files readable.
    assert.ok(seen.error > 40 && seen.model > 5, JSON.stringify(seen));
  });
}
