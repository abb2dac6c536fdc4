// A small fluent builder for models made in code: the sample model, tests, and rewrites that add
// nodes. It keeps producer/use links right by going through Graph.define and Node.setInput.
import type { Attribute } from './attribute';
import { DataType } from './data-type';
import { Graph, Node, type Value } from './graph';
import { Model, type OpsetImport } from './model';
import type { Shape } from './shape';
import { Tensor } from './tensor';

export type AttrInit = number | bigint | string | number[] | bigint[] | string[] | Tensor | Graph;

/** Turns a plain JS value into an attribute: integers -> int(s), other numbers -> float(s). */
export function toAttribute(name: string, v: AttrInit, asFloat = false): Attribute {
  const enc = new TextEncoder();
  if (v instanceof Tensor) return { name, kind: 'tensor', value: v };
  if (v instanceof Graph) return { name, kind: 'graph', value: v };
  if (typeof v === 'bigint') return { name, kind: 'int', value: v };
  if (typeof v === 'string') return { name, kind: 'string', value: enc.encode(v) };
  if (typeof v === 'number') {
    return !asFloat && Number.isInteger(v) ? { name, kind: 'int', value: BigInt(v) } : { name, kind: 'float', value: v };
  }
  if (v.length > 0 && typeof v[0] === 'string') return { name, kind: 'strings', value: (v as string[]).map((s) => enc.encode(s)) };
  if (v.length > 0 && typeof v[0] === 'bigint') return { name, kind: 'ints', value: v as bigint[] };
  const nums = v as number[];
  return !asFloat && nums.every(Number.isInteger)
    ? { name, kind: 'ints', value: nums.map((x) => BigInt(x)) }
    : { name, kind: 'floats', value: nums };
}

export class GraphBuilder {
  private counter = 0;
  constructor(readonly graph: Graph) {}

  input(name: string, elemType: DataType, shape: Shape): Value {
    const v = this.graph.define(name);
    v.type = { kind: 'tensor', elemType, shape };
    this.graph.inputs.push(v);
    return v;
  }

  initializer(name: string, dataType: DataType, dims: readonly number[], values: ArrayLike<number>): Value {
    const t = Tensor.fromNumbers(name, dataType, dims, values);
    this.graph.initializers.push(t);
    const v = this.graph.define(name);
    v.initializer = t;
    return v;
  }

  /** Adds a node; `outputs` are names or a count (names generated from the node name). */
  node(
    opType: string,
    inputs: (Value | null)[],
    attrs: Record<string, AttrInit> = {},
    opts: { name?: string; outputs?: number | string[]; domain?: string; floatAttrs?: string[] } = {},
  ): Value[] {
    const name = opts.name ?? `${opType.toLowerCase()}_${this.counter++}`;
    const n = new Node(name, opType, opts.domain ?? '', this.graph);
    inputs.forEach((v, i) => n.setInput(i, v));
    n.attributes = Object.entries(attrs).map(([k, v]) => toAttribute(k, v, opts.floatAttrs?.includes(k)));
    const outs = opts.outputs ?? 1;
    const names = typeof outs === 'number' ? Array.from({ length: outs }, (_, i) => (outs === 1 ? `${name}_out` : `${name}_out${i}`)) : outs;
    for (const o of names) {
      const v = this.graph.define(o);
      v.producer = n;
      n.outputs.push(v);
    }
    this.graph.nodes.push(n);
    return n.outputs as Value[];
  }

  output(v: Value, elemType?: DataType, shape?: Shape | null): void {
    if (elemType !== undefined) v.type = { kind: 'tensor', elemType, shape: shape ?? null };
    this.graph.outputs.push(v);
  }
}

/** A model with one graph, ready for GraphBuilder. */
export function newModel(name: string, opsets: OpsetImport[] = [{ domain: '', version: 17 }], irVersion = 8): { model: Model; b: GraphBuilder } {
  const model = new Model(new Graph(name));
  model.irVersion = irVersion;
  model.opsetImports = opsets;
  model.producerName = 'layerlens';
  return { model, b: new GraphBuilder(model.graph) };
}
