// The graph IR: Values know their producer and every use, so replace-all-uses, dead-node removal and
// "is this weight shared?" are one call each. Subgraphs (If/Loop/Scan bodies) are Graphs whose
// `parent` is the enclosing graph; a name not defined in a subgraph resolves in its parents.
// Node attributes are declared here too (one variant per ONNX AttributeType); integers stay bigint
// so that values such as INT64_MAX (Slice ends in old exports) survive a save exactly.
import type { Quantization } from './quantization';
import type { ValueType } from './shape';
import type { SparseTensor } from './sparse-tensor';
import type { Tensor } from './tensor';

interface AttrBase {
  name: string;
  docString?: string;
  /** Inside a function body: the attribute takes the value of the caller's attribute of this name. */
  refAttrName?: string;
}

export type Attribute = AttrBase &
  (
    | { kind: 'float'; value: number }
    | { kind: 'int'; value: bigint }
    | { kind: 'string'; value: Uint8Array }
    | { kind: 'tensor'; value: Tensor }
    | { kind: 'graph'; value: Graph }
    | { kind: 'sparse_tensor'; value: SparseTensor }
    | { kind: 'type_proto'; value: ValueType }
    | { kind: 'floats'; value: number[] }
    | { kind: 'ints'; value: bigint[] }
    | { kind: 'strings'; value: Uint8Array[] }
    | { kind: 'tensors'; value: Tensor[] }
    | { kind: 'graphs'; value: Graph[] }
    | { kind: 'sparse_tensors'; value: SparseTensor[] }
    | { kind: 'type_protos'; value: ValueType[] }
    | { kind: 'undefined'; value: null }
  );

export interface Use {
  node: Node;
  /** Input slot of `node` that reads the value. */
  index: number;
}

export class Value {
  producer: Node | null = null;
  readonly uses: Use[] = [];
  /** Declared type (graph input/output or value_info); inference results live elsewhere. */
  type: ValueType | null = null;
  /** The initializer holding this value, if any. */
  initializer: Tensor | null = null;
  sparseInitializer: SparseTensor | null = null;
  /** Quantization parameters the file stores for this tensor (TFLite), if any. */
  quantization: Quantization | null = null;
  docString = '';
  metadata: [string, string][] = [];

  constructor(
    public name: string,
    public readonly graph: Graph,
  ) {}

  isGraphInput(): boolean {
    return this.graph.inputs.includes(this);
  }

  isGraphOutput(): boolean {
    return this.graph.outputs.includes(this);
  }

  /** The constant tensor this value always holds (initializer or Constant node), if known statically. */
  get constant(): Tensor | null {
    if (this.initializer && !this.isGraphInput()) return this.initializer;
    const p = this.producer;
    if (p && p.opType === 'Constant' && p.domain === '') return p.constantTensor ?? null;
    return null;
  }

  /** Nodes reading this value (each once, in use order). */
  consumers(): Node[] {
    return [...new Set(this.uses.map((u) => u.node))];
  }
}

export class Node {
  readonly inputs: (Value | null)[] = [];
  readonly outputs: (Value | null)[] = [];
  attributes: Attribute[] = [];
  docString = '';
  overload = '';
  metadata: [string, string][] = [];
  /** Name shown and matched against profiles: the file's name, or ONNX Runtime's `<OpType>_<k>`. */
  displayName: string;
  /** Tensor of a Constant node, materialised by the reader from value / value_float(s) / value_int(s). */
  constantTensor?: Tensor;

  constructor(
    public name: string,
    public opType: string,
    public domain: string,
    public readonly graph: Graph,
  ) {
    this.displayName = name;
  }

  attr(name: string): Attribute | undefined {
    return this.attributes.find((a) => a.name === name);
  }

  attrInt(name: string, fallback: number): number;
  attrInt(name: string): number | undefined;
  attrInt(name: string, fallback?: number): number | undefined {
    const a = this.attr(name);
    return a?.kind === 'int' ? Number(a.value) : fallback;
  }

  attrInts(name: string): number[] | undefined {
    const a = this.attr(name);
    return a?.kind === 'ints' ? a.value.map(Number) : undefined;
  }

