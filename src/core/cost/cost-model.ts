// Costs every node of a model (main graph, If/Loop/Scan bodies, model-local function bodies) and folds
// the figures into per-op-type and model totals. Definitions: docs/cost-model.md. In short:
//  - a node's MACs/FLOPs come from its op family's cost function (registry.ts); an op without one is
//    unknown (null, listed in unknownOps), a node whose shapes are not concrete is null with a note;
//  - params: the constant weight tensors a node reads (weights.ts); the model total counts each
//    distinct tensor once, wherever it is read;
//  - control flow: every body node is costed and listed; the totals add `runs` × each node's figures,
//    where runs follows the rule of control-flow.ts (If: the branch a constant condition selects, else
//    the larger one; Loop: × constant trip count, else once; Scan: × scan length);
//  - a call of a model-local function costs what its body costs (body nodes have runs 0).
import { storageBytes } from '../ir/data-type';
import { MAX_EXACT } from '../ir/dims';
import type { Graph, Node, Value } from '../ir/graph';
import type { FunctionDef, Model } from '../ir/model';
import { formatShape, isConcrete } from '../ir/shape';
import type { Tensor } from '../ir/tensor';
import type { ShapeInference } from '../shape/types';
import { CostContext, type MissingShape, numel, opKey } from './context';
import { assignRuns, type RunIssue } from './control-flow';
import { isIncomplete } from './figures';
import { costFunction } from './registry';
import type { CostReport, CostTotals, NodeCost, OpTypeCost, UnknownCostOp } from './types';
import { type Weight, weightOf } from './weights';

/** Why a known node has null MACs/FLOPs. */
type NullReason =
  | { kind: 'shape'; missing: MissingShape }
  | { kind: 'inexact' }
  | { kind: 'misfit' }
  | { kind: 'failed'; message: string }
  | { kind: 'function' };

interface Work {
  cost: NodeCost;
  /** Registry key of the op (`domain:OpType`), for byOp and unknownOps. */
  key: string;
  weights: Weight[];
  nullReason?: NullReason;
}

function valueBytes(v: Value, shapes: ShapeInference): number | null {
  const t = shapes.typeOf(v);
  if (!t || (t.kind !== 'tensor' && t.kind !== 'sparse_tensor') || !isConcrete(t.shape)) return null;
  const b = storageBytes(t.elemType, numel(t.shape)) ?? null;
  return b !== null && b <= MAX_EXACT ? b : null; // past 2^53 a byte count is not exact: unknown
}

function slotName(node: Node, v: Value): string {
  const i = node.inputs.indexOf(v);
  return i >= 0 ? `input '${v.name}'` : `output '${v.name}'`;
}

function shapeNote(node: Node, m: MissingShape): string {
  if (!m.shape) return `shapes not concrete: the shape of ${slotName(node, m.value)} is unknown to shape inference`;
  const symbols = m.shape.filter((d) => typeof d === 'string');
  return (
    `shapes not concrete: ${slotName(node, m.value)} is ${formatShape(m.shape)}` +
    (symbols.length ? ` (symbolic ${symbols.join(', ')})` : ' (unknown dims)')
  );
}

