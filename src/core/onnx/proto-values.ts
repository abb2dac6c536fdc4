// The leaves of ONNX proto -> IR: numbers, dims, tensors (with their storage and external-data
// references), shapes and types. Each checks what protobuf cannot: dims in [0, 2^53], known data
// types, external locations that stay in the model's folder.
import { isFieldSet } from '@bufbuild/protobuf';
import { ModelGraphError, ShapeError } from '../errors';
import { DataType } from '../ir/data-type';
import type { OpsetImport } from '../ir/model';
import type { Dim, Shape, ValueType } from '../ir/shape';
import { Tensor, type ExternalDataReader, type ExternalRef, type TensorStorage } from '../ir/tensor';
import { checkExternalLocation } from './external-location';
import {
  TensorProto_DataLocation,
  TensorProtoSchema,
  type OperatorSetIdProto,
  type StringStringEntryProto,
  type TensorProto,
  type TensorShapeProto,
  type TypeProto,
} from './gen/layerlens/onnx/onnx_pb';

export function opsetFromProto(o: OperatorSetIdProto): OpsetImport {
  return { domain: o.domain, version: safeNumber(o.version, `opset version of '${o.domain}'`) };
}

export function entries(list: StringStringEntryProto[]): [string, string][] {
  return list.map((e) => [e.key, e.value]);
}

export function safeNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ModelGraphError(`${what} is ${v}, beyond 2^53: the model is corrupt`);
  }
  return Number(v);
}

export function dimsFromProto(dims: bigint[], what: string): number[] {
  return dims.map((d) => {
    if (d < 0n) throw new ShapeError(`${what} has a negative dim ${d} in [${dims.join(',')}]: the model is corrupt`);
    if (d > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ShapeError(`${what} has a dim ${d} beyond 2^53 in [${dims.join(',')}]: the shape is absurd or corrupt`);
    }
    return Number(d);
  });
}

export function tensorFromProto(t: TensorProto, reader: ExternalDataReader | null): Tensor {
  const what = `tensor '${t.name}'`;
  const dims = dimsFromProto(t.dims, what);
  const dataType = t.dataType as DataType;
  if (DataType[dataType] === undefined || dataType === DataType.UNDEFINED) {
    throw new ModelGraphError(`${what} has unknown data type ${t.dataType}: the model needs a newer ONNX reader or is corrupt`, t.name);
  }
  let storage: TensorStorage;
  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL) {
    storage = { kind: 'external', ref: externalRef(t), reader };
  } else if (isFieldSet(t, TensorProtoSchema.field.rawData)) {
    storage = { kind: 'raw', bytes: t.rawData };
  } else if (dataType === DataType.STRING) {
    storage = { kind: 'string', values: t.stringData };
  } else if (t.floatData.length || dataType === DataType.FLOAT || dataType === DataType.COMPLEX64) {
    storage = { kind: 'float', values: t.floatData };
  } else if (t.int64Data.length || dataType === DataType.INT64) {
    storage = { kind: 'int64', values: t.int64Data };
  } else if (t.doubleData.length || dataType === DataType.DOUBLE || dataType === DataType.COMPLEX128) {
    storage = { kind: 'double', values: t.doubleData };
  } else if (t.uint64Data.length || dataType === DataType.UINT64 || dataType === DataType.UINT32) {
    storage = { kind: 'uint64', values: t.uint64Data };
  } else {
    storage = { kind: 'int32', values: t.int32Data };
  }
  return new Tensor(t.name, dataType, dims, storage, t.docString, entries(t.metadataProps));
}

function externalRef(t: TensorProto): ExternalRef {
  const list = entries(t.externalData);
  const get = (k: string): string | undefined => list.find(([key]) => key === k)?.[1];
  const location = get('location');
  if (location === undefined) {
    throw new ModelGraphError(`tensor '${t.name}' is marked external but names no location`, t.name);
  }
  checkExternalLocation(location, t.name);
  const int = (k: string): number | undefined => {
    const s = get(k);
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
      throw new ModelGraphError(`tensor '${t.name}' has external data ${k} '${s}', which is not a byte count`, t.name);
    }
    return Number(s);
  };
  return { location, offset: int('offset') ?? 0, length: int('length'), entries: list };
}

function shapeFromProto(s: TensorShapeProto | undefined, what: string): Shape | null {
  if (!s) return null;
  return s.dim.map((d): Dim => {
    if (d.value.case === 'dimValue') {
      const v = d.value.value;
      if (v < 0n) throw new ShapeError(`${what} declares a negative dim ${v}: the model is corrupt`);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ShapeError(`${what} declares a dim ${v} beyond 2^53`);
      return Number(v);
    }
    if (d.value.case === 'dimParam') return d.value.value;
    return null;
  });
}

export function typeFromProto(t: TypeProto | undefined, what: string): ValueType | null {
  if (!t) return null;
  const den = t.denotation ? { denotation: t.denotation } : {};
  const v = t.value;
  switch (v.case) {
    case 'tensorType':
      return { kind: 'tensor', elemType: v.value.elemType, shape: shapeFromProto(v.value.shape, what), ...den };
    case 'sparseTensorType':
      return { kind: 'sparse_tensor', elemType: v.value.elemType, shape: shapeFromProto(v.value.shape, what), ...den };
    case 'sequenceType':
      return { kind: 'sequence', elem: typeFromProto(v.value.elemType, what), ...den };
    case 'optionalType':
      return { kind: 'optional', elem: typeFromProto(v.value.elemType, what), ...den };
    case 'mapType':
      return { kind: 'map', keyType: v.value.keyType, value: typeFromProto(v.value.valueType, what), ...den };
    case 'opaqueType':
      return { kind: 'opaque', domain: v.value.domain, name: v.value.name, ...den };
    default:
      return null;
  }
}
