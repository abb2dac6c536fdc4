// Costs every node of a model (main graph, control-flow bodies, function bodies) and folds them into
// per-op-type and model totals. Rules (docs/cost-model.md):
//  - params: elements of the distinct constant tensors nodes read (initializers and Constant-node
//    outputs alike) that are weights: float tensors of any width, and integer tensors read by
//    quantized ops (QLinear*, *Integer, DequantizeLinear, MatMulNBits...). Other integer, bool and
//    string constants hold shapes, axes and indices, and are not parameters;
//  - control flow: If counts its more expensive branch (an upper bound), Loop its body times a
//    constant trip count (else once, with a warning), Scan its body times the scan length.
import { DataType, isFloatType, storageBytes } from '../ir/data-type';
import type { Graph, Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';
import { isConcrete } from '../ir/shape';
import type { Tensor } from '../ir/tensor';
import type { ShapeInference } from '../shape/types';
import { CostContext, numel } from './context';
import { costFunction } from './registry';
import type { CostReport, CostTotals, NodeCost, OpTypeCost, UnknownCostOp } from './types';

/** Ops that read quantized integer weights, biases or zero points. */
const QUANTIZED_OPS = /^(QLinear\w+|\w+Integer|DequantizeLinear|MatMulNBits|DynamicQuantizeMatMul|QGemm|QAttention|MatMulIntegerToFloat|GatherBlockQuantized)$/;

/** The constant tensor behind input `v` of `consumer`, when it is a weight (see the params rule above). */
export function weightTensor(v: Value | null, consumer: Node): Tensor | null {
  const t = v?.constant ?? v?.sparseInitializer?.values ?? null;
  if (!t) return null;
  if (isFloatType(t.dataType)) return t;
  if (t.dataType === DataType.INT64 || t.dataType === DataType.BOOL || t.dataType === DataType.STRING) return null;
  return QUANTIZED_OPS.test(consumer.opType) ? t : null;
}

function valueBytes(v: Value, shapes: ShapeInference): number | null {
  const t = shapes.typeOf(v);
  if (!t || t.kind !== 'tensor' || !isConcrete(t.shape)) return null;
  return storageBytes(t.elemType, numel(t.shape)) ?? null;
}

function sparseParams(v: Value | null): number | null {
  return v?.sparseInitializer ? numel(v.sparseInitializer.dims) : null;
}

function costNode(node: Node, graphPath: string, shapes: ShapeInference): NodeCost {
  const fn = costFunction(node.domain, node.opType);
  let params = 0;
  let weightBytes = 0;
  let inBytes: number | null = 0;
  const seen = new Set<Tensor>();
  for (const v of node.inputs) {
    if (!v) continue;
    const w = weightTensor(v, node);
    if (w) {
      if (!seen.has(w)) {
        seen.add(w);
        params += sparseParams(v) ?? w.elementCount;
        weightBytes += w.byteLength;
      }
    } else if (!v.constant) {
      const b = valueBytes(v, shapes);
      inBytes = inBytes === null || b === null ? null : inBytes + b;
    }
  }
  let outBytes: number | null = 0;
  for (const v of node.outputs) {
    if (!v) continue;
    const b = valueBytes(v, shapes);
    outBytes = outBytes === null || b === null ? null : outBytes + b;
  }
  const base = { node, name: node.displayName, graphPath, params, weightBytes, activationBytes: outBytes };
  if (!fn) {
    return { ...base, macs: null, flops: null, intensity: null, known: false, note: `no cost function for ${node.domain ? node.domain + '.' : ''}${node.opType}` };
  }
  let cost: { macs: number; flops: number } | null;
  try {
    cost = fn(new CostContext(node, shapes));
  } catch (e) {
    cost = null;
    return { ...base, macs: null, flops: null, intensity: null, known: true, note: `cost failed: ${(e as Error).message}` };
  }
  if (!cost) {
    return { ...base, macs: null, flops: null, intensity: null, known: true, note: 'shapes not concrete' };
  }
  const moved = inBytes === null || outBytes === null ? null : weightBytes + inBytes + outBytes;
  return { ...base, ...cost, intensity: moved ? cost.flops / moved : null, known: true };
}

export function costModel(model: Model, shapes: ShapeInference): CostReport {
  const nodes: NodeCost[] = [];
  const byNode = new Map<Node, NodeCost>();
  const visit = (g: Graph, path: string): void => {
    for (const n of g.nodes) {
      const c = costNode(n, path, shapes);
      nodes.push(c);
      byNode.set(n, c);
    }
    for (const n of g.nodes) for (const sub of n.subgraphs()) visit(sub, sub.path);
  };
  visit(model.graph, '');
  for (const f of model.functions) visit(f.body, `fn:${f.domain}.${f.name}`);

  const warnings: string[] = [];
  const totals = graphTotals(model.graph, byNode, shapes, warnings);

  // Params and weight bytes: each distinct tensor once, across the whole model.
  const distinct = new Map<Tensor, number>();
  for (const c of nodes) {
    for (const v of c.node.inputs) {
      const w = weightTensor(v, c.node);
      if (w && !distinct.has(w)) distinct.set(w, sparseParams(v) ?? w.elementCount);
    }
  }
  totals.params = 0;
  totals.weightBytes = 0;
  for (const [t, n] of distinct) {
    totals.params += n;
    totals.weightBytes += t.byteLength;
  }

  const ops = new Map<string, OpTypeCost>();
  const unknown = new Map<string, UnknownCostOp>();
  for (const c of nodes) {
    const key = `${c.node.domain}:${c.node.opType}`;
    const o = ops.get(key) ?? { opType: c.node.opType, domain: c.node.domain, count: 0, macs: 0, flops: 0, params: 0 };
    o.count++;
    o.macs += c.macs ?? 0;
    o.flops += c.flops ?? 0;
    o.params += c.params;
    ops.set(key, o);
    if (!c.known) {
      const u = unknown.get(key) ?? { domain: c.node.domain, opType: c.node.opType, count: 0, nodes: [] };
      u.count++;
      u.nodes.push(c.graphPath ? `${c.graphPath}/${c.name}` : c.name);
      unknown.set(key, u);
    }
  }
  const symbolic = nodes.filter((c) => c.known && c.macs === null && c.note === 'shapes not concrete');
  if (symbolic.length > 0) {
    const dims = symbolicDims(symbolic, shapes);
    warnings.unshift(
      `${symbolic.length} node(s) could not be costed because their shapes are not concrete` +
        (dims.length ? ` (symbolic dims: ${dims.join(', ')}): bind them with --input NAME=AxBx... or --dim NAME=VALUE` : ''),
    );
  }
  return { nodes, totals, byOp: [...ops.values()], unknownOps: [...unknown.values()], warnings };
}

function symbolicDims(costs: NodeCost[], shapes: ShapeInference): string[] {
  const out = new Set<string>();
  for (const c of costs) {
    for (const v of [...c.node.inputs, ...c.node.outputs]) {
      if (!v) continue;
      for (const d of shapes.shapeOf(v) ?? []) if (typeof d === 'string' && !d.startsWith('unk__')) out.add(d);
    }
  }
  return [...out].slice(0, 10);
}

/** Totals of a graph: its nodes' own costs plus their bodies by the control-flow rule. */
function graphTotals(g: Graph, byNode: Map<Node, NodeCost>, shapes: ShapeInference, warnings: string[]): CostTotals {
  const t: CostTotals = { macs: 0, flops: 0, params: 0, weightBytes: 0, activationBytes: 0 };
  const add = (o: { macs: number; flops: number; activationBytes: number }, k = 1): void => {
    t.macs += o.macs * k;
    t.flops += o.flops * k;
    t.activationBytes += o.activationBytes * k;
  };
  for (const n of g.nodes) {
    const c = byNode.get(n)!;
    add({ macs: c.macs ?? 0, flops: c.flops ?? 0, activationBytes: c.activationBytes ?? 0 });
    const subs = n.subgraphs();
    if (subs.length === 0) continue;
    const bodies = subs.map((s) => graphTotals(s, byNode, shapes, warnings));
    if (n.opType === 'If') {
      add(bodies.reduce((a, b) => (b.macs > a.macs || (b.macs === a.macs && b.flops > a.flops) ? b : a)));
    } else if (n.opType === 'Loop') {
      const m = n.inputs[0]?.constant;
      const trips = m ? Number(m.toNumbers()[0]) : undefined;
      if (trips === undefined || !Number.isFinite(trips) || trips > 1e9) {
        warnings.push(`Loop ${n.displayName}: trip count unknown, its body is counted once`);
        add(bodies[0]!);
      } else {
        add(bodies[0]!, trips);
      }
    } else if (n.opType === 'Scan') {
      const m = n.attrInt('num_scan_inputs', 0);
      const first = n.inputs[n.inputs.length - m];
      const axis = n.attrInts('scan_input_axes')?.[0] ?? 0;
      const s = first ? shapes.shapeOf(first) : null;
      const len = s?.[axis < 0 ? axis + s.length : axis];
      if (typeof len === 'number') add(bodies[0]!, len);
      else {
        warnings.push(`Scan ${n.displayName}: scan length unknown, its body is counted once`);
        add(bodies[0]!);
      }
    } else {
      for (const b of bodies) add(b);
    }
  }
  return t;
}