  attrFloat(name: string, fallback: number): number;
  attrFloat(name: string): number | undefined;
  attrFloat(name: string, fallback?: number): number | undefined {
    const a = this.attr(name);
    return a?.kind === 'float' ? a.value : a?.kind === 'int' ? Number(a.value) : fallback;
  }

  attrFloats(name: string): number[] | undefined {
    const a = this.attr(name);
    return a?.kind === 'floats' ? a.value : undefined;
  }

  attrString(name: string, fallback: string): string;
  attrString(name: string): string | undefined;
  attrString(name: string, fallback?: string): string | undefined {
    const a = this.attr(name);
    return a?.kind === 'string' ? new TextDecoder().decode(a.value) : fallback;
  }

  attrStrings(name: string): string[] | undefined {
    const a = this.attr(name);
    const dec = new TextDecoder();
    return a?.kind === 'strings' ? a.value.map((s) => dec.decode(s)) : undefined;
  }

  attrTensor(name: string): Tensor | undefined {
    const a = this.attr(name);
    return a?.kind === 'tensor' ? a.value : undefined;
  }

  attrGraph(name: string): Graph | undefined {
    const a = this.attr(name);
    return a?.kind === 'graph' ? a.value : undefined;
  }

  /** Subgraphs held in attributes (If branches, Loop/Scan bodies, custom ops' graphs). */
  subgraphs(): Graph[] {
    const out: Graph[] = [];
    for (const a of this.attributes) {
      if (a.kind === 'graph') out.push(a.value);
      else if (a.kind === 'graphs') out.push(...a.value);
    }
    return out;
  }

  /** Input `i`, or null when absent or given as the empty name (an omitted optional input). */
  input(i: number): Value | null {
    return this.inputs[i] ?? null;
  }

  output(i: number): Value | null {
    return this.outputs[i] ?? null;
  }

  /** Replace input slot `i`, keeping the use lists of the old and new value in step. */
  setInput(i: number, v: Value | null): void {
    const old = this.inputs[i];
    if (old) {
      const k = old.uses.findIndex((u) => u.node === this && u.index === i);
      if (k >= 0) old.uses.splice(k, 1);
    }
    this.inputs[i] = v;
    if (v) v.uses.push({ node: this, index: i });
  }

  /** Id for messages: the display name, with the op type. */
  toString(): string {
    return `${this.opType} '${this.displayName}'`;
  }
}

export interface TensorAnnotationIR {
  tensorName: string;
  quantParameterTensorNames: [string, string][];
}

export class Graph {
  nodes: Node[] = [];
  inputs: Value[] = [];
  outputs: Value[] = [];
  /** Initializers in file order (their values are in `values`). */
  initializers: Tensor[] = [];
  sparseInitializers: SparseTensor[] = [];
  /** Values with a value_info entry, in file order. */
  valueInfo: Value[] = [];
  quantizationAnnotation: TensorAnnotationIR[] = [];
  docString = '';
  metadata: [string, string][] = [];
  /** Every value defined in this graph's own scope, by name. */
  readonly values = new Map<string, Value>();

  constructor(
    public name: string,
    public readonly parent: Graph | null = null,
    /** The node holding this graph in an attribute (null for the main graph and function bodies). */
    public readonly owner: Node | null = null,
  ) {}

  /** A value visible from this graph: its own scope first, then enclosing graphs'. */
  lookup(name: string): Value | undefined {
    return this.values.get(name) ?? this.parent?.lookup(name);
  }

  /** The value named `name` in this scope, created if new. */
  define(name: string): Value {
    let v = this.values.get(name);
    if (!v) {
      v = new Value(name, this);
      this.values.set(name, v);
    }
    return v;
  }

  /** Path of this graph from the main graph, e.g. `If_3/then_branch`. */
  get path(): string {
    if (!this.owner || !this.parent) return '';
    const attr = this.owner.attributes.find(
      (a) => (a.kind === 'graph' && a.value === this) || (a.kind === 'graphs' && a.value.includes(this)),
    );
    const own = `${this.owner.displayName}/${attr?.name ?? this.name}`;
    const up = this.parent.path;
    return up ? `${up}/${own}` : own;
  }

  /** Depth-first walk over this graph's nodes and those of every subgraph. */
  *allNodes(): Generator<Node> {
    for (const n of this.nodes) {
      yield n;
      for (const g of n.subgraphs()) yield* g.allNodes();
    }
  }
}
