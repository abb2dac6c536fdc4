// ONNX binary -> IR. Decoding is done by @bufbuild/protobuf from the generated schema (decode.ts);
// this module builds the IR with producer/use links and checks what protobuf cannot: that every
// value has one producer and every input a producer, no cycles, and the structural rules ONNX
// Runtime enforces (structure-check.ts). Leaf conversions (tensors, types) are in proto-values.ts.
import { toBinary } from '@bufbuild/protobuf';
import { ModelGraphError } from '../errors';
import type { Attribute } from '../ir/attribute';
import { Graph, Node } from '../ir/graph';
import { isSorted, topologicalOrder } from '../ir/graph-order';
import { Model, type FunctionDef } from '../ir/model';
import { SparseTensor } from '../ir/sparse-tensor';
import type { ExternalDataReader, Tensor } from '../ir/tensor';
import { decodeModelProto } from './decode';
import {
  AttributeProto_AttributeType as AT,
  TrainingInfoProtoSchema,
  type AttributeProto,
  type FunctionProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type SparseTensorProto,
  type TensorProto,
  type ValueInfoProto,
} from './gen/layerlens/onnx/onnx_pb';
import { constantOf, nameNodes } from './node-facts';
import { dimsFromProto, entries, opsetFromProto, safeNumber, tensorFromProto, typeFromProto } from './proto-values';
import { checkStructure } from './structure-check';

export { decodeModelProto } from './decode';
export { tensorFromProto, typeFromProto } from './proto-values';

export interface ReadOptions {
  /** Reads external data files; without it, a model with external data still loads but its weights cannot be read. */
  externalData?: ExternalDataReader;
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
  model.warnings.push(...checkStructure(model));
  return model;
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

/** Rejects cycles. Nodes out of topological order are allowed (they are sorted where needed). */
function checkOrder(g: Graph): void {
  if (isSorted(g)) return;
  if (topologicalOrder(g) === null) {
    const stuck = findCycleNode(g);
    throw new ModelGraphError(
      `the graph has a cycle through node ${stuck} (a node reading its own output, directly, through other nodes or from ` +
        `its subgraphs): ONNX graphs must be acyclic, and ONNX Runtime refuses this model ("the graph is not acyclic"); ` +
        "fix the node's inputs",
      stuck?.displayName,
    );
  }
}

function findCycleNode(g: Graph): Node | undefined {
  const order = new Set(topologicalOrder(g) ?? []);
  return g.nodes.find((n) => !order.has(n));
}