function costNode(node: Node, graphPath: string, shapes: ShapeInference, fn: FunctionDef | undefined): Work {
  // Weights (each tensor once per node) and the bytes the node moves. Inputs are few: arrays beat sets.
  const weights: Weight[] = [];
  let inBytes: number | null = 0;
  const inputs = node.inputs;
  for (let i = 0; i < inputs.length; i++) {
    const v = inputs[i];
    if (!v || inputs.indexOf(v) !== i) continue;
    const w = weightOf(node, i);
    if (w) {
      if (!weights.some((o) => o.tensor === w.tensor)) weights.push(w);
      continue;
    }
    if (inBytes === null) continue;
    const b = valueBytes(v, shapes);
    inBytes = b === null ? null : inBytes + b;
  }
  let params = 0;
  let weightBytes = 0;
  for (const w of weights) {
    params += w.elements;
    weightBytes += w.bytes;
  }
  let activationBytes: number | null = 0;
  if (!(node.opType === 'Constant' && (node.domain === '' || node.domain === 'ai.onnx'))) {
    for (const v of node.outputs) {
      if (!v) continue;
      const b = valueBytes(v, shapes);
      activationBytes = activationBytes === null || b === null ? null : activationBytes + b;
    }
  }
  const cost: NodeCost = {
    node,
    name: node.displayName,
    opType: node.opType,
    domain: node.domain,
    graphPath,
    macs: null,
    flops: null,
    params,
    weightBytes,
    activationBytes,
    intensity: null,
    known: true,
    runs: 0,
  };
  const key = opKey(node.domain, node.opType);
  const work: Work = { cost, key, weights };
  const costFn = costFunction(key);
  if (!costFn) {
    if (fn) {
      work.nullReason = { kind: 'function' }; // resolved once the function bodies are costed
      return work;
    }
    cost.known = false;
    cost.note = `no cost function for ${node.domain ? `${node.domain}.` : ''}${node.opType}: its MACs and FLOPs are unknown`;
    return work;
  }
  const ctx = new CostContext(node, shapes);
  let r: ReturnType<typeof costFn>;
  try {
    r = costFn(ctx);
  } catch (e) {
    work.nullReason = { kind: 'failed', message: (e as Error).message };
    cost.note = `cost function failed: ${(e as Error).message}`;
    return work;
  }
  if (!r) {
    const m = ctx.missing;
    if (m) {
      work.nullReason = { kind: 'shape', missing: m };
      cost.note = shapeNote(node, m);
    } else {
      const ins = node.inputs.map((v) => (v ? formatShape(shapes.shapeOf(v)) : '-')).join(', ');
      work.nullReason = { kind: 'misfit' };
      cost.note = `not computable: the inferred input shapes (${ins}) or the attributes do not fit the op`;
    }
    return work;
  }
  if (!(Math.abs(r.macs) <= MAX_EXACT && Math.abs(r.flops) <= MAX_EXACT)) {
    // JS numbers count exactly up to 2^53 (docs/cost-model.md): a larger count would be a rounded
    // figure that looks exact. Unknown, with the size said.
    work.nullReason = { kind: 'inexact' };
    cost.note = `${r.macs.toExponential(3)} MACs, ${r.flops.toExponential(3)} FLOPs: past 2^53, counts are no longer exact, so they are reported as unknown`;
    return work;
  }
  cost.macs = r.macs;
  cost.flops = r.flops;
  setIntensity(cost, inBytes);
  return work;
}

function setIntensity(cost: NodeCost, inBytes: number | null): void {
  if (cost.flops === null || inBytes === null || cost.activationBytes === null) return;
  const moved = cost.weightBytes + inBytes + cost.activationBytes;
  cost.intensity = moved > 0 ? cost.flops / moved : null;
}

function joinPath(parent: string, child: string): string {
  return parent ? `${parent}/${child}` : child;
}

export function costModel(model: Model, shapes: ShapeInference): CostReport {
  const works: Work[] = [];
  const start = new Map<Graph, number>();
  const fnOf = (n: Node): FunctionDef | undefined =>
    model.functions.length ? model.findFunction(n.domain, n.opType, n.overload) : undefined;

  // 1. Cost every node: a graph's own nodes in file order, then its bodies depth first.
  const visit = (g: Graph, path: string): void => {
    start.set(g, works.length);
    for (const n of g.nodes) works.push(costNode(n, path, shapes, fnOf(n)));
    for (const n of g.nodes) {
      for (const a of n.attributes) {
        if (a.kind === 'graph') visit(a.value, joinPath(path, `${n.displayName}/${a.name}`));
        else if (a.kind === 'graphs') a.value.forEach((sub, k) => visit(sub, joinPath(path, `${n.displayName}/${a.name}[${k}]`)));
      }
    }
  };
  visit(model.graph, '');
  for (const f of model.functions) visit(f.body, `fn:${f.domain ? `${f.domain}.` : ''}${f.name}`);

  // 2. Runs of every node (control-flow rule) and the cost of function calls.
  const issues: RunIssue[] = [];
  assignRuns(model, works, start, shapes, issues);
  const counted = issues.filter((i) => (i.node.cost.runs ?? 0) > 0);

  // 3. Totals and per-op-type sums.
  const totals: CostTotals = { macs: 0, flops: 0, params: 0, weightBytes: 0, activationBytes: 0 };
  let incomplete = counted.some((i) => i.incomplete);
  let activationsIncomplete = false;
  const allWeights = new Set<Tensor>();
  const ops = new Map<string, OpTypeCost & { tensors: Set<Tensor> }>();
  const unknown = new Map<string, UnknownCostOp>();
  for (const w of works) {
    const c = w.cost;
    const k = c.runs ?? 0;
    if (k > 0) {
      totals.macs += (c.macs ?? 0) * k;
      totals.flops += (c.flops ?? 0) * k;
      totals.activationBytes += (c.activationBytes ?? 0) * k;
      if (isIncomplete(c)) incomplete = true;
      if (c.activationBytes === null) activationsIncomplete = true;
    }
    for (const wt of w.weights) {
      if (allWeights.has(wt.tensor)) continue;
      allWeights.add(wt.tensor);
      totals.params += wt.elements;
      totals.weightBytes += wt.bytes;
    }
    const key = w.key;
    let o = ops.get(key);
    if (!o) {
      o = { opType: c.opType, domain: c.domain, count: 0, macs: 0, flops: 0, params: 0, weightBytes: 0, activationBytes: 0, incomplete: false, tensors: new Set() };
      ops.set(key, o);
    }
    o.count++;
    o.macs += (c.macs ?? 0) * k;
    o.flops += (c.flops ?? 0) * k;
    o.activationBytes += (c.activationBytes ?? 0) * k;
    if (k > 0 && isIncomplete(c)) o.incomplete = true;
    for (const wt of w.weights) {
      if (o.tensors.has(wt.tensor)) continue;
      o.tensors.add(wt.tensor);
      o.params += wt.elements;
      o.weightBytes += wt.bytes;
    }
    if (!c.known) {
      const u = unknown.get(key) ?? { domain: c.domain, opType: c.opType, count: 0, nodes: [] };
      u.count++;
      u.nodes.push(joinPath(c.graphPath, c.name));
      unknown.set(key, u);
    }
  }
  const byOp: OpTypeCost[] = [...ops.values()].map(({ tensors: _t, ...o }) => o);
  const unknownOps = [...unknown.values()];

  return {
    nodes: works.map((w) => w.cost),
    totals,
    totalsIncomplete: incomplete,
    activationBytesIncomplete: activationsIncomplete,
    byOp,
    unknownOps,
    warnings: warningsFor(model, works, unknownOps, counted, shapes),
  };
}

