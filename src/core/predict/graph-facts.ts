// What ONNX Runtime knows of one graph when it loads a model, as the kernel plan needs it:
//  - constants: initializers, Constant outputs, and everything ORT's constant folding computes at load
//    (nodes whose inputs are all constant, Shape/Size of a tensor whose shape ORT knows statically),
//    except DequantizeLinear, which ORT keeps for its QDQ fusions; folded nodes run as no kernel;
//  - eliminated no-ops (Identity, Dropout without a used mask, Cast to the same type, Add/Sub of 0,
//    Mul/Div by 1): they run as no kernel and their output is their input (an alias);
//  - uses: the input slots that read a value, as ORT counts a tensor's output edges (a graph output
//    counts one more, a subgraph that reads it counts one per node holding the subgraph).
// Shapes come in two forms: `load` is what ORT sees when it builds the session (the model's own
// symbolic dims, no bindings: ORT decides its layout and fusions from those), `run` is the bound
// shapes the features are computed from.
import { DataType } from '../ir/data-type';
import type { Graph, Node, Value } from '../ir/graph';
import { isConcrete, type Shape } from '../ir/shape';
import type { Tensor } from '../ir/tensor';
import type { ShapeInference } from '../shape/types';

const RANDOM_OPS = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

/** The node of `g` that reads `v` for `reader`: the reader itself, or the node holding the body it sits in. */
function ownerIn(reader: Node, g: Graph): Node | null {
  let n: Node | null = reader;
  while (n && n.graph !== g) n = n.graph.owner;
  return n;
}

export class GraphFacts {
  readonly constants = new Set<Value>();
  /** Nodes that run as no kernel, and why. */
  readonly folded = new Map<Node, string>();
  /** Output of an eliminated no-op -> the value it passes through. */
  private readonly alias = new Map<Value, Value>();
  /** Value -> the eliminated no-ops' outputs that stand for it. */
  private readonly aliasedBy = new Map<Value, Value[]>();
  /** Nodes that will run, in graph order. */
  readonly live: Node[] = [];

  constructor(
    readonly graph: Graph,
    readonly run: ShapeInference,
    readonly load: ShapeInference,
    outerConstants: ReadonlySet<Value> = new Set(),
  ) {
    for (const v of outerConstants) this.constants.add(v);
    for (const v of graph.values.values()) if (v.constant || (v.initializer && !v.isGraphInput())) this.constants.add(v);
    for (const n of graph.nodes) {
      if (n.opType === 'Constant' && n.domain === '') {
        for (const o of n.outputs) if (o) this.constants.add(o);
        this.folded.set(n, 'a constant');
        continue;
      }
      const why = this.foldReason(n) ?? this.noopReason(n);
      if (why) this.folded.set(n, why);
      else this.live.push(n);
    }
  }

  private foldReason(n: Node): string | null {
    if (n.subgraphs().length || RANDOM_OPS.has(n.opType) || (n.opType === 'DequantizeLinear' && n.domain === '')) return null;
    const shapeOnly = n.domain === '' && (n.opType === 'Shape' || n.opType === 'Size') && isConcrete(this.loadShape(n.inputs[0] ?? null));
    const fromConstants = n.inputs.length > 0 && n.inputs.every((v) => !v || this.isConst(v));
    if (!shapeOnly && !fromConstants) return null;
    for (const o of n.outputs) if (o) this.constants.add(o);
    return 'folded into a constant when ONNX Runtime loads the model';
  }

  private noopReason(n: Node): string | null {
    if (n.domain !== '') return null;
    const x = n.inputs[0];
    const y = n.outputs[0];
    if (!x || !y) return null;
    let why: string | null = null;
    if (n.opType === 'Identity') why = 'Identity: removed by ONNX Runtime';
    else if (n.opType === 'Dropout' && !(n.outputs[1] && n.outputs[1].uses.length)) why = 'Dropout at inference: removed by ONNX Runtime';
    else if (n.opType === 'Cast' && this.elemType(x) !== null && this.elemType(x) === n.attrInt('to')) why = 'Cast to the same type: removed by ONNX Runtime';
    else if (['Add', 'Sub', 'Mul', 'Div'].includes(n.opType)) {
      const c = this.constTensor(n.inputs[1] ?? null);
      const neutral = n.opType === 'Add' || n.opType === 'Sub' ? 0 : 1;
      if (c && c.elementCount === 1 && scalar(c) === neutral && sameShape(this.loadShape(x), this.loadShape(y))) why = `${n.opType} by ${neutral}: removed by ONNX Runtime`;
    }
    if (why) {
      const to = this.resolve(x);
      this.alias.set(y, to);
      this.aliasedBy.set(to, [...(this.aliasedBy.get(to) ?? []), y]);
    }
    return why;
  }

  /** The value `v` stands for once no-ops are removed. */
  resolve(v: Value): Value {
    return this.alias.get(v) ?? v;
  }

  isConst(v: Value | null): boolean {
    return !!v && (this.constants.has(v) || this.constants.has(this.resolve(v)));
  }

  /** The constant's contents when known statically (initializer, Constant, small folded values). */
  constTensor(v: Value | null): Tensor | null {
    if (!v) return null;
    const r = this.resolve(v);
    return r.constant ?? this.run.info(r)?.constant ?? null;
  }

  elemType(v: Value | null): DataType | null {
    if (!v) return null;
    const t = this.run.typeOf(v) ?? v.type;
    return t && t.kind === 'tensor' ? t.elemType : null;
  }

  loadShape(v: Value | null): Shape | null {
    return v ? this.load.shapeOf(v) : null;
  }

  runShape(v: Value | null): Shape | null {
    return v ? this.run.shapeOf(v) : null;
  }

  /** Live nodes of this graph that read `v` (or a value it stands for), each once. */
  consumers(v: Value): Node[] {
    const out: Node[] = [];
    for (const u of this.readersOf(v)) {
      const o = ownerIn(u.node, this.graph);
      if (o && !this.folded.has(o) && !out.includes(o)) out.push(o);
    }
    return out;
  }

  /** Output edges of `v` as ORT counts them: input slots of live nodes, one per body-holding node, +1 for a graph output. */
  uses(v: Value): number {
    let n = 0;
    const holders = new Set<Node>();
    for (const u of this.readersOf(v)) {
      const o = ownerIn(u.node, this.graph);
      if (!o || this.folded.has(o)) continue;
      if (o === u.node) n++;
      else holders.add(o);
    }
    return n + holders.size + (this.isGraphOutput(v) ? 1 : 0);
  }

  isGraphOutput(v: Value): boolean {
    return v.isGraphOutput() || (this.aliasedBy.get(v) ?? []).some((a) => a.isGraphOutput());
  }

  /** Uses of `v` and of the no-op outputs standing for it (no-op readers themselves are skipped as folded). */
  private readersOf(v: Value): { node: Node; index: number }[] {
    const out = [...v.uses];
    for (const a of this.aliasedBy.get(v) ?? []) out.push(...a.uses);
    return out;
  }
}

export function scalar(t: Tensor): number | null {
  try {
    return t.toNumbers()[0] ?? null;
  } catch {
    return null;
  }
}

export function sameShape(a: Shape | null, b: Shape | null): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, i) => d !== null && d === b[i]);
}

export function numel(shape: Shape | null): number | null {
  return isConcrete(shape) ? shape.reduce<number>((p, d) => p * d, 1) : null;
}

