// Renaming the external data file inside a model: every tensor naming it is changed wherever it sits,
// other locations and every other field stay as they were (checked on the protobuf decoded with the
// generated binding); and encodeModel moves tensors held in node attributes as well as initializers.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { create, equals, fromBinary, toBinary } from '@bufbuild/protobuf';
import { newModel } from '../../core/ir/builder';
import { DataType } from '../../core/ir/data-type';
import { Tensor } from '../../core/ir/tensor';
import { writeModel } from '../../core/onnx/writer';
import {
  AttributeProtoSchema,
  FunctionProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  SparseTensorProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorProto_DataLocation,
  type ModelProto,
} from '../../core/onnx/gen/layerlens/onnx/onnx_pb';
import { loadModelFile } from '../model-file';
import { encodeModel } from './encode-model';
import { relocateExternalData } from './relocate-data';

const ext = (name: string, location: string, offset = 0) =>
  create(TensorProtoSchema, {
    name,
    dataType: DataType.FLOAT,
    dims: [2n],
    dataLocation: TensorProto_DataLocation.EXTERNAL,
    externalData: [
      create(StringStringEntryProtoSchema, { key: 'location', value: location }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: 'length', value: '8' }),
    ],
  });

function locations(m: ModelProto): string[] {
  const out: string[] = [];
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    const t = x as { $typeName?: string; externalData?: { key: string; value: string }[] };
    if (t.$typeName === 'layerlens.onnx.TensorProto') for (const e of t.externalData ?? []) if (e.key === 'location') out.push(e.value);
    for (const v of Object.values(x)) if (typeof v === 'object') visit(v);
  };
  visit(m);
  return out;
}

test('relocateExternalData changes the location of every tensor that names the old file, and nothing else', () => {
  const from = '.out.onnx.candidate-1-1.onnx.data';
  const attr = (name: string, t: ReturnType<typeof ext>) => create(AttributeProtoSchema, { name, t, type: 4 });
  const body = create(GraphProtoSchema, { name: 'then', initializer: [ext('sub_w', from, 8)], node: [create(NodeProtoSchema, { opType: 'Constant', attribute: [attr('value', ext('sub_c', from, 16))] })] });
  const m = create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: 'test',
    graph: create(GraphProtoSchema, {
      name: 'g',
      initializer: [ext('w', from), ext('other', 'kept.bin')],
      sparseInitializer: [create(SparseTensorProtoSchema, { values: ext('sv', from, 24), indices: ext('si', from, 32), dims: [4n] })],
      node: [
        create(NodeProtoSchema, { opType: 'Constant', attribute: [attr('value', ext('c', from, 40))] }),
        create(NodeProtoSchema, { opType: 'If', attribute: [create(AttributeProtoSchema, { name: 'then_branch', g: body, type: 5 })] }),
      ],
    }),
    functions: [create(FunctionProtoSchema, { name: 'f', domain: 'd', node: [create(NodeProtoSchema, { opType: 'Constant', attribute: [attr('value', ext('fc', from, 48))] })] })],
  });
  const before = toBinary(ModelProtoSchema, m);
  const r = relocateExternalData(before, from, 'out.onnx.data');
  assert.equal(r.count, 7);
  const after = fromBinary(ModelProtoSchema, r.proto);
  assert.deepEqual(locations(after).sort(), ['kept.bin', ...Array(7).fill('out.onnx.data')].sort());
  // Put the old name back: the model is exactly the original.
  assert.ok(equals(ModelProtoSchema, fromBinary(ModelProtoSchema, relocateExternalData(r.proto, 'out.onnx.data', from).proto), fromBinary(ModelProtoSchema, before)));
  assert.throws(() => relocateExternalData(new Uint8Array([0xff, 0xff, 0xff]), from, 'x'), /ModelFormatError|cannot be read back/);
});

test('encodeModel writes external tensors of node attributes too, and the model reads them back from the new file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-encode-'));
  writeFileSync(join(dir, 'orig.bin'), new Uint8Array(Float32Array.from([7, 8, 1, 2, 3, 4]).buffer));
  const { model, b } = newModel('c');
  const x = b.input('x', DataType.FLOAT, [2]);
  const ref = (offset: number) => ({ kind: 'external' as const, ref: { location: 'orig.bin', offset, length: 8, entries: [['location', 'orig.bin'], ['offset', String(offset)], ['length', '8']] as [string, string][] }, reader: null });
  const [c] = b.node('Constant', [], { value: new Tensor('cv', DataType.FLOAT, [2], ref(0)) }, { name: 'const' });
  const w = new Tensor('w', DataType.FLOAT, [2], ref(16));
  model.graph.initializers.push(w);
  const wv = model.graph.define('w');
  wv.initializer = w;
  const [s] = b.node('Add', [x, c!], {}, { name: 'add' });
  const [y] = b.node('Add', [s!, wv], {}, { name: 'add2', outputs: ['y'] });
  b.output(y!, DataType.FLOAT, [2]);
  writeFileSync(join(dir, 'm.onnx'), writeModel(model));
  const loaded = loadModelFile(join(dir, 'm.onnx')).model;
  const enc = encodeModel(loaded, 'new.bin');
  assert.ok(enc.data);
  writeFileSync(join(dir, 'new.bin'), Buffer.concat(enc.data!));
  writeFileSync(join(dir, 'n.onnx'), enc.proto);
  const again = loadModelFile(join(dir, 'n.onnx')).model;
  const cv = again.graph.nodes.find((n) => n.name === 'const')!.attributes[0]!;
  assert.ok(cv.kind === 'tensor' && cv.value.storage.kind === 'external' && cv.value.storage.ref.location === 'new.bin');
  assert.deepEqual(Array.from(cv.kind === 'tensor' ? cv.value.toNumbers() : []), [7, 8]);
  assert.deepEqual(Array.from(again.graph.initializers[0]!.toNumbers()), [3, 4]);
  // The loaded model itself is left as it was (still naming orig.bin).
  const kept = loaded.graph.initializers[0]!;
  assert.ok(kept.storage.kind === 'external' && kept.storage.ref.location === 'orig.bin');
});
