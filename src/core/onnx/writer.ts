// IR -> ONNX binary. Everything the reader keeps is written back in the form the file used (raw vs
// typed data fields, value_info, annotations, metadata), so load -> save -> load is the same model.
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { ModelGraphError } from '../errors';
import type { Attribute } from '../ir/attribute';
import type { Graph } from '../ir/graph';
import type { FunctionDef, Model, OpsetImport } from '../ir/model';
import type { Shape, ValueType } from '../ir/shape';
import type { SparseTensor } from '../ir/sparse-tensor';
import type { Tensor } from '../ir/tensor';
import {
  AttributeProto_AttributeType as AT,
  AttributeProtoSchema,
  FunctionProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  SparseTensorProtoSchema,
  StringStringEntryProtoSchema,
  TensorAnnotationSchema,
  TensorProto_DataLocation,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TrainingInfoProtoSchema,
  TypeProtoSchema,
  TypeProto_MapSchema,
  TypeProto_OpaqueSchema,
  TypeProto_OptionalSchema,
  TypeProto_SequenceSchema,
  TypeProto_SparseTensorSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type TensorProto,
  type TypeProto,
  type ValueInfoProto,
} from './gen/layerlens/onnx/onnx_pb';

/**
 * Drops proto2 scalar fields that hold their default ('' or 0): set explicitly, protobuf-es would
 * write them, making saved files larger than the original with no change in meaning.
 */
function lean<T extends object>(init: T): T {
  const out = { ...init } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (v === '' || v === 0n || v === undefined) delete out[k];
  return out as T;
}

function mk<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): MessageShape<Desc> {
  return create(schema, lean(init as object) as MessageInitShape<Desc>);
}

export function writeModel(model: Model): Uint8Array {
  return toBinary(ModelProtoSchema, modelToProto(model));
}

export function modelToProto(m: Model): ModelProto {
  return mk(ModelProtoSchema, {
    irVersion: BigInt(m.irVersion),
    opsetImport: m.opsetImports.map(opsetToProto),
    producerName: m.producerName,
    producerVersion: m.producerVersion,
    domain: m.domain,
    modelVersion: BigInt(m.modelVersion),
    docString: m.docString,
    graph: graphToProto(m.graph),
    metadataProps: entriesToProto(m.metadata),
    trainingInfo: m.trainingInfo.map((b) => fromBinary(TrainingInfoProtoSchema, b)),
    functions: m.functions.map(functionToProto),
  });
}

function opsetToProto(o: OpsetImport) {
  return mk(OperatorSetIdProtoSchema, { domain: o.domain, version: BigInt(o.version) });
}

function entriesToProto(list: [string, string][]) {
  return list.map(([key, value]) => mk(StringStringEntryProtoSchema, { key, value }));
}

function shapeToProto(s: Shape) {
  return mk(TensorShapeProtoSchema, {
    dim: s.map((d) =>
      mk(TensorShapeProto_DimensionSchema, {
        value:
          typeof d === 'number'
            ? { case: 'dimValue', value: BigInt(d) }
            : typeof d === 'string'
              ? { case: 'dimParam', value: d }
              : { case: undefined },
      }),
    ),
  });
}

export function typeToProto(t: ValueType): TypeProto {
  const denotation = t.denotation ?? '';
  switch (t.kind) {
    case 'tensor':
      return mk(TypeProtoSchema, {
        denotation,
        value: {
          case: 'tensorType',
          value: mk(TypeProto_TensorSchema, {
            elemType: t.elemType,
            ...(t.shape ? { shape: shapeToProto(t.shape) } : {}),
          }),
        },
      });
    case 'sparse_tensor':
      return mk(TypeProtoSchema, {
        denotation,
        value: {
          case: 'sparseTensorType',
          value: mk(TypeProto_SparseTensorSchema, {
            elemType: t.elemType,
            ...(t.shape ? { shape: shapeToProto(t.shape) } : {}),
          }),
        },
      });
    case 'sequence':
      return mk(TypeProtoSchema, {
        denotation,
        value: {
          case: 'sequenceType',
          value: create(TypeProto_SequenceSchema, t.elem ? { elemType: typeToProto(t.elem) } : {}),
        },
      });
    case 'optional':
      return mk(TypeProtoSchema, {
        denotation,
        value: {
          case: 'optionalType',
          value: create(TypeProto_OptionalSchema, t.elem ? { elemType: typeToProto(t.elem) } : {}),
        },
      });
    case 'map':
      return mk(TypeProtoSchema, {
        denotation,
        value: {
          case: 'mapType',
          value: mk(TypeProto_MapSchema, {
            keyType: t.keyType,
            ...(t.value ? { valueType: typeToProto(t.value) } : {}),
          }),
        },
      });
    case 'opaque':
      return mk(TypeProtoSchema, {
        denotation,
        value: { case: 'opaqueType', value: mk(TypeProto_OpaqueSchema, { domain: t.domain, name: t.name }) },
      });
  }
}

function valueInfoToProto(v: { name: string; type: ValueType | null; docString: string; metadata: [string, string][] }): ValueInfoProto {
  return mk(ValueInfoProtoSchema, {
    name: v.name,
    ...(v.type ? { type: typeToProto(v.type) } : {}),
    docString: v.docString,
    metadataProps: entriesToProto(v.metadata),
  });
}

