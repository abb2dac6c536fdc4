// Bad input must give a typed error that says what and where, fast, without allocating from
// untrusted sizes. Hostile files are made here, from a real model and from the IR.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { realModelPath, SAMPLE } from '../../../test/support/models';
import { ExternalDataError, ModelFormatError, ModelGraphError, ModelLimitError, ShapeError } from '../errors';
import { newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { Tensor } from '../ir/tensor';
import { GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, TensorProtoSchema, OperatorSetIdProtoSchema, AttributeProtoSchema, AttributeProto_AttributeType } from './gen/layerlens/onnx/onnx_pb';
import { readModel } from './reader';
import { modelToProto, writeModel } from './writer';

test('a truncated real model: ModelFormatError with a byte offset inside the file', () => {
  const bytes = readFileSync(realModelPath('ppocr-cls.onnx'));
  for (const frac of [0.1, 0.5, 0.99]) {
    const cut = bytes.subarray(0, Math.floor(bytes.length * frac));
    assert.throws(
      () => readModel(cut),
      (e: unknown) => {
        assert.ok(e instanceof ModelFormatError, String(e));
        assert.match(e.message, /truncated or corrupt protobuf at byte \d+ \(file is \d+ bytes\)/);
        assert.ok(e.byteOffset !== undefined && e.byteOffset < cut.length);
        assert.match(e.message, /ModelProto\.graph/);
        return true;
      },
    );
  }
});

test('an empty file, random bytes and text are not ONNX models', () => {
  assert.throws(() => readModel(new Uint8Array(0)), /ModelFormatError|empty/);
  let seed = 7;
  for (let k = 0; k < 20; k++) {
    const junk = Uint8Array.from({ length: 4096 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed & 0xff;
    });
    assert.throws(() => readModel(junk), (e: unknown) => e instanceof ModelFormatError || e instanceof ModelGraphError || e instanceof ShapeError);
  }
  assert.throws(() => readModel(new TextEncoder().encode('{"model": "not really"}\n')), ModelFormatError);
});

test('a TensorProto file is a protobuf but not a model', () => {
  const t = create(TensorProtoSchema, { dims: [2n], dataType: 1, floatData: [1, 2], name: 'x' });
  assert.throws(() => readModel(toBinary(TensorProtoSchema, t)), /not an ONNX model/);
});

function modelWith(nodes: { op: string; inputs: string[]; outputs: string[] }[], inputs = ['x'], outputs = ['y']): Uint8Array {
  const vi = (name: string) => ({ name, type: { value: { case: 'tensorType' as const, value: { elemType: 1 } } } });
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: 8n,
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })],
      graph: create(GraphProtoSchema, {
        name: 'g',
        input: inputs.map(vi),
        output: outputs.map(vi),
        node: nodes.map((n, i) => create(NodeProtoSchema, { name: `n${i}`, opType: n.op, input: n.inputs, output: n.outputs })),
      }),
    }),
  );
}

test('a cycle is named, not followed forever', () => {
  const bytes = modelWith([
    { op: 'Add', inputs: ['x', 'b'], outputs: ['a'] },
    { op: 'Relu', inputs: ['a'], outputs: ['b'] },
    { op: 'Identity', inputs: ['b'], outputs: ['y'] },
  ]);
  assert.throws(() => readModel(bytes), (e: unknown) => e instanceof ModelGraphError && /cycle through node/.test(e.message));
});

test('a node reading a value nobody produces, and a value produced twice', () => {
  assert.throws(
    () => readModel(modelWith([{ op: 'Relu', inputs: ['ghost'], outputs: ['y'] }])),
    (e: unknown) => e instanceof ModelGraphError && /Relu 'n0' input 0 reads 'ghost'/.test(e.message),
  );
  assert.throws(
    () => readModel(modelWith([{ op: 'Relu', inputs: ['x'], outputs: ['y'] }, { op: 'Neg', inputs: ['x'], outputs: ['y'] }])),
    /value 'y' is produced by node Neg 'n1' and also by node Relu 'n0'/,
  );
});

function withInitializer(t: ReturnType<typeof create<typeof TensorProtoSchema>>): Uint8Array {
  const { model, b } = newModel('t');
  const x = b.input('x', DataType.FLOAT, [1]);
  const [y] = b.node('Relu', [x]);
  b.output(y!, DataType.FLOAT, [1]);
  const p = modelToProto(model);
  p.graph!.initializer.push(t);
  return toBinary(ModelProtoSchema, p);
}

