// The control-flow totals rule: how many times each node's figures enter the model totals (`runs`).
//   main graph nodes: 1
//   If:   the branch a constant condition selects; when the condition is known only at run time,
//         the larger branch (by MACs, then FLOPs; 'then' on a tie): an upper bound for one run.
//         The other branch: 0.
//   Loop: body × trip count M when M is a constant (an upper bound if the loop also has a condition);
//         otherwise the body once, with a warning (the totals are then lower bounds).
//   Scan: body × scan length (the first scan input's extent along its scan axis; opset 8: batch × sequence).
//   other nodes holding graphs (unknown custom ops): each body once.
//   model-local function bodies: 0; a call node carries its body's single-run cost instead.
// Nested bodies multiply: a Loop body inside a Loop body runs M1·M2 times.
import type { Graph, Node } from '../ir/graph';
import type { FunctionDef, Model } from '../ir/model';
import type { ShapeInference } from '../shape/types';
import type { NodeCost } from './types';

export interface RunIssue {
  /** The control-flow node concerned (the issue matters only if the node itself is counted). */
  node: Costed;
  message: string;
  /** The totals are lower bounds because of it. */
  incomplete: boolean;
}

interface RunTotal {
  macs: number;
  flops: number;
  incomplete: boolean;
}

export interface Costed {
  cost: NodeCost;
  nullReason?: { kind: string };
}

/** Largest trip count taken as a real bound; exporters write INT64_MAX for "until the condition fails". */
const MAX_TRIPS = 2 ** 31 - 1;

function scalarOf(node: Node, i: number, shapes: ShapeInference): number | undefined {
  const v = node.inputs[i];
  if (!v) return undefined;
  const t = shapes.info(v)?.constant ?? v.constant;
  if (!t || t.elementCount !== 1) return undefined;
  try {
    return t.toNumbers()[0];
  } catch {
    return undefined;
  }
}

function fnName(f: FunctionDef): string {
  return `${f.domain ? `${f.domain}.` : ''}${f.name}`;
}

/**
 * Sets `runs` on every node's cost. `works` holds the costs of each graph's nodes contiguously, in the
 * graph's order, from index `start.get(graph)` (a Map per graph is much cheaper than one per node).
 */
