// Attributes kernel time to the model's own nodes.
//  per-node mode (ORT optimizations off): an event's name is the node's name; nodes inside
//    If/Loop/Scan bodies are timed inside their parent's span, so a parent's self-time is its time
//    minus its descendants' (a plain sum would count them twice).
//  deployed mode (optimizations on): ORT runs a rewritten graph (fused kernels, NCHWc layouts with
//    inserted Reorder nodes). Fused nodes keep the original tensor names on their inputs and outputs,
//    so a kernel covers the original nodes lying between its input and output tensors. Its time is
//    split among them in proportion to their FLOPs (equally when FLOPs are unknown or zero). A
//    kernel that covers no original node (a Reorder) is charged to the original node next to it.
import type { Graph, Node } from '../ir/graph';
import type { Model } from '../ir/model';
import type { KernelEvent, ProfileMode } from './runtime';
import { median } from './stats';

export interface NodeLatency {
  node: Node;
  /** Median over profiled runs of the time charged to this node in one run, µs. */
  medianUs: number;
  /** medianUs / sum of all nodes' medianUs. */
  share: number;
  /** The ORT kernel(s) this node was measured in, when fused with others or re-laid out. */
  fusedGroup?: { kernel: string; opType: string; nodes: string[] }[];
}

export interface Attribution {
  mode: ProfileMode;
  nodes: NodeLatency[];
  /** Attributed kernel time / all kernel time, over all runs. */
  coverage: number;
  /** Kernel time per run that could not be charged to any original node (median), µs. */
  unattributedUs: number;
  /** Kernels that could not be charged, with their total time over all runs. */
  unattributed: { kernel: string; opType: string; totalUs: number }[];
}

/** Every node of the model (bodies included) by the name ORT uses for it. */
function nodesByName(model: Model): Map<string, Node[]> {
  const map = new Map<string, Node[]>();
  for (const n of model.graph.allNodes()) {
    const list = map.get(n.displayName) ?? [];
    list.push(n);
    map.set(n.displayName, list);
  }
  return map;
}

/** Which original nodes each kernel of the optimized graph stands for. */
export function mapKernels(original: Model, optimized: Model): Map<string, Node[]> {
  const origValues = new Map<string, { graph: Graph; producer: Node | null; isConst: boolean }>();
  for (const g of graphsOf(original.graph)) {
    for (const [name, v] of g.values) origValues.set(name, { graph: g, producer: v.producer, isConst: !!v.constant || v.isGraphInput() });
  }
  const byName = nodesByName(original);
  const optProducer = new Map<string, Node>();
  const optConsumers = new Map<string, Node[]>();
  for (const n of optimized.graph.allNodes()) {
    for (const v of n.outputs) if (v) optProducer.set(v.name, n);
    for (const v of n.inputs) if (v) optConsumers.set(v.name, [...(optConsumers.get(v.name) ?? []), n]);
  }
  /** The original tensor whose name `name` extends (`<name>_nchwc` and the like), if any. */
  const renamed = (name: string): string | undefined => {
    if (origValues.has(name)) return name;
    for (let cut = name.lastIndexOf('_'); cut > 0; cut = name.lastIndexOf('_', cut - 1)) {
      if (origValues.has(name.slice(0, cut))) return name.slice(0, cut);
    }
    return undefined;
  };
  /**
   * The original tensor an optimized tensor stands for. Kernels that re-lay data out (NCHWc) give
   * their outputs new names (`reorder_token_N`) but are themselves named after the original output
   * (`<output>_nchwc`); layout kernels (ReorderInput) pass their input's identity through.
   */
  const origin = (name: string, depth = 0): string | undefined => {
    if (origValues.has(name)) return name;
    const p = optProducer.get(name);
    if (!p || depth > 8) return undefined;
    const byKernelName = renamed(p.displayName);
    if (byKernelName && !/^Reorder/.test(p.opType)) return byKernelName;
    const first = p.inputs.find((v) => v);
    return first ? origin(first.name, depth + 1) : undefined;
  };
  const originsUp = (name: string): string[] => {
    const o = origin(name);
    return o ? [o] : [];
  };
  const originsDown = (name: string): string[] => {
    const o = origin(name);
    if (o) return [o];
    return (optConsumers.get(name) ?? []).flatMap((c) => c.outputs.flatMap((v) => (v && origValues.has(v.name) ? [v.name] : [])));
  };
  const result = new Map<string, Node[]>();
  for (const k of optimized.graph.allNodes()) {
    if (k.opType === 'Constant' && k.domain === '') continue;
    const same = byName.get(k.displayName);
    if (same && same.length === 1 && same[0]!.opType === k.opType) {
      result.set(k.displayName, same);
      continue;
    }
    const ins = new Set(k.inputs.flatMap((v) => (v ? originsUp(v.name) : [])));
    const outs = [...new Set(k.outputs.flatMap((v) => (v ? originsDown(v.name) : [])))];
    const covered: Node[] = [];
    const seen = new Set<Node>();
    // An output that is also an input (a pure layout kernel) spans no original computation.
    const stack = outs.filter((o) => !ins.has(o)).map((o) => origValues.get(o)?.producer).filter((p): p is Node => !!p);
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (!(n.opType === 'Constant' && n.domain === '')) covered.push(n);
      for (const v of n.inputs) {
        if (!v || ins.has(v.name) || v.constant || !v.producer) continue;
        if (seen.size > 64) break; // a kernel never spans more than a handful of nodes
        stack.push(v.producer);
      }
    }
    if (covered.length === 0) {
      // A layout kernel (Reorder...): charge the original node that produced its input, or else
      // the one that consumes its output.
      const up = [...ins].map((n) => origValues.get(n)?.producer).find((p) => p && !(p.opType === 'Constant'));
      if (up) covered.push(up);
      else {
        const down = outs.flatMap((o) => [...(origValues.get(o) ? (original.graph.lookup(o)?.uses ?? []) : [])]).map((u) => u.node)[0];
        if (down) covered.push(down);
      }
    }
    if (covered.length) result.set(k.displayName, covered);
  }
  // Kernels ORT inserted on tensors of its own (e.g. `Reshape_token_N` on re-packed weights) are
  // charged to the nearest kernel downstream that stands for original nodes.
  for (const k of optimized.graph.allNodes()) {
    if (result.has(k.displayName) || (k.opType === 'Constant' && k.domain === '')) continue;
    let frontier = [k];
    for (let depth = 0; depth < 4 && frontier.length && !result.has(k.displayName); depth++) {
      const next = frontier.flatMap((f) => f.outputs.flatMap((v) => (v ? (optConsumers.get(v.name) ?? []) : [])));
      const mapped = next.find((c) => result.has(c.displayName));
      if (mapped) result.set(k.displayName, [result.get(mapped.displayName)![0]!]);
      frontier = next;
    }
  }
  return result;
}