export function tensorToProto(t: Tensor): TensorProto {
  const p = mk(TensorProtoSchema, {
    name: t.name,
    dataType: t.dataType,
    dims: t.dims.map((d) => BigInt(d)),
    docString: t.docString,
    metadataProps: entriesToProto(t.metadata),
  });
  // Data left in the model file is read now and written in the form the file used.
  const s = t.storage.kind === 'in-file' ? t.loadedStorage()! : t.storage;
  switch (s.kind) {
    case 'raw':
      p.rawData = s.bytes;
      break;
    case 'float':
      p.floatData = s.values;
      break;
    case 'int32':
      p.int32Data = s.values;
      break;
    case 'int64':
      p.int64Data = s.values;
      break;
    case 'double':
      p.doubleData = s.values;
      break;
    case 'uint64':
      p.uint64Data = s.values;
      break;
    case 'string':
      p.stringData = s.values;
      break;
    case 'external':
      p.dataLocation = TensorProto_DataLocation.EXTERNAL;
      p.externalData = entriesToProto(s.ref.entries);
      break;
    case 'declared':
      throw new ModelGraphError(`tensor '${t.name}' is declared by type and shape only: fill its data before saving (e.g. compile the .onnxtxt with an initializer)`, t.name);
  }
  return p;
}

function sparseToProto(s: SparseTensor) {
  return mk(SparseTensorProtoSchema, {
    values: tensorToProto(s.values),
    indices: tensorToProto(s.indices),
    dims: s.dims.map((d) => BigInt(d)),
  });
}

function attributeToProto(a: Attribute): AttributeProto {
  const p = mk(AttributeProtoSchema, { name: a.name, docString: a.docString ?? '', refAttrName: a.refAttrName ?? '' });
  switch (a.kind) {
    case 'float':
      p.type = AT.FLOAT;
      p.f = a.value;
      break;
    case 'int':
      p.type = AT.INT;
      p.i = a.value;
      break;
    case 'string':
      p.type = AT.STRING;
      p.s = a.value;
      break;
    case 'tensor':
      p.type = AT.TENSOR;
      p.t = tensorToProto(a.value);
      break;
    case 'graph':
      p.type = AT.GRAPH;
      p.g = graphToProto(a.value);
      break;
    case 'sparse_tensor':
      p.type = AT.SPARSE_TENSOR;
      p.sparseTensor = sparseToProto(a.value);
      break;
    case 'type_proto':
      p.type = AT.TYPE_PROTO;
      p.tp = typeToProto(a.value);
      break;
    case 'floats':
      p.type = AT.FLOATS;
      p.floats = a.value;
      break;
    case 'ints':
      p.type = AT.INTS;
      p.ints = a.value;
      break;
    case 'strings':
      p.type = AT.STRINGS;
      p.strings = a.value;
      break;
    case 'tensors':
      p.type = AT.TENSORS;
      p.tensors = a.value.map(tensorToProto);
      break;
    case 'graphs':
      p.type = AT.GRAPHS;
      p.graphs = a.value.map(graphToProto);
      break;
    case 'sparse_tensors':
      p.type = AT.SPARSE_TENSORS;
      p.sparseTensors = a.value.map(sparseToProto);
      break;
    case 'type_protos':
      p.type = AT.TYPE_PROTOS;
      p.typeProtos = a.value.map(typeToProto);
      break;
    case 'undefined':
      break;
  }
  return p;
}

export function graphToProto(g: Graph): GraphProto {
  return mk(GraphProtoSchema, {
    name: g.name,
    docString: g.docString,
    node: g.nodes.map((n) =>
      mk(NodeProtoSchema, {
        name: n.name,
        opType: n.opType,
        domain: n.domain,
        overload: n.overload,
        docString: n.docString,
        input: n.inputs.map((v) => v?.name ?? ''),
        output: n.outputs.map((v) => v?.name ?? ''),
        attribute: n.attributes.map(attributeToProto),
        metadataProps: entriesToProto(n.metadata),
      }),
    ),
    input: g.inputs.map(valueInfoToProto),
    output: g.outputs.map(valueInfoToProto),
    valueInfo: g.valueInfo.map(valueInfoToProto),
    initializer: g.initializers.map(tensorToProto),
    sparseInitializer: g.sparseInitializers.map(sparseToProto),
    quantizationAnnotation: g.quantizationAnnotation.map((a) =>
      mk(TensorAnnotationSchema, {
        tensorName: a.tensorName,
        quantParameterTensorNames: entriesToProto(a.quantParameterTensorNames),
      }),
    ),
    metadataProps: entriesToProto(g.metadata),
  });
}

function functionToProto(f: FunctionDef) {
  const body = graphToProto(f.body);
  return mk(FunctionProtoSchema, {
    name: f.name,
    domain: f.domain,
    overload: f.overload,
    input: f.inputs,
    output: f.outputs,
    attribute: f.attributeNames,
    attributeProto: f.attributeDefaults.map(attributeToProto),
    node: body.node,
    valueInfo: body.valueInfo,
    opsetImport: f.opsetImports.map(opsetToProto),
    docString: f.docString,
    metadataProps: entriesToProto(f.metadata),
  });
}