export function assignRuns(model: Model, works: Costed[], start: Map<Graph, number>, shapes: ShapeInference, issues: RunIssue[]): void {
  const factors = new Map<Graph, number>();
  const memo = new Map<Graph, RunTotal>();
  const fnMemo = new Map<FunctionDef, RunTotal>();
  const active = new Set<FunctionDef>();
  const opset = model.opset('') ?? 21;

  const callCost = (w: Costed, f: FunctionDef): void => {
    let t = fnMemo.get(f);
    if (!t) {
      if (active.has(f)) {
        w.cost.note = `call of model-local function ${fnName(f)}: the function calls itself, its cost is unknown`;
        return;
      }
      active.add(f);
      t = graphRun(f.body);
      active.delete(f);
      fnMemo.set(f, t);
    }
    if (t.incomplete) {
      w.cost.note = `call of model-local function ${fnName(f)}: some nodes of its body have no known cost (see fn:${fnName(f)})`;
      return;
    }
    w.cost.macs = t.macs;
    w.cost.flops = t.flops;
    w.cost.note = `call of model-local function ${fnName(f)}: the cost of one run of its body`;
  };

  const graphRun = (g: Graph): RunTotal => {
    const done = memo.get(g);
    if (done) return done;
    const t: RunTotal = { macs: 0, flops: 0, incomplete: false };
    const s0 = start.get(g) ?? -1;
    for (let i = 0; i < g.nodes.length; i++) {
      const n = g.nodes[i]!;
      const w = works[s0 + i];
      if (s0 < 0 || !w) continue;
      if (w.nullReason?.kind === 'function' && w.cost.macs === null) {
        const f = model.findFunction(n.domain, n.opType, n.overload);
        if (f) callCost(w, f);
      }
      const c = w.cost;
      if (c.macs === null || c.flops === null) t.incomplete = true;
      t.macs += c.macs ?? 0;
      t.flops += c.flops ?? 0;
      if (!hasSubgraphs(n)) continue;
      for (const [sub, k] of bodyFactors(n, n.subgraphs(), w)) {
        factors.set(sub, k);
        const o = graphRun(sub);
        t.macs += o.macs * k;
        t.flops += o.flops * k;
        if (k > 0 && o.incomplete) t.incomplete = true;
      }
    }
    memo.set(g, t);
    return t;
  };

  const bodyFactors = (n: Node, subs: Graph[], w: Costed): [Graph, number][] => {
    const where = `${n.opType} '${joinPath(w.cost.graphPath, w.cost.name)}'`;
    if (n.opType === 'If' && subs.length === 2) {
      const thenG = n.attrGraph('then_branch');
      const elseG = n.attrGraph('else_branch');
      if (thenG && elseG) {
        const cond = scalarOf(n, 0, shapes);
        if (cond !== undefined) {
          w.cost.note = `the condition is the constant ${cond ? 'true' : 'false'}: the totals count ${cond ? 'then_branch' : 'else_branch'}`;
          return [[thenG, cond ? 1 : 0], [elseG, cond ? 0 : 1]];
        }
        const a = graphRun(thenG);
        const b = graphRun(elseG);
        const elseLarger = b.macs > a.macs || (b.macs === a.macs && b.flops > a.flops);
        const [kept, other] = elseLarger ? ['else_branch', 'then_branch'] : ['then_branch', 'else_branch'];
        w.cost.note = `the condition is known only at run time: the totals count the larger branch, ${kept}`;
        if ((elseLarger ? a : b).incomplete) {
          issues.push({
            node: w,
            message: `${where}: the totals count ${kept}, but ${other} has nodes of unknown cost and may be the larger one (the totals may be lower bounds)`,
            incomplete: true,
          });
        }
        return [[thenG, elseLarger ? 0 : 1], [elseG, elseLarger ? 1 : 0]];
      }
    }
    if (n.opType === 'Loop' && subs.length === 1) {
      const m = scalarOf(n, 0, shapes);
      if (m !== undefined && Number.isFinite(m) && m >= 0 && m <= MAX_TRIPS) {
        w.cost.note = `the totals count its body × ${m} (the trip count)`;
        return [[subs[0]!, m]];
      }
      w.cost.note = 'the trip count is not a constant: the totals count its body once';
      issues.push({ node: w, message: `${where}: the trip count is not a constant, so its body is counted once (the totals are lower bounds)`, incomplete: true });
      return [[subs[0]!, 1]];
    }
    if (n.opType === 'Scan' && subs.length === 1) {
      const len = scanLength(n, shapes, opset);
      if (len !== null) {
        w.cost.note = `the totals count its body × ${len} (the scan length)`;
        return [[subs[0]!, len]];
      }
      w.cost.note = 'the scan length is not known: the totals count its body once';
      issues.push({ node: w, message: `${where}: the scan length is not known, so its body is counted once (the totals are lower bounds)`, incomplete: true });
      return [[subs[0]!, 1]];
    }
    return subs.map((s) => [s, 1]);
  };

  graphRun(model.graph);
  for (const f of model.functions) {
    if (fnMemo.has(f)) continue;
    fnMemo.set(f, graphRun(f.body));
  }

  // Top-down: a body's runs are its owner's runs times the body's factor.
  const walk = (g: Graph, r: number): void => {
    const s0 = start.get(g) ?? -1;
    for (let i = 0; i < g.nodes.length; i++) {
      const n = g.nodes[i]!;
      const w = works[s0 + i];
      if (s0 >= 0 && w) w.cost.runs = r;
      if (hasSubgraphs(n)) for (const sub of n.subgraphs()) walk(sub, r * (factors.get(sub) ?? 1));
    }
  };
  walk(model.graph, 1);
  for (const f of model.functions) walk(f.body, 0);
}

function hasSubgraphs(n: Node): boolean {
  for (const a of n.attributes) if (a.kind === 'graph' || a.kind === 'graphs') return true;
  return false;
}

function scanLength(n: Node, shapes: ShapeInference, opset: number): number | null {
  const m = n.attrInt('num_scan_inputs', 0);
  if (m <= 0) return null;
  const first = n.inputs[n.inputs.length - m];
  const s = first ? shapes.shapeOf(first) : null;
  if (!s) return null;
  if (opset < 9) {
    // Scan-8: scan inputs are [batch, sequence, ...]; the body runs once per batch item per step.
    const [b, t] = s;
    return typeof b === 'number' && typeof t === 'number' ? b * t : null;
  }
  let axis = n.attrInts('scan_input_axes')?.[0] ?? 0;
  if (axis < 0) axis += s.length;
  const len = s[axis];
  return typeof len === 'number' ? len : null;
}

function joinPath(parent: string, child: string): string {
  return parent ? `${parent}/${child}` : child;
}
