// Synthetic ~1 GB models for the data-path benchmark, generated on the fly (never committed): a
// chain of 15 MatMuls with 4096×4096 float weights (64 MiB each, 1.0 GB in all), once with the
// weights in an external data file and once inside the .onnx itself. The weight bytes are holes of
// sparse files (zeros that take no disk and no time to write): opening the model must not read them,
// and a reader that did would still get valid zeros. The protobuf around the internal weights is
// written by hand here — graph and tensor headers encoded by @bufbuild/protobuf, each weight's
// `raw_data` field (tag, length) written before its payload — because encoding 1 GB through the
// writer would need 2 GB of memory in the bench itself.
import { create, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { closeSync, existsSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { newModel } from '../src/core/ir/builder';
import { DataType } from '../src/core/ir/data-type';
import { Tensor } from '../src/core/ir/tensor';
import type { Value } from '../src/core/ir/graph';
import { GraphProtoSchema, ModelProtoSchema, TensorProtoSchema } from '../src/core/onnx/gen/layerlens/onnx/onnx_pb';
import { modelToProto } from '../src/core/onnx/writer';

export const HUGE_LAYERS = 15;
export const HUGE_WIDTH = 4096;
const WEIGHT_BYTES = HUGE_WIDTH * HUGE_WIDTH * 4;

/** The chain, its weights external in `dataName` at 4 KiB-aligned offsets. */
function chain(dataName: string) {
  const { model, b } = newModel('bench-1g', [{ domain: '', version: 17 }]);
  let x: Value = b.input('x', DataType.FLOAT, ['batch', HUGE_WIDTH]);
  for (let i = 0; i < HUGE_LAYERS; i++) {
    const name = `/layers.${i}/weight`;
    const offset = i * WEIGHT_BYTES;
    const entries: [string, string][] = [['location', dataName], ['offset', String(offset)], ['length', String(WEIGHT_BYTES)]];
    const t = new Tensor(name, DataType.FLOAT, [HUGE_WIDTH, HUGE_WIDTH], { kind: 'external', ref: { location: dataName, offset, length: WEIGHT_BYTES, entries }, reader: null });
    model.graph.initializers.push(t);
    const w = model.graph.define(name);
    w.initializer = t;
    const [y] = b.node('MatMul', [x, w], {}, { name: `/layers.${i}/MatMul` });
    const [r] = b.node('Relu', [y!], {}, { name: `/layers.${i}/Relu` });
    x = r!;
  }
  b.output(x, DataType.FLOAT, ['batch', HUGE_WIDTH]);
  return model;
}

/** Writes `parts` (bytes, or a hole of n bytes) to `path`; holes become sparse regions. */
function writeSparse(path: string, parts: (Uint8Array | number)[]): void {
  const fd = openSync(path, 'w');
  try {
    let at = 0;
    for (const p of parts) {
      if (typeof p === 'number') at += p;
      else {
        writeSync(fd, p, 0, p.length, at);
        at += p.length;
      }
    }
    ftruncateSync(fd, at);
  } finally {
    closeSync(fd);
  }
}

/** `<dir>/bench-1g-external.onnx` + `.data`: the .onnx is a few kB, the data file 1.0 GB of holes. */
export function hugeExternalModel(dir: string): string {
  const path = `${dir}/bench-1g-external.onnx`;
  const dataName = `${basename(path)}.data`;
  if (!existsSync(path) || !existsSync(`${dir}/${dataName}`)) {
    writeSparse(`${dir}/${dataName}`, [HUGE_LAYERS * WEIGHT_BYTES]);
    writeSparse(path, [toBinary(ModelProtoSchema, modelToProto(chain(dataName)))]);
  }
  return path;
}

/** `<dir>/bench-1g-internal.onnx`: the same chain with its 1.0 GB of weights inside the protobuf. */
export function hugeInternalModel(dir: string): string {
  const path = `${dir}/bench-1g-internal.onnx`;
  if (existsSync(path) && statSync(path).size > HUGE_LAYERS * WEIGHT_BYTES) return path;
  const proto = modelToProto(chain('unused'));
  const graph = proto.graph!;
  const tensors = graph.initializer;
  graph.initializer = [];
  // Each initializer: its header (name, dims, type) then raw_data (field 9) = WEIGHT_BYTES of holes.
  const initializerParts: (Uint8Array | number)[] = [];
  let initializerBytes = 0;
  for (const t of tensors) {
    const header = toBinary(TensorProtoSchema, create(TensorProtoSchema, { name: t.name, dims: t.dims, dataType: t.dataType }));
    const rawTag = new BinaryWriter().tag(9, WireType.LengthDelimited).uint32(WEIGHT_BYTES).finish();
    const tensorLength = header.length + rawTag.length + WEIGHT_BYTES;
    const fieldTag = new BinaryWriter().tag(5, WireType.LengthDelimited).uint32(tensorLength).finish(); // GraphProto.initializer
    initializerParts.push(fieldTag, header, rawTag, WEIGHT_BYTES);
    initializerBytes += fieldTag.length + tensorLength;
  }
  const graphRest = toBinary(GraphProtoSchema, graph);
  proto.graph = undefined;
  const modelRest = toBinary(ModelProtoSchema, proto);
  const graphTag = new BinaryWriter().tag(7, WireType.LengthDelimited).uint32(graphRest.length + initializerBytes).finish(); // ModelProto.graph
  writeSparse(path, [modelRest, graphTag, graphRest, ...initializerParts]);
  return path;
}
