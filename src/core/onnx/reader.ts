// ONNX binary -> IR. Decoding is done by @bufbuild/protobuf from the generated schema; this module
// checks what protobuf cannot (that it is an ONNX model, that tensors hold what their dims claim,
// that every value has a producer, no cycles) and builds the IR with producer/use links.
import { fromBinary, isFieldSet, toBinary } from '@bufbuild/protobuf';
import { ModelFormatError, ModelGraphError, ShapeError } from '../errors';
import type { Attribute } from '../ir/attribute';
import { DataType } from '../ir/data-type';
import { Graph, Node } from '../ir/graph';
import { isSorted, topologicalOrder } from '../ir/graph-order';
import { Model, type FunctionDef, type OpsetImport } from '../ir/model';
import type { Dim, Shape, ValueType } from '../ir/shape';
import { SparseTensor } from '../ir/sparse-tensor';
import { Tensor, type ExternalDataReader, type ExternalRef, type TensorStorage } from '../ir/tensor';
import { checkExternalLocation } from './external-location';
import {
  AttributeProto_AttributeType as AT,
  ModelProtoSchema,
  TensorProto_DataLocation,
  TensorProtoSchema,
  TrainingInfoProtoSchema,
  type AttributeProto,
  type FunctionProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type OperatorSetIdProto,
  type SparseTensorProto,
  type StringStringEntryProto,
  type TensorProto,
  type TensorShapeProto,
  type TypeProto,
  type ValueInfoProto,
} from './gen/layerlens/onnx/onnx_pb';
import { findWireProblem } from './wire-check';

export interface ReadOptions {
  /** Reads external data files; without it, a model with external data still loads but its weights cannot be read. */
  externalData?: ExternalDataReader;
}

/** Decode the protobuf, with errors that say where the bytes stop making sense. */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  if (bytes.length === 0) {
    throw new ModelFormatError('the file is empty (0 bytes): it is not an ONNX model', 0);
  }
  let proto: ModelProto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: false });
  } catch (e) {
    const p = findWireProblem(bytes, ModelProtoSchema);
    if (p) {
      throw new ModelFormatError(
        `truncated or corrupt protobuf at byte ${p.offset} (file is ${bytes.length} bytes), in ${p.path}: ${p.problem}; ` +
          'the file is incomplete or not an ONNX model',
        p.offset,
      );
    }
    throw new ModelFormatError(
      `the file is not a valid ONNX protobuf (${(e as Error).message}); it may be corrupt or another format`,
    );
  }
  if (!proto.graph || (proto.irVersion === 0n && proto.opsetImport.length === 0)) {
    throw new ModelFormatError(
      'the file decodes as protobuf but is not an ONNX model (no graph, IR version or opset imports): ' +
        'check that this is a .onnx file and not, e.g., a TensorProto (.pb) or TensorFlow model',
    );
  }
  return proto;
}

export function readModel(bytes: Uint8Array, options: ReadOptions = {}): Model {
  return modelFromProto(decodeModelProto(bytes), options);
}

export function modelFromProto(proto: ModelProto, options: ReadOptions = {}): Model {
  const ctx = new BuildContext(options.externalData ?? null);
  const graph = ctx.graph(proto.graph!, null, null);
  const model = new Model(graph);
  model.irVersion = safeNumber(proto.irVersion, 'ir_version');
  model.opsetImports = proto.opsetImport.map(opsetFromProto);
  model.producerName = proto.producerName;
  model.producerVersion = proto.producerVersion;
  model.domain = proto.domain;
  model.modelVersion = safeNumber(proto.modelVersion, 'model_version');
  model.docString = proto.docString;
  model.metadata = entries(proto.metadataProps);
  model.functions = proto.functions.map((f) => ctx.functionDef(f));
  model.trainingInfo = proto.trainingInfo.map((t) => toBinary(TrainingInfoProtoSchema, t));
  model.externalData = options.externalData ?? null;
  return model;
}

function opsetFromProto(o: OperatorSetIdProto): OpsetImport {
  return { domain: o.domain, version: safeNumber(o.version, `opset version of '${o.domain}'`) };
}

function entries(list: StringStringEntryProto[]): [string, string][] {
  return list.map((e) => [e.key, e.value]);
}

function safeNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ModelGraphError(`${what} is ${v}, beyond 2^53: the model is corrupt`);
  }
  return Number(v);
}

