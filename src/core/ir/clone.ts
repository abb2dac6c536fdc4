// An independent in-memory copy of a model: new Graphs, Values, Nodes, attributes and Tensor
// objects, with every producer/use link pointing into the copy, so a rewrite of the copy never shows
// in the original. Tensor data buffers (raw bytes, typed-field arrays' contents) are shared: no code
// edits tensor data in place (a rewrite replaces a tensor), and sharing keeps a copy of a 100 MB
// model cheap. External tensors stay references to the same files, read through the same reader.
import { Graph, Node, type Attribute, type Value } from './graph';
import { Model, type FunctionDef } from './model';
import type { Quantization } from './quantization';
import type { ValueType } from './shape';
import { SparseTensor } from './sparse-tensor';
import { Tensor, type TensorStorage } from './tensor';

class Cloner {
  private readonly values = new Map<Value, Value>();
  private readonly nodes = new Map<Node, Node>();
  private readonly tensors = new Map<Tensor, Tensor>();
  /** Graph pairs (original, copy) whose links are filled once every node and value exists. */
  private readonly pending: [Graph, Graph][] = [];

  tensor(t: Tensor): Tensor {
    let c = this.tensors.get(t);
    if (!c) {
      c = new Tensor(t.name, t.dataType, t.dims, copyStorage(t.storage), t.docString, copyPairs(t.metadata));
      this.tensors.set(t, c);
    }
    return c;
  }

  sparse(s: SparseTensor): SparseTensor {
    return new SparseTensor(this.tensor(s.values), this.tensor(s.indices), s.dims);
  }

  /** Creates the copy of `g` (and of its subgraphs); links are filled by `link()`. */
  graph(g: Graph, parent: Graph | null, owner: Node | null): Graph {
    const c = new Graph(g.name, parent, owner);
    c.docString = g.docString;
    c.metadata = copyPairs(g.metadata);
    c.quantizationAnnotation = g.quantizationAnnotation.map((a) => ({
      tensorName: a.tensorName,
      quantParameterTensorNames: copyPairs(a.quantParameterTensorNames),
    }));
    for (const [name, v] of g.values) {
      const cv = c.define(name);
      this.values.set(v, cv);
    }
    for (const n of g.nodes) {
      const cn = new Node(n.name, n.opType, n.domain, c);
      cn.displayName = n.displayName;
      cn.docString = n.docString;
      cn.overload = n.overload;
      cn.metadata = copyPairs(n.metadata);
      if (n.constantTensor) cn.constantTensor = this.tensor(n.constantTensor);
      this.nodes.set(n, cn);
      cn.attributes = n.attributes.map((a) => this.attribute(a, c, cn));
      c.nodes.push(cn);
    }
    c.initializers = g.initializers.map((t) => this.tensor(t));
    c.sparseInitializers = g.sparseInitializers.map((s) => this.sparse(s));
    this.pending.push([g, c]);
    return c;
  }

  attribute(a: Attribute, g: Graph | null, n: Node | null): Attribute {
    switch (a.kind) {
      case 'tensor':
        return { ...a, value: this.tensor(a.value) };
      case 'tensors':
        return { ...a, value: a.value.map((t) => this.tensor(t)) };
      case 'graph':
        return { ...a, value: this.graph(a.value, g, n) };
      case 'graphs':
        return { ...a, value: a.value.map((sub) => this.graph(sub, g, n)) };
      case 'sparse_tensor':
        return { ...a, value: this.sparse(a.value) };
      case 'sparse_tensors':
        return { ...a, value: a.value.map((s) => this.sparse(s)) };
      case 'type_proto':
        return { ...a, value: copyType(a.value) };
      case 'type_protos':
        return { ...a, value: a.value.map(copyType) };
      case 'floats':
      case 'ints':
      case 'strings':
        return { ...a, value: [...a.value] } as Attribute;
      default:
        return { ...a };
    }
  }

  /** A value outside every `values` map (a node may still read one a rewrite dropped from its scope). */
  value(v: Value): Value {
    let c = this.values.get(v);
    if (!c) {
      const graph = this.graphOf(v.graph);
      const fresh = graph.define(v.name);
      graph.values.delete(v.name);
      if (v.graph.values.get(v.name) === v) graph.values.set(v.name, fresh);
      c = fresh;
      this.values.set(v, c);
    }
    return c;
  }

