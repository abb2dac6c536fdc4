// Attributes kernel time to the model's own nodes, and keeps each kernel's own timing.
//  per-node mode (ORT optimizations off): an event's name is the node's name.
//  In both modes nodes inside If/Loop/Scan bodies are timed inside their parent's span, so a
//    parent's self-time is its time minus its descendants' (a plain sum would count them twice).
//  deployed mode (optimizations on): ORT runs a rewritten graph; kernel-map.ts says which original
//    nodes each kernel computes (never across a join it did not fuse). A kernel's time is split among
//    its nodes in proportion to their FLOPs (equally when a node's FLOPs are unknown or zero: a MatMul
//    fused with a Transpose gets half); every node of a fused kernel shows the kernel's achieved
//    GFLOP/s (node/ort/profile.ts), not its FLOPs over its share; layout kernels (Reorder…) are split
//    the same way over the nodes of the kernel they serve.
import type { Node } from '../ir/graph';
import type { Model } from '../ir/model';
import { mapKernels, type KernelMapping, type KernelRole } from './kernel-map';
import type { KernelEvent, ProfileMode } from './runtime';
import { median } from './stats';

export interface NodeLatency {
  node: Node;
  /** Median over profiled runs of the time charged to this node in one run, µs. */
  medianUs: number;
  /** medianUs / sum of all nodes' medianUs. */
  share: number;
  /** The ORT kernel that computes this node (the one charging it the most time). */
  kernel: string;
  /** The ORT kernel(s) this node was measured in, when fused with others or re-laid out. */
  fusedGroup?: { kernel: string; opType: string; nodes: string[]; role: KernelRole | 'node' }[];
}

/** One ORT kernel as it ran: per node in per-node mode, per kernel of the optimized graph in deployed mode. */
export interface KernelTiming {
  kernel: string;
  opType: string;
  /** Median over profiled runs of this kernel's time in one run, µs. */
  medianUs: number;
  /** Median bytes read and written per run, as ORT reports them (null when the trace has no sizes). */
  bytes: number | null;
  /** The original nodes its time is charged to (display names). */
  nodes: Node[];
  role: KernelRole | 'node';
  /** For layout/inserted kernels: the compute kernel whose nodes carry its time. */
  chargedTo?: string;
}

export interface Attribution {
  mode: ProfileMode;
  nodes: NodeLatency[];
  /** Every kernel that ran, slowest first. */
  kernels: KernelTiming[];
  /** Nodes of the model that no kernel time went to (folded or removed by ORT, or never run), by display name. */
  untimed: { name: string; opType: string }[];
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
  const kernels: Map<string, KernelMapping> | null = mode === 'deployed' && optimized ? mapKernels(original, optimized) : null;
  const byName = nodesByName(original);
  const kernelRuns = new Map<string, { opType: string; perRun: number[]; bytes: number[] | null; targets: Node[]; role: KernelRole | 'node'; chargedTo?: string }>();
  const main = new Map<Node, Map<string, number>>(); // node -> compute kernel -> µs charged in all runs
  // µs charged per node per run
  const charged = new Map<Node, number[]>();
  const groups = new Map<Node, Map<string, { kernel: string; opType: string; nodes: string[]; role: KernelRole | 'node' }>>();
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
  {
    // The graph the events name: the original in per-node mode, the one ORT ran in deployed mode.
    const ran = kernels && optimized ? optimized : original;
    const parents = [...ran.graph.allNodes()].filter((n) => n.subgraphs().length > 0);
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
    const mapping = kernels?.get(e.node);
    const targets = kernels ? mapping?.nodes : byName.get(e.node);
    if (!targets || targets.length === 0) {
      const u = unattributed.get(e.node) ?? { kernel: e.node, opType: e.opType, totalUs: 0 };
      u.totalUs += dur;
      unattributed.set(e.node, u);
      perRunUnattributed[e.run] = (perRunUnattributed[e.run] ?? 0) + dur;
      continue;
    }
    attributed += dur;
    const role = mapping?.role ?? 'node';
    const k = kernelRuns.get(e.node) ?? { opType: e.opType, perRun: new Array<number>(runs).fill(0), bytes: e.bytes === undefined ? null : new Array<number>(runs).fill(0), targets, role, ...(mapping?.chargedTo ? { chargedTo: mapping.chargedTo } : {}) };
    k.perRun[e.run] = (k.perRun[e.run] ?? 0) + dur;
    if (k.bytes && e.bytes !== undefined) k.bytes[e.run] = (k.bytes[e.run] ?? 0) + e.bytes;
    kernelRuns.set(e.node, k);
    const flops = targets.map((t) => flopsOf(t));
    const sum = flops.reduce<number>((a, f) => a + (f ?? 0), 0);
    const weights = flops.every((f) => f !== null && f > 0) && sum > 0 ? flops.map((f) => f! / sum) : targets.map(() => 1 / targets.length);
    targets.forEach((t, i) => {
      charge(t, e.run, dur * weights[i]!);
      const home = role === 'compute' || role === 'node' ? e.node : mapping!.chargedTo!;
      const m = main.get(t) ?? new Map<string, number>();
      m.set(home, (m.get(home) ?? 0) + (role === 'compute' || role === 'node' ? dur * weights[i]! : 0));
      main.set(t, m);
    });
    if (kernels && (targets.length > 1 || targets[0]!.opType !== e.opType || targets[0]!.displayName !== e.node)) {
      for (const t of targets) {
        const g = groups.get(t) ?? new Map();
        g.set(e.node, { kernel: e.node, opType: e.opType, nodes: targets.map((x) => x.displayName), role });
        groups.set(t, g);
      }
    }
  }
  const nodes: NodeLatency[] = [...charged].map(([node, perRun]) => ({
    node,
    medianUs: median(perRun),
    share: 0,
    kernel: [...(main.get(node) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1])[0]?.[0] ?? node.displayName,
    ...(groups.has(node) ? { fusedGroup: [...groups.get(node)!.values()] } : {}),
  }));
  const sumMedians = nodes.reduce((a, n) => a + n.medianUs, 0);
  for (const n of nodes) n.share = sumMedians > 0 ? n.medianUs / sumMedians : 0;
  nodes.sort((a, b) => b.medianUs - a.medianUs);
  const kernelList: KernelTiming[] = [...kernelRuns].map(([kernel, k]) => ({
    kernel,
    opType: k.opType,
    medianUs: median(k.perRun),
    bytes: k.bytes ? median(k.bytes) : null,
    nodes: k.targets,
    role: k.role,
    ...(k.chargedTo ? { chargedTo: k.chargedTo } : {}),
  }));
  kernelList.sort((a, b) => b.medianUs - a.medianUs);
  const untimed = [...original.graph.allNodes()]
    .filter((n) => !charged.has(n) && !(n.opType === 'Constant' && n.domain === ''))
    .map((n) => ({ name: n.graph.path ? `${n.graph.path}/${n.displayName}` : n.displayName, opType: n.opType }));
  return {
    mode,
    nodes,
    kernels: kernelList,
    untimed,
    coverage: total > 0 ? attributed / total : 1,
    unattributedUs: median(perRunUnattributed),
    unattributed: [...unattributed.values()].sort((a, b) => b.totalUs - a.totalUs),
  };
}