function dimsFromProto(dims: bigint[], what: string): number[] {
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

/** Holds what graph building shares across subgraphs and functions. */
class BuildContext {
  constructor(private readonly reader: ExternalDataReader | null) {}

  tensor(t: TensorProto): Tensor {
    return tensorFromProto(t, this.reader);
  }

  sparse(s: SparseTensorProto): SparseTensor {
    if (!s.values || !s.indices) throw new ModelGraphError('a sparse tensor lacks its values or indices');
    const values = this.tensor(s.values);
    return new SparseTensor(values, this.tensor(s.indices), dimsFromProto(s.dims, `sparse tensor '${values.name}'`));
  }

  /** Build `gp` into `g` (a fresh graph unless the caller pre-defined its inputs, as for function bodies). */
  graph(gp: GraphProto, parent: Graph | null, owner: Node | null, g = new Graph(gp.name, parent, owner)): Graph {
    g.docString = gp.docString;
    g.metadata = entries(gp.metadataProps);
    const where = (name: string): string => (parent ? `${g.path || g.name}: ${name}` : name);

    for (const vi of gp.input) g.inputs.push(this.valueInfo(g, vi));
    for (const tp of gp.initializer) {
      const t = this.tensor(tp);
      g.initializers.push(t);
      g.define(t.name).initializer = t;
    }
    for (const sp of gp.sparseInitializer) {
      const s = this.sparse(sp);
      g.sparseInitializers.push(s);
      g.define(s.name).sparseInitializer = s;
    }
    // Nodes and their outputs first, so inputs can refer to any producer, including later ones.
    const nodes = gp.node.map((np) => {
      const n = new Node(np.name, np.opType, np.domain, g);
      n.docString = np.docString;
      n.overload = np.overload;
      n.metadata = entries(np.metadataProps);
      for (const out of np.output) {
        if (out === '') {
          n.outputs.push(null);
          continue;
        }
        const v = g.define(out);
        if (v.producer || v.initializer || v.isGraphInput()) {
          const first = v.producer ? `node ${v.producer}` : v.initializer ? 'an initializer' : 'a graph input';
          throw new ModelGraphError(
            `value '${out}' is produced by node ${n.opType} '${np.name}' and also by ${first}: ` +
              'every value must have exactly one producer',
            where(out),
          );
        }
        v.producer = n;
        n.outputs.push(v);
      }
      g.nodes.push(n);
      return n;
    });
    nameNodes(g);
    gp.node.forEach((np, i) => this.nodeBody(g, nodes[i]!, np, where));
    for (const vi of gp.output) {
      const v = g.lookup(vi.name);
      if (!v) {
        throw new ModelGraphError(
          `graph output '${vi.name}' is produced by no node, input or initializer`,
          where(vi.name),
        );
      }
      this.fillValueInfo(v, vi);
      g.outputs.push(v);
    }
    for (const vi of gp.valueInfo) {
      const v = g.lookup(vi.name) ?? g.define(vi.name);
      this.fillValueInfo(v, vi);
      g.valueInfo.push(v);
    }
    g.quantizationAnnotation = gp.quantizationAnnotation.map((a) => ({
      tensorName: a.tensorName,
      quantParameterTensorNames: entries(a.quantParameterTensorNames),
    }));
    checkOrder(g);
    return g;
  }

  private valueInfo(g: Graph, vi: ValueInfoProto): ReturnType<Graph['define']> {
    const v = g.define(vi.name);
    this.fillValueInfo(v, vi);
    return v;
  }

  private fillValueInfo(v: ReturnType<Graph['define']>, vi: ValueInfoProto): void {
    v.type = typeFromProto(vi.type, `value '${vi.name}'`) ?? v.type;
    v.docString = vi.docString;
    v.metadata = entries(vi.metadataProps);
  }

  private nodeBody(g: Graph, n: Node, np: NodeProto, where: (s: string) => string): void {
    np.input.forEach((name, i) => {
      if (name === '') {
        n.inputs.push(null);
        return;
      }
      const v = g.lookup(name);
      if (!v) {
        throw new ModelGraphError(
          `node ${n} input ${i} reads '${name}', which no node, graph input or initializer produces`,
          where(n.displayName),
        );
      }
      n.inputs.push(v);
      v.uses.push({ node: n, index: i });
    });
    n.attributes = np.attribute.map((a) => this.attribute(a, g, n));
    if (n.opType === 'Constant' && n.domain === '') n.constantTensor = constantOf(n);
  }

  attribute(a: AttributeProto, g: Graph | null, n: Node | null): Attribute {
    const base = {
      name: a.name,
      ...(a.docString ? { docString: a.docString } : {}),
      ...(a.refAttrName ? { refAttrName: a.refAttrName } : {}),
    };
    const sub = (gp: GraphProto): Graph => this.graph(gp, g, n);
    switch (a.type) {
      case AT.FLOAT:
        return { ...base, kind: 'float', value: a.f };
      case AT.INT:
        return { ...base, kind: 'int', value: a.i };
      case AT.STRING:
        return { ...base, kind: 'string', value: a.s };
      case AT.TENSOR:
        if (!a.t) throw new ModelGraphError(`attribute '${a.name}' is a tensor attribute without a tensor`);
        return { ...base, kind: 'tensor', value: this.tensor(a.t) };
      case AT.GRAPH:
        if (!a.g) throw new ModelGraphError(`attribute '${a.name}' is a graph attribute without a graph`);
        return { ...base, kind: 'graph', value: sub(a.g) };
      case AT.SPARSE_TENSOR:
        if (!a.sparseTensor) throw new ModelGraphError(`attribute '${a.name}' has no sparse tensor`);
        return { ...base, kind: 'sparse_tensor', value: this.sparse(a.sparseTensor) };
      case AT.TYPE_PROTO:
        return { ...base, kind: 'type_proto', value: typeFromProto(a.tp, a.name) ?? { kind: 'opaque', domain: '', name: '' } };
      case AT.FLOATS:
        return { ...base, kind: 'floats', value: a.floats };
      case AT.INTS:
        return { ...base, kind: 'ints', value: a.ints };
      case AT.STRINGS:
        return { ...base, kind: 'strings', value: a.strings };
      case AT.TENSORS:
        return { ...base, kind: 'tensors', value: a.tensors.map((t) => this.tensor(t)) };
      case AT.GRAPHS:
        return { ...base, kind: 'graphs', value: a.graphs.map(sub) };
      case AT.SPARSE_TENSORS:
        return { ...base, kind: 'sparse_tensors', value: a.sparseTensors.map((s) => this.sparse(s)) };
      case AT.TYPE_PROTOS:
        return {
          ...base,
          kind: 'type_protos',
          value: a.typeProtos.map((t) => typeFromProto(t, a.name) ?? { kind: 'opaque', domain: '', name: '' }),
        };
      default:
        return { ...base, kind: 'undefined', value: null };
    }
  }

  functionDef(f: FunctionProto): FunctionDef {
    const body = new Graph(f.name);
    for (const name of f.input) body.inputs.push(body.define(name));
    const gp = { node: f.node, name: f.name, input: [], output: [], initializer: [], sparseInitializer: [],
      valueInfo: f.valueInfo, quantizationAnnotation: [], metadataProps: [], docString: '' } as unknown as GraphProto;
    const built = this.graph(gp, null, null, body);
    for (const name of f.output) {
      const v = built.lookup(name);
      if (!v) throw new ModelGraphError(`function '${f.domain}.${f.name}' output '${name}' is produced by no node`);
      built.outputs.push(v);
    }
    return {
      name: f.name,
      domain: f.domain,
      overload: f.overload,
      inputs: f.input,
      outputs: f.output,
      attributeNames: f.attribute,
      attributeDefaults: f.attributeProto.map((a) => this.attribute(a, null, null)),
      body: built,
      opsetImports: f.opsetImport.map(opsetFromProto),
      docString: f.docString,
      metadata: entries(f.metadataProps),
    };
  }
}

/** Unnamed nodes take ONNX Runtime's name: `<OpType>_<k>`, k counting non-Constant nodes in file order. */
export function nameNodes(g: Graph): void {
  let k = 0;
  let j = 0;
  for (const n of g.nodes) {
    const isConstant = n.opType === 'Constant' && n.domain === '';
    // Constant nodes never run in ORT (they become initializers), so their names only need to be unique.
    if (!n.name) n.displayName = isConstant ? `Constant_${j}` : `${n.opType}_${k}`;
    if (isConstant) j++;
    else k++;
  }
}

/** Rejects cycles. Nodes out of topological order are allowed (they are sorted where needed). */
function checkOrder(g: Graph): void {
  if (isSorted(g)) return;
  if (topologicalOrder(g) === null) {
    const stuck = findCycleNode(g);
    throw new ModelGraphError(
      `the graph has a cycle through node ${stuck}: ONNX graphs must be acyclic`,
      stuck?.displayName,
    );
  }
}

function findCycleNode(g: Graph): Node | undefined {
  const order = new Set(topologicalOrder(g) ?? []);
  return g.nodes.find((n) => !order.has(n));
}

/** The tensor a Constant node produces, from whichever value attribute it carries. */
function constantOf(n: Node): Tensor | undefined {
  const name = n.outputs[0]?.name ?? n.displayName;
  for (const a of n.attributes) {
    switch (a.name) {
      case 'value':
        if (a.kind === 'tensor') {
          return new Tensor(name, a.value.dataType, a.value.dims, a.value.storage);
        }
        break;
      case 'sparse_value':
        return undefined;
      case 'value_float':
        return Tensor.fromNumbers(name, DataType.FLOAT, [], [n.attrFloat('value_float', 0)]);
      case 'value_floats':
        if (a.kind === 'floats') return Tensor.fromNumbers(name, DataType.FLOAT, [a.value.length], a.value);
        break;
      case 'value_int':
        if (a.kind === 'int') return new Tensor(name, DataType.INT64, [], { kind: 'int64', values: [a.value] });
        break;
      case 'value_ints':
        if (a.kind === 'ints') return new Tensor(name, DataType.INT64, [a.value.length], { kind: 'int64', values: a.value });
        break;
      case 'value_string':
        if (a.kind === 'string') return new Tensor(name, DataType.STRING, [], { kind: 'string', values: [a.value] });
        break;
      case 'value_strings':
        if (a.kind === 'strings') {
          return new Tensor(name, DataType.STRING, [a.value.length], { kind: 'string', values: a.value });
        }
        break;
    }
  }
  return undefined;
}