function graphsOf(g: Graph): Graph[] {
  const out = [g];
  for (const n of g.nodes) for (const s of n.subgraphs()) out.push(...graphsOf(s));
  return out;
}

function descendants(n: Node): Set<string> {
  const names = new Set<string>();
  for (const g of n.subgraphs()) for (const m of g.allNodes()) names.add(m.displayName);
  return names;
}

export function attribute(
  original: Model,
  mode: ProfileMode,
  events: KernelEvent[],
  runs: number,
  flopsOf: (n: Node) => number | null,
  optimized?: Model,
): Attribution {
  const kernels = mode === 'deployed' && optimized ? mapKernels(original, optimized) : null;
  const byName = nodesByName(original);
  // µs charged per node per run
  const charged = new Map<Node, number[]>();
  const groups = new Map<Node, Map<string, { kernel: string; opType: string; nodes: string[] }>>();
  const charge = (n: Node, run: number, us: number): void => {
    const arr = charged.get(n) ?? new Array<number>(runs).fill(0);
    arr[run] = (arr[run] ?? 0) + us;
    charged.set(n, arr);
  };
  let total = 0;
  let attributed = 0;
  const unattributed = new Map<string, { kernel: string; opType: string; totalUs: number }>();
  const perRunUnattributed = new Array<number>(runs).fill(0);

  // Self time for control-flow parents: subtract their descendants' events in the same run.
  const childUs = new Map<string, number>(); // key `${run}:${parent}`
  if (!kernels) {
    const parents = [...original.graph.allNodes()].filter((n) => n.subgraphs().length > 0);
    for (const p of parents) {
      const inner = descendants(p);
      for (const e of events) if (inner.has(e.node)) childUs.set(`${e.run}:${p.displayName}`, (childUs.get(`${e.run}:${p.displayName}`) ?? 0) + e.durUs);
    }
  }

  for (const e of events) {
    if (e.run >= runs) continue;
    let dur = e.durUs;
    const sub = childUs.get(`${e.run}:${e.node}`);
    if (sub !== undefined) dur = Math.max(0, dur - sub);
    total += dur;
    const targets = kernels ? kernels.get(e.node) : byName.get(e.node);
    if (!targets || targets.length === 0) {
      const u = unattributed.get(e.node) ?? { kernel: e.node, opType: e.opType, totalUs: 0 };
      u.totalUs += dur;
      unattributed.set(e.node, u);
      perRunUnattributed[e.run] = (perRunUnattributed[e.run] ?? 0) + dur;
      continue;
    }
    attributed += dur;
    const flops = targets.map((t) => flopsOf(t));
    const sum = flops.reduce<number>((a, f) => a + (f ?? 0), 0);
    const weights = flops.every((f) => f !== null && f > 0) && sum > 0 ? flops.map((f) => f! / sum) : targets.map(() => 1 / targets.length);
    targets.forEach((t, i) => charge(t, e.run, dur * weights[i]!));
    if (kernels && (targets.length > 1 || targets[0]!.opType !== e.opType || targets[0]!.displayName !== e.node)) {
      for (const t of targets) {
        const g = groups.get(t) ?? new Map();
        g.set(e.node, { kernel: e.node, opType: e.opType, nodes: targets.map((x) => x.displayName) });
        groups.set(t, g);
      }
    }
  }
  const nodes: NodeLatency[] = [...charged].map(([node, perRun]) => ({
    node,
    medianUs: median(perRun),
    share: 0,
    ...(groups.has(node) ? { fusedGroup: [...groups.get(node)!.values()] } : {}),
  }));
  const sumMedians = nodes.reduce((a, n) => a + n.medianUs, 0);
  for (const n of nodes) n.share = sumMedians > 0 ? n.medianUs / sumMedians : 0;
  nodes.sort((a, b) => b.medianUs - a.medianUs);
  return {
    mode,
    nodes,
    coverage: total > 0 ? attributed / total : 1,
    unattributedUs: median(perRunUnattributed),
    unattributed: [...unattributed.values()].sort((a, b) => b.totalUs - a.totalUs),
  };
}