  private graphOf(g: Graph): Graph {
    const pair = this.pending.find(([o]) => o === g);
    if (!pair) throw new Error(`cloneModel: value of graph '${g.name}' outside the model`);
    return pair[1];
  }

  /** Fills inputs, outputs, value facts and use lists once every node and value has its copy. */
  link(): void {
    for (const [g, c] of this.pending) {
      c.inputs = g.inputs.map((v) => this.value(v));
      c.outputs = g.outputs.map((v) => this.value(v));
      c.valueInfo = g.valueInfo.map((v) => this.value(v));
      for (const n of g.nodes) {
        const cn = this.nodes.get(n)!;
        for (const v of n.inputs) cn.inputs.push(v ? this.value(v) : null);
        for (const v of n.outputs) cn.outputs.push(v ? this.value(v) : null);
      }
    }
    for (const [v, cv] of [...this.values]) {
      cv.producer = v.producer ? (this.nodes.get(v.producer) ?? null) : null;
      cv.type = v.type ? copyType(v.type) : null;
      cv.initializer = v.initializer ? this.tensor(v.initializer) : null;
      cv.sparseInitializer = v.sparseInitializer ? this.sparse(v.sparseInitializer) : null;
      cv.quantization = v.quantization ? copyQuantization(v.quantization) : null;
      cv.docString = v.docString;
      cv.metadata = copyPairs(v.metadata);
      for (const u of v.uses) {
        const node = this.nodes.get(u.node);
        if (node) cv.uses.push({ node, index: u.index });
      }
    }
  }
}

function copyQuantization(q: Quantization): Quantization {
  return {
    ...q,
    scale: [...q.scale],
    zeroPoint: [...q.zeroPoint],
    ...(q.min ? { min: [...q.min] } : {}),
    ...(q.max ? { max: [...q.max] } : {}),
  };
}

function copyPairs(list: [string, string][]): [string, string][] {
  return list.map(([k, v]) => [k, v]);
}

function copyType(t: ValueType): ValueType {
  switch (t.kind) {
    case 'tensor':
    case 'sparse_tensor':
      return { ...t, shape: t.shape ? [...t.shape] : null };
    case 'sequence':
    case 'optional':
      return { ...t, elem: t.elem ? copyType(t.elem) : null };
    case 'map':
      return { ...t, value: t.value ? copyType(t.value) : null };
    default:
      return { ...t };
  }
}

function copyStorage(s: TensorStorage): TensorStorage {
  switch (s.kind) {
    case 'float':
    case 'int32':
    case 'double':
      return { kind: s.kind, values: [...s.values] };
    case 'int64':
    case 'uint64':
      return { kind: s.kind, values: [...s.values] };
    case 'string':
      return { kind: 'string', values: [...s.values] };
    case 'external':
      return { kind: 'external', ref: { ...s.ref, entries: copyPairs(s.ref.entries) }, reader: s.reader };
    default:
      return { ...s };
  }
}

/** An independent copy of `model` (see the module comment for what is shared). */
export function cloneModel(model: Model): Model {
  const k = new Cloner();
  const copy = new Model(k.graph(model.graph, null, null));
  copy.functions = model.functions.map(
    (f): FunctionDef => ({
      ...f,
      inputs: [...f.inputs],
      outputs: [...f.outputs],
      attributeNames: [...f.attributeNames],
      attributeDefaults: f.attributeDefaults.map((a) => k.attribute(a, null, null)),
      body: k.graph(f.body, null, null),
      opsetImports: f.opsetImports.map((o) => ({ ...o })),
      metadata: copyPairs(f.metadata),
    }),
  );
  k.link();
  copy.irVersion = model.irVersion;
  copy.opsetImports = model.opsetImports.map((o) => ({ ...o }));
  copy.producerName = model.producerName;
  copy.producerVersion = model.producerVersion;
  copy.domain = model.domain;
  copy.modelVersion = model.modelVersion;
  copy.docString = model.docString;
  copy.metadata = copyPairs(model.metadata);
  copy.trainingInfo = [...model.trainingInfo];
  copy.externalData = model.externalData;
  return copy;
}