function warningsFor(model: Model, works: Work[], unknownOps: UnknownCostOp[], issues: RunIssue[], shapes: ShapeInference): string[] {
  const warnings: string[] = [];
  const notConcrete = works.filter((w) => w.nullReason?.kind === 'shape' && (w.cost.runs ?? 0) > 0);
  if (notConcrete.length > 0) {
    const unbound: string[] = [];
    const symbols = new Set<string>();
    let example = '';
    for (const v of model.graph.inputs) {
      if (v.initializer) continue;
      const s = shapes.shapeOf(v);
      if (!s || isConcrete(s)) continue;
      unbound.push(`${v.name}: ${formatShape(s)}`);
      example ||= `${v.name}=${s.map((d) => (typeof d === 'number' ? d : 'N')).join('x')}`;
      for (const d of s) if (typeof d === 'string' && !d.startsWith('unk__')) symbols.add(d);
    }
    const examples = notConcrete
      .slice(0, 3)
      .map((w) => `${w.cost.opType} '${joinPath(w.cost.graphPath, w.cost.name)}'`)
      .join(', ');
    const head = `${notConcrete.length} node(s) have shapes that are not concrete, so their MACs and FLOPs are reported as null (unknown), not 0 (e.g. ${examples})`;
    if (unbound.length > 0) {
      const dimHint = symbols.size ? ` or name a dim with --dim ${[...symbols][0]}=N (symbolic dims: ${[...symbols].join(', ')})` : '';
      warnings.push(`${head}: model inputs have unbound dims (${unbound.join('; ')}); bind them with --input ${example || 'NAME=1x3x224x224'}${dimHint}`);
    } else {
      warnings.push(`${head}: shape inference could not determine these shapes from the model`);
    }
  }
  if (unknownOps.length > 0) {
    const n = unknownOps.reduce((s, u) => s + u.count, 0);
    const list = unknownOps.map((u) => `${u.domain ? `${u.domain}.` : ''}${u.opType} ×${u.count}`).join(', ');
    warnings.push(`${n} node(s) have no cost function (${list}): they are listed under unknownOps and the totals leave them out`);
  }
  const misfit = works.filter((w) => w.nullReason?.kind === 'misfit' && (w.cost.runs ?? 0) > 0);
  if (misfit.length > 0) {
    const list = misfit.slice(0, 3).map((w) => `${w.cost.node} (${w.cost.note})`).join('; ');
    warnings.push(`${misfit.length} node(s) could not be costed because their inferred shapes or attributes do not fit the op: ${list}`);
  }
  for (const w of works) if (w.nullReason?.kind === 'failed') warnings.push(`${w.cost.node}: cost function failed: ${w.nullReason.message}`);
  for (const w of works) if (w.nullReason?.kind === 'inexact' && (w.cost.runs ?? 0) > 0) warnings.push(`${w.cost.opType} '${joinPath(w.cost.graphPath, w.cost.name)}': ${w.cost.note}`);
  for (const i of issues) warnings.push(i.message);
  return warnings;
}
