// The mutable state of a kernel plan while the fusion rules run: one group of original nodes per
// kernel, starting with one per live node; a rule merges a node's group into another, the way ORT's
// optimizer replaces a pattern by one fused node. Rules (fusion-rules.ts, nchwc.ts) read the graph
// through GraphFacts and change only groups.
import { DataType } from '../ir/data-type';
import type { Node, Value } from '../ir/graph';
import type { GraphFacts } from './graph-facts';

export interface Group {
  /** Original nodes this kernel computes (never empty). */
  nodes: Node[];
  /** The node whose first output is the kernel's output. */
  head: Node;
  op: string;
  domain: string;
  /** Fused activation (FusedConv, FusedGemm, NCHWc Conv). */
  activation?: string;
  /** NCHWc Conv that also adds a residual input (ORT's Sum input). */
  sum?: boolean;
  /** Its output is in the NCHWc layout. */
  nchwc?: boolean;
  /** Ids of the fusion rules that made it. */
  rules: string[];
  /** Set when merged into another group. */
  into?: Group;
  /** Set when the group runs as no kernel after all (a rule folded it away), with the reason. */
  folded?: string;
}

/** A kernel ORT inserts: a Reorder between NCHW and NCHWc, a Cast around a float-only op, a Reshape around a Gemm. */
export interface LayoutKernel {
  op: 'ReorderInput' | 'ReorderOutput' | 'Cast' | 'Reshape';
  /** The original tensor it converts. */
  tensor: Value;
  /** The group whose nodes carry its time. */
  chargedTo: Group;
  /** Channels padded to this block on the NCHWc side (Reorders), else 1. */
  block: number;
  /** Bytes per element on each side (Cast float16 <-> float: 2 and 4). */
  fromBytes: number;
  toBytes: number;
}

export class PlanState {
  readonly groupOf = new Map<Node, Group>();
  readonly groups: Group[] = [];
  readonly layout: LayoutKernel[] = [];
  /** Groups of float16 ops that run in float between inserted Casts (fp16.ts). */
  readonly floatRun = new Set<Group>();

  constructor(readonly facts: GraphFacts) {
    for (const n of facts.live) {
      const g: Group = { nodes: [n], head: n, op: n.opType, domain: n.domain, rules: [] };
      this.groups.push(g);
      this.groupOf.set(n, g);
    }
  }

  /** The live group computing node `n` (following merges). */
  group(n: Node): Group | undefined {
    let g = this.groupOf.get(n);
    while (g?.into) g = g.into;
    return g;
  }

  /** The group producing `v` (after no-op removal), if a kernel produces it. */
  producer(v: Value | null): Group | undefined {
    if (!v) return undefined;
    const r = this.facts.resolve(v);
    return r.producer && r.producer.graph === this.facts.graph ? this.group(r.producer) : undefined;
  }

  out(g: Group): Value {
    return g.head.outputs[0]!;
  }

  /** The one node reading the group's output, when it has exactly one use and is not a graph output. */
  soleConsumer(g: Group): Node | null {
    const o = this.out(g);
    if (this.facts.uses(o) !== 1 || this.facts.isGraphOutput(o)) return null;
    return this.facts.consumers(o)[0] ?? null;
  }

  /** Whether `n` still runs as its own, unfused kernel (the group holds `n` alone). */
  alone(n: Node | null | undefined, op?: string): n is Node {
    if (!n) return false;
    const g = this.group(n);
    return !!g && g.nodes.length === 1 && g.head === n && (op === undefined || (n.opType === op && n.domain === ''));
  }

  /** Merges the groups of `nodes` into `g`; the last node given becomes the head when `head` is set. */
  merge(g: Group, nodes: Node[], rule: string, head?: Node): void {
    for (const n of nodes) {
      const other = this.group(n);
      if (!other || other === g) continue;
      g.nodes.push(...other.nodes);
      other.into = g;
    }
    if (head) g.head = head;
    if (!g.rules.includes(rule)) g.rules.push(rule);
  }

  /** Whether `g` (or a group merged into it) runs a float16 op in float. */
  inFloatRun(g: Group): boolean {
    for (const x of this.floatRun) {
      for (let r: Group | undefined = x; r; r = r.into) if (r === g) return true;
    }
    return false;
  }

  /** Whether `g` computes tensor `v` (or a constant of type `dataType`) in float32, float16 included when it runs in float. */
  computesFloat(g: Group, v: Value | null, dataType: DataType | null = this.facts.elemType(v)): boolean {
    return dataType === DataType.FLOAT || (dataType === DataType.FLOAT16 && this.inFloatRun(g));
  }

  /** Removes `n`'s group: ORT computes it at load or needs it no more. */
  fold(n: Node, why: string): void {
    const g = this.group(n);
    if (g) g.folded = why;
  }

  /** Groups still standing, in graph order of their head (a topological order of the fused graph). */
  live(): Group[] {
    const order = new Map(this.facts.live.map((n, i) => [n, i]));
    return this.groups.filter((g) => !g.into && !g.folded).sort((a, b) => order.get(a.head)! - order.get(b.head)!);
  }
}
