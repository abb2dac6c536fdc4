// The skeleton pass (payloads left in the file) against the whole-file decode: the same model, the
// same bytes on save, payloads read only when asked, and a fallback to the whole file for anything
// unusual (duplicated payload fields, a marker already in the file, corrupt bytes) that still gives
// the whole-file result or its exact error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { ModelFormatError } from '../errors';
import { newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { Tensor, type FileRangeReader } from '../ir/tensor';
import { SAMPLE } from '../../../test/support/models';
import { readModel, readModelFile } from './reader';
import { buildSkeleton, MARKER_FIELD, memoryFile } from './skeleton';
import { writeModel } from './writer';

/** A reader that counts what it reads. */
function counting(bytes: Uint8Array): FileRangeReader & { reads: [number, number][] } {
  const inner = memoryFile(bytes);
  const reads: [number, number][] = [];
  return { size: inner.size, reads, read: (o, l) => (reads.push([o, l]), inner.read(o, l)) };
}

/** A Gemm-like model whose weights use every form a payload may take: raw, float_data, double_data, int64_data. */
function weighty(n = 4096): Uint8Array {
  const { model, b } = newModel('weighty', [{ domain: '', version: 17 }]);
  const x = b.input('x', DataType.FLOAT, [1, n]);
  const values = Array.from({ length: n }, (_, i) => Math.sin(i) * 1000);
  const g = model.graph;
  const add = (t: Tensor): ReturnType<typeof g.define> => {
    g.initializers.push(t);
    const v = g.define(t.name);
    v.initializer = t;
    return v;
  };
  const raw = add(Tensor.fromNumbers('raw', DataType.FLOAT, [n], values));
  const fl = add(new Tensor('float', DataType.FLOAT, [n], { kind: 'float', values: Array.from(new Float32Array(values)) }));
  const db = add(new Tensor('double', DataType.DOUBLE, [n], { kind: 'double', values }));
  const i64 = add(new Tensor('int64', DataType.INT64, [n], { kind: 'int64', values: values.map((v) => BigInt(Math.round(v))) }));
  const small = add(Tensor.fromNumbers('small', DataType.FLOAT, [4], [1, 2, 3, 4]));
  const [a] = b.node('Add', [x, raw], {}, { name: 'a' });
  const [c] = b.node('Add', [a!, fl], {}, { name: 'b' });
  const [d] = b.node('Cast', [db], { to: DataType.FLOAT }, { name: 'cast' });
  const [e] = b.node('Add', [c!, d!], {}, { name: 'c' });
  const [f] = b.node('Cast', [i64], { to: DataType.FLOAT }, { name: 'cast64' });
  const [h] = b.node('Add', [e!, f!], {}, { name: 'd' });
  const [k] = b.node('Constant', [], { value: Tensor.fromNumbers('k', DataType.FLOAT, [n], values) }, { name: 'k' });
  const [y] = b.node('Add', [h!, k!], {}, { name: 'e' });
  const [z] = b.node('Mul', [y!, small], {}, { name: 'f' });
  b.output(z!, DataType.FLOAT, [1, n]);
  return writeModel(model);
}

test('raw, float_data and double_data payloads stay in the file; the model and its saved bytes are the same as a whole-file read', () => {
  const bytes = weighty();
  const file = counting(bytes);
  const { model, decoded } = readModelFile(file);
  const eager = readModel(bytes);
  const kinds = Object.fromEntries([...model.graph.initializers, model.graph.nodes.find((n) => n.opType === 'Constant')!.constantTensor!].map((t) => [t.name, t.storage.kind === 'in-file' ? `in-file ${t.storage.ref.form}` : t.storage.kind]));
  assert.deepEqual(kinds, { raw: 'in-file raw', float: 'in-file float', double: 'in-file double', int64: 'int64', small: 'raw', k_out: 'in-file raw' });
  assert.equal(decoded.cuts.length, 4);
  // Read to build: the file minus the payloads (16 KiB, 16 KiB, 32 KiB, 16 KiB), give or take a read-ahead window each.
  const payloads = decoded.cuts.reduce((s, c) => s + c.length, 0);
  assert.ok(decoded.bytesRead <= bytes.length - payloads + (decoded.cuts.length + 1) * 8192, `${decoded.bytesRead} bytes read of ${bytes.length}`);
  assert.ok(decoded.decodedBytes < bytes.length - payloads + 64);
  const before = file.reads.length;
  assert.deepEqual([...model.graph.initializers[2]!.toNumbers()], [...eager.graph.initializers[2]!.toNumbers()]);
  assert.ok(file.reads.length > before, 'the double_data payload was read when asked for');
  for (let i = 0; i < eager.graph.initializers.length; i++) {
    assert.deepEqual(model.graph.initializers[i]!.rawBytes(), eager.graph.initializers[i]!.rawBytes());
  }
  assert.deepEqual(writeModel(model), writeModel(eager));
  assert.deepEqual(writeModel(model), bytes);
});

test('an on-demand load is kept while its caller holds it, and read again afterwards', () => {
  const file = counting(weighty());
  const t = readModelFile(file).model.graph.initializers[0]!;
  const n = file.reads.length;
  const a = t.rawBytes();
  assert.equal(t.rawBytes(), a, 'the same bytes while held');
  assert.equal(file.reads.length, n + 1);
});

/** An ONNX file (IR 8, opset 17) whose graph holds one initializer, the TensorProto `tensor` (already encoded). */
function handModel(tensor: Uint8Array): Uint8Array {
  const graph = new BinaryWriter().tag(5, WireType.LengthDelimited).bytes(tensor).tag(2, WireType.LengthDelimited).string('g').finish();
  const opset = new BinaryWriter().tag(2, WireType.Varint).int64(17).finish();
  return new BinaryWriter().tag(1, WireType.Varint).int64(8).tag(7, WireType.LengthDelimited).bytes(graph).tag(8, WireType.LengthDelimited).bytes(opset).finish();
}

/** TensorProto fields: dims [n], FLOAT, name. */
function header(w: BinaryWriter, name: string, n: number): BinaryWriter {
  return w.tag(1, WireType.Varint).int64(n).tag(2, WireType.Varint).int32(DataType.FLOAT).tag(8, WireType.LengthDelimited).string(name);
}

test('what the pass leaves alone: small payloads, a payload field repeated in one tensor (protobuf merges repeats)', () => {
  assert.equal(readModelFile(memoryFile(weighty()), { minPayload: 1 << 20 }).decoded.cuts.length, 0);
  // float_data twice (two packed runs of 8 floats): protobuf concatenates them.
  const w = header(new BinaryWriter(), 'twice', 16);
  for (const base of [0, 10]) {
    w.tag(4, WireType.LengthDelimited).fork();
    for (let i = 0; i < 8; i++) w.float(base + i);
    w.join();
  }
  const { model, decoded } = readModelFile(memoryFile(handModel(w.finish())), { minPayload: 16 });
  assert.equal(decoded.cuts.length, 0);
  assert.deepEqual([...model.graph.initializers[0]!.toNumbers()], [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17]);
});

test('a file that already holds the marker field is read whole (the same model as ever); a corrupt one gives the whole-file error', () => {
  const raw = new Uint8Array(4096).map((_, i) => i & 0xff);
  const plain = handModel(header(new BinaryWriter(), 'w', 1024).tag(9, WireType.LengthDelimited).bytes(raw).finish());
  assert.equal(buildSkeleton(memoryFile(plain))?.cuts.length, 1);
  const marked = handModel(header(new BinaryWriter(), 'w', 1024).tag(9, WireType.LengthDelimited).bytes(raw).tag(MARKER_FIELD, WireType.Varint).uint32(0).finish());
  assert.equal(buildSkeleton(memoryFile(marked)), null);
  const m = readModelFile(memoryFile(marked)).model;
  assert.equal(m.graph.initializers[0]!.storage.kind, 'raw');
  assert.deepEqual(m.graph.initializers[0]!.rawBytes(), raw);
  // Truncated: the whole-file decode's error, with its byte offset.
  const bytes = weighty();
  assert.throws(() => readModelFile(memoryFile(bytes.subarray(0, bytes.length - 100))), (e: unknown) => e instanceof ModelFormatError && /truncated or corrupt protobuf at byte \d+/.test(e.message));
  assert.throws(() => readModelFile(memoryFile(new Uint8Array(0))), /the file is empty/);
});

test('length prefixes shortened in place keep their width: the skeleton decodes with redundant varint bytes', () => {
  const bytes = weighty();
  const sk = buildSkeleton(memoryFile(bytes))!;
  // The graph's length prefix (field 7 of the model) is as wide as in the file, its value smaller.
  const at = (b: Uint8Array): { width: number; value: number } => {
    const r = new BinaryReader(b);
    while (r.pos < r.len) {
      const [no, wt] = r.tag();
      if (no === 7) {
        const start = r.pos;
        const value = r.uint32();
        return { width: r.pos - start, value };
      }
      r.skip(wt, no);
    }
    throw new Error('no graph');
  };
  const [file, skeleton] = [at(bytes), at(sk.bytes)];
  assert.equal(skeleton.width, file.width);
  assert.ok(skeleton.value < file.value - 60_000, `${skeleton.value} vs ${file.value}`);
});

test('the sample model: read from the file it is the same model; its skeleton is what protobuf-es decodes', () => {
  const bytes = readFileSync(SAMPLE);
  const lazy = readModelFile(memoryFile(bytes), { minPayload: 16 });
  assert.ok(lazy.decoded.cuts.length > 0);
  assert.deepEqual(writeModel(lazy.model), writeModel(readModel(bytes)));
});
