// Which original nodes each kernel of the graph ONNX Runtime ran (deployed mode) computes.
//
// ORT rewrites the graph before running it (Conv+BatchNormalization+activation -> FusedConv,
// MatMul+Add -> Gemm, decomposed LayerNorm -> LayerNormalization, Conv in NCHWc layout with
// Reorder kernels around it, constant folding). Its optimized graph (`optimizedModelFilePath`) keeps
// the original tensor names on the tensors it still has; a fused kernel's output carries the name of
// the last fused node's output; NCHWc kernels output `reorder_token_N` but are named
// `<original output>_nchwc`.
//
// The rule: a tensor of the original graph that still exists in the optimized graph ("live") is
// computed by the kernel that produces it there, so no other kernel computed it. A kernel therefore
// computes the original producer of each output it stands for, and, walking back from there, the
// producers of inputs that no longer exist (fused away), stopping at every live tensor, constant and
// graph input. The walk never crosses a tensor that another kernel produces, so a residual Add or a
// Concat joining two branches is never charged to a kernel that did not fuse it.
//
// Kernels that stand for no original computation are charged to a neighbour kernel's nodes:
//  - layout kernels (ReorderInput/ReorderOutput, ORT's inserted Reshape/Transpose on `*_token_*`
//    tensors) whose output stands for the same original tensor as their input: to the kernel that
//    produced their input (else the one that reads their output);
//  - kernels on tensors ORT made itself (re-packed weights): to the nearest mapped kernel downstream.
import type { Graph, Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';

export type KernelRole = 'compute' | 'layout' | 'inserted';

export interface KernelMapping {
  kernel: string;
  opType: string;
  /** Original nodes whose time this kernel's time is, split by FLOPs. */
  nodes: Node[];
  /** compute: covers `nodes` itself; layout/inserted: charged to the `nodes` of `chargedTo`. */
  role: KernelRole;
  chargedTo?: string;
}

const LAYOUT_OPS = new Set(['ReorderInput', 'ReorderOutput', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Identity', 'Flatten', 'Cast']);

function graphsOf(g: Graph): Graph[] {
  const out = [g];
  for (const n of g.nodes) for (const s of n.subgraphs()) out.push(...graphsOf(s));
  return out;
}

const isConstantNode = (n: Node): boolean => n.opType === 'Constant' && n.domain === '';

/**
 * Original values that hold a constant at run time: initializers, Constant outputs, Shape/Size of
 * anything (shapes are fixed while profiling) and everything computed only from those. ORT folds
 * them when it loads the model; they are no kernel's work.
 */
function constantValues(original: Model): Set<Value> {
  const out = new Set<Value>();
  for (const g of graphsOf(original.graph)) {
    for (const v of g.values.values()) if (v.constant || (v.initializer && !v.isGraphInput())) out.add(v);
    for (const n of g.nodes) {
      const shapeOnly = n.domain === '' && (n.opType === 'Shape' || n.opType === 'Size');
      const fromConstants = n.inputs.length > 0 && n.subgraphs().length === 0 && n.inputs.every((v) => !v || out.has(v));
      if (shapeOnly || fromConstants || isConstantNode(n)) for (const o of n.outputs) if (o) out.add(o);
    }
  }
  return out;
}

export function mapKernels(original: Model, optimized: Model): Map<string, KernelMapping> {
  const origValues = new Map<string, Value>();
  for (const g of graphsOf(original.graph)) for (const [name, v] of g.values) if (!origValues.has(name)) origValues.set(name, v);
  const constants = constantValues(original);
  const byName = new Map<string, Node[]>();
  for (const n of original.graph.allNodes()) byName.set(n.displayName, [...(byName.get(n.displayName) ?? []), n]);
  const sameNode = (k: Node): Node | undefined => {
    const list = byName.get(k.displayName);
    return list && list.length === 1 && list[0]!.opType === k.opType ? list[0] : undefined;
  };

  const kernels = [...optimized.graph.allNodes()].filter((k) => !isConstantNode(k));
  const optProducer = new Map<string, Node>();
  const optConsumers = new Map<string, Node[]>();
  for (const k of kernels) {
    for (const v of k.outputs) if (v) optProducer.set(v.name, k);
    for (const v of k.inputs) if (v) optConsumers.set(v.name, [...(optConsumers.get(v.name) ?? []), k]);
  }

  /** The original tensor an optimized tensor stands for, if any. */
  const originCache = new Map<string, string | undefined>();
  const overrides = new Map<string, string>();
  const origin = (name: string, depth = 0): string | undefined => {
    if (overrides.has(name)) return overrides.get(name);
    if (origValues.has(name)) return name;
    if (originCache.has(name)) return originCache.get(name);
    const p = optProducer.get(name);
    let o: string | undefined;
    if (p && depth < 16) {
      const index = p.outputs.findIndex((v) => v?.name === name);
      const nchwc = p.displayName.endsWith('_nchwc') ? p.displayName.slice(0, -'_nchwc'.length) : undefined;
      const same = sameNode(p);
      if (nchwc !== undefined && index === 0 && origValues.has(nchwc)) o = nchwc;
      else if (same && same.outputs[index]) o = same.outputs[index]!.name;
      else if (LAYOUT_OPS.has(p.opType) && p.inputs[0]) o = origin(p.inputs[0].name, depth + 1);
    }
    originCache.set(name, o);
    return o;
  };

  const liveSet = (): Set<string> => {
    const live = new Set<string>(optimized.graph.inputs.map((v) => v.name));
    for (const k of kernels) for (const v of k.outputs) if (v) { const o = origin(v.name); if (o) live.add(o); }
    return live;
  };
  let live = liveSet();
  const originsOf = (vs: (Value | null)[]): Set<string> => new Set(vs.flatMap((v) => (v ? [origin(v.name)].filter((o): o is string => !!o) : [])));
  /** Original nodes computed on the way back from `starts`, stopping at live tensors, constants and `ins`. */
  const region = (starts: Node[], ins: Set<string>): Node[] => {
    const covered: Node[] = [];
    const seen = new Set<Node>();
    const stack = [...starts];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n) || isConstantNode(n)) continue;
      seen.add(n);
      covered.push(n);
      for (const v of n.inputs) {
        if (!v || !v.producer || constants.has(v) || live.has(v.name) || ins.has(v.name) || v.producer.graph !== n.graph) continue;
        stack.push(v.producer);
      }
    }
    return covered;
  };

  // A kernel that reads a tensor none of its nodes reads computed more than its name says: ORT's
  // NCHWc Conv with a Sum input is named after the Conv's output but also adds the Sum operand (a
  // residual Add) and applies its `activation` after it. Follow the original graph forward from the
  // named output through the single consumers that read those inputs (and then the activation),
  // as long as no kernel produces their outputs.
  for (const k of kernels) {
    const out = k.outputs[0];
    const named = out ? origin(out.name) : undefined;
    const producer = named ? origValues.get(named)?.producer : undefined;
    if (!out || !named || !producer) continue;
    let o: string = named;
    const ins = new Set([...originsOf(k.inputs)].filter((i) => !constants.has(origValues.get(i)!)));
    const read = new Set(region([producer], ins).flatMap((n) => n.inputs.map((v) => v?.name)));
    const unexplained = new Set([...ins].filter((i) => !read.has(i) && i !== o));
    let extended = false;
    while (unexplained.size) {
      const users: Node[] = origValues.get(o)!.consumers();
      const m: Node | undefined = users.length === 1 ? users[0]! : undefined;
      const mo: Value | null | undefined = m?.outputs[0];
      if (!m || !mo || live.has(mo.name)) break;
      const others = m.inputs.filter((x): x is Value => !!x && x.name !== o && !constants.has(x));
      if (!others.every((x) => unexplained.has(x.name) || ins.has(x.name))) break;
      for (const x of others) unexplained.delete(x.name);
      o = mo.name;
      extended = true;
    }
    const activation = k.attrString('activation');
    if (extended && activation) {
      const users: Node[] = origValues.get(o)!.consumers();
      const ao = users.length === 1 && users[0]!.opType === activation ? users[0]!.outputs[0] : undefined;
      if (ao && !live.has(ao.name)) o = ao.name;
    }
    if (extended) overrides.set(out.name, o);
  }
  if (overrides.size) {
    originCache.clear();
    live = liveSet();
  }

  const result = new Map<string, KernelMapping>();
  for (const k of kernels) {
    const ins = originsOf(k.inputs);
    const computed = [...originsOf(k.outputs)].filter((o) => !ins.has(o));
    const starts = computed.map((o) => origValues.get(o)!.producer).filter((p): p is Node => !!p);
    const same = sameNode(k);
    if (same) starts.push(same);
    const covered = region(starts, ins);
    if (covered.length) result.set(k.displayName, { kernel: k.displayName, opType: k.opType, nodes: covered, role: 'compute' });
  }

  // Kernels that computed nothing of the original graph: charged to a neighbour's nodes.
  const neighbour = (k: Node, up: boolean): KernelMapping | undefined => {
    let frontier = [k];
    for (let depth = 0; depth < 6 && frontier.length; depth++) {
      frontier = up
        ? frontier.flatMap((f) => f.inputs.flatMap((v) => (v && optProducer.get(v.name) ? [optProducer.get(v.name)!] : [])))
        : frontier.flatMap((f) => f.outputs.flatMap((v) => (v ? (optConsumers.get(v.name) ?? []) : [])));
      const hit = frontier.find((f) => result.get(f.displayName)?.role === 'compute');
      if (hit) return result.get(hit.displayName);
    }
    return undefined;
  };
  for (const k of kernels) {
    if (result.has(k.displayName)) continue;
    const passesThrough = k.outputs.some((v) => v && origin(v.name)) || LAYOUT_OPS.has(k.opType);
    const role: KernelRole = passesThrough ? 'layout' : 'inserted';
    const to = passesThrough ? (neighbour(k, true) ?? neighbour(k, false)) : (neighbour(k, false) ?? neighbour(k, true));
    if (to) result.set(k.displayName, { kernel: k.displayName, opType: k.opType, nodes: to.nodes, role, chargedTo: to.kernel });
  }
  return result;
}