test('absurd dims: product past 2^53, negative dims, a tensor far larger than its data', () => {
  const t0 = performance.now();
  assert.throws(
    () => readModel(withInitializer(create(TensorProtoSchema, { name: 'w', dataType: 1, dims: [1n << 30n, 1n << 30n, 1n << 30n], rawData: new Uint8Array(4) }))),
    (e: unknown) => e instanceof ShapeError && /overflows 2\^53/.test(e.message) && /'w'/.test(e.message),
  );
  assert.throws(
    () => readModel(withInitializer(create(TensorProtoSchema, { name: 'w', dataType: 1, dims: [-3n], rawData: new Uint8Array(4) }))),
    (e: unknown) => e instanceof ShapeError && /negative dim -3/.test(e.message),
  );
  assert.throws(
    () => readModel(withInitializer(create(TensorProtoSchema, { name: 'big', dataType: 1, dims: [1_000_000_000_000n], rawData: new Uint8Array(4) }))),
    (e: unknown) => e instanceof ModelGraphError && /declares 1000000000000 elements but holds 4 bytes/.test(e.message),
  );
  assert.ok(performance.now() - t0 < 5_000, 'no allocation from the declared size (would take far longer)');
});

test('external data locations that leave the model folder are refused before any read', () => {
  for (const location of ['/etc/passwd', '../secret.bin', 'a/../../b.bin', 'C:\\\\x.bin']) {
    const t = create(TensorProtoSchema, {
      name: 'w', dataType: 1, dims: [4n], dataLocation: 1,
      externalData: [{ key: 'location', value: location }, { key: 'length', value: '16' }],
    });
    assert.throws(() => readModel(withInitializer(t)), (e: unknown) => e instanceof ExternalDataError && /inside the model's folder/.test(e.message), location);
  }
});

test('deeply nested subgraphs (a recursion bomb) give a typed error', () => {
  // 200 If nodes, each holding the next in its then_branch.
  let g = create(GraphProtoSchema, { name: 'leaf' });
  for (let i = 0; i < 200; i++) {
    const attr = create(AttributeProtoSchema, { name: 'then_branch', type: AttributeProto_AttributeType.GRAPH, g });
    g = create(GraphProtoSchema, { name: `g${i}`, node: [create(NodeProtoSchema, { opType: 'If', attribute: [attr] })] });
  }
  const bytes = toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, graph: g }));
  assert.throws(() => readModel(bytes), (e: unknown) => e instanceof ModelLimitError && /deeper than the limit of 100 levels/.test(e.message));
});

test('the sample model reads, and data types decode by hand-checked values', () => {
  const m = readModel(readFileSync(SAMPLE));
  assert.equal(m.graph.nodes.length, 15);
  const half = new Tensor('h', DataType.FLOAT16, [3], { kind: 'int32', values: [0x3c00, 0xc000, 0x7bff] });
  assert.deepEqual([...half.toNumbers()], [1, -2, 65504]);
  const bf = new Tensor('b', DataType.BFLOAT16, [2], { kind: 'raw', bytes: Uint8Array.from([0x80, 0x3f, 0x00, 0xc0]) });
  assert.deepEqual([...bf.toNumbers()], [1, -2]);
  const i4 = new Tensor('i', DataType.INT4, [3], { kind: 'raw', bytes: Uint8Array.from([0xf7, 0x08]) });
  assert.deepEqual([...i4.toNumbers()], [7, -1, -8]);
  const e4m3 = new Tensor('f8', DataType.FLOAT8E4M3FN, [3], { kind: 'raw', bytes: Uint8Array.from([0x38, 0xb8, 0x7f]) });
  assert.deepEqual([...e4m3.toNumbers()].slice(0, 2), [1, -1]);
  assert.ok(Number.isNaN(e4m3.toNumbers()[2]));
  const e5m2 = new Tensor('f8b', DataType.FLOAT8E5M2, [2], { kind: 'raw', bytes: Uint8Array.from([0x3c, 0x7c]) });
  assert.deepEqual([...e5m2.toNumbers()], [1, Infinity]);
  const big = new Tensor('l', DataType.INT64, [1], { kind: 'int64', values: [9223372036854775807n] });
  assert.deepEqual(big.toBigInts(), [9223372036854775807n]);
  // A saved model keeps INT64_MAX exactly in attributes.
  const { model, b } = newModel('s', [{ domain: '', version: 9 }]);
  const x = b.input('x', DataType.FLOAT, [4]);
  const [y] = b.node('Slice', [x], { starts: [1n], ends: [9223372036854775807n], axes: [0n] });
  b.output(y!);
  const again = readModel(writeModel(model));
  const a = again.graph.nodes[0]!.attr('ends');
  assert.equal(a?.kind === 'ints' ? a.value[0] : undefined, 9223372036854775807n);
});
