// Structured channel pruning of Conv output channels. For a Conv with weight W [Cout, Cin, k…], the
// channels with the smallest L1 (or L2) norm ‖W[c]‖ are removed: W and the bias lose those rows, and
// everything that reads the channels follows, so the model stays consistent and does fewer MACs:
//   per-channel ops on the way (BatchNormalization, Relu/Clip/Sigmoid/HardSigmoid/HardSwish/
//   LeakyRelu, Add/Mul with a per-channel constant, Max/Average/Global pooling) drop the same channels
//   of their parameters; the next Conv drops the same input channels (W[:, c]); after a global pool +
//   Flatten, a Gemm or MatMul drops the matching weight rows/columns.
// Anything else reading the channels (a residual Add with another branch, Concat, Reshape, a graph
// output) makes the site refuse with the reason: those channels meet other branches.
import { toAttribute } from '../../ir/builder';
import type { Node, Value } from '../../ir/graph';
import { addInitializer } from '../graph-edit';
import { weightBytes } from '../gain';
import type { CheckResult, RewriteRule, RuleContext, Site } from '../types';

const ELEMENTWISE = new Set(['Relu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'Tanh', 'Elu', 'Selu', 'Softplus']);
const POOLS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool']);

/** What reads the pruned channels, found by following the channel axis forward. */
interface Plan {
  /** Per-channel parameter inputs to slice: (node, input index, axis). */
  params: { node: Node; index: number; axis: number }[];
  /** Consumer weights to slice on their input-channel axis. */
  consumers: { node: Node; index: number; axis: number }[];
  /** Values whose channel count changes (their declared shapes are dropped). */
  values: Value[];
  /** Depthwise convs on the way: their group attribute becomes the kept channel count. */
  depthwise: Node[];
}

interface ChannelSite extends Site {
  conv: Node;
}

function scalar(v: Value | null): boolean {
  const t = v?.constant;
  return !!t && t.dims.every((d) => d === 1);
}

function perChannel(v: Value | null, channels: number): boolean {
  const t = v?.constant;
  if (!t) return false;
  const nonOne = t.dims.filter((d) => d !== 1);
  return nonOne.length === 1 && nonOne[0] === channels && (t.dims.length === 1 || t.dims[t.dims.length - 3] === channels || t.dims.length === 3);
}

function plan(conv: Node, channels: number): Plan | string {
  const p: Plan = { params: [], consumers: [], values: [], depthwise: [] };
  const reached = new Set<Value>();
  /** Binary ops whose other operand is not constant: fine only if it carries the same channels. */
  const pending = new Map<Node, Value>();
  const visit = (v: Value, flattened: boolean): string | null => {
    if (reached.has(v)) return null;
    reached.add(v);
    if (v.isGraphOutput()) return `its channels reach graph output '${v.name}'`;
    p.values.push(v);
    for (const u of v.uses) {
      const n = u.node;
      if (flattened) {
        if (n.opType === 'Gemm' && u.index === 0 && n.inputs[1]?.constant) {
          p.consumers.push({ node: n, index: 1, axis: n.attrInt('transB', 0) === 1 ? 1 : 0 });
          continue;
        }
        if (n.opType === 'MatMul' && u.index === 0 && n.inputs[1]?.constant) {
          p.consumers.push({ node: n, index: 1, axis: 0 });
          continue;
        }
        return `its channels flow through Flatten into ${n} (only Gemm/MatMul with constant weights can follow)`;
      }
      if (n.opType === 'Conv' && u.index === 0) {
        const group = n.attrInt('group', 1);
        if (!n.inputs[1]?.constant) return `its channels feed ${n}, whose weights are not constant`;
        if (group === 1) {
          p.consumers.push({ node: n, index: 1, axis: 1 });
          continue;
        }
        if (group !== channels || n.inputs[1].constant.dims[0] !== channels) return `its channels feed grouped ${n} (group ${group})`;
        // Depthwise: one filter per channel, so the same channels go, and the chain goes on.
        p.params.push({ node: n, index: 1, axis: 0 });
        if (n.inputs[2]) {
          if (!n.inputs[2].constant) return `depthwise ${n} has a non-constant bias`;
          p.params.push({ node: n, index: 2, axis: 0 });
        }
        p.depthwise.push(n);
      } else if (n.opType === 'BatchNormalization' && u.index === 0) {
        for (let i = 1; i <= 4; i++) if (!n.inputs[i]?.constant) return `BatchNormalization '${n.displayName}' has non-constant input ${i}`;
        for (let i = 1; i <= 4; i++) p.params.push({ node: n, index: i, axis: 0 });
      } else if (['Add', 'Mul', 'Sub', 'Div'].includes(n.opType) && n.inputs.length === 2) {
        const other = n.inputs[1 - u.index] ?? null;
        if (other && !other.constant) {
          if (pending.has(n) || reached.has(other)) pending.delete(n);
          else {
            pending.set(n, other);
            continue; // go on once the other operand is reached too
          }
        } else if (perChannel(other, channels)) {
          const t = other!.constant!;
          p.params.push({ node: n, index: 1 - u.index, axis: t.dims.findIndex((d) => d === channels) });
        } else if (!scalar(other)) {
          return `its channels meet ${n} with '${other?.name}', which is neither a scalar nor per channel`;
        }
      } else if (n.opType === 'PRelu' && u.index === 0) {
        if (!perChannel(n.inputs[1] ?? null, channels)) return `PRelu '${n.displayName}' slope is not per channel`;
        p.params.push({ node: n, index: 1, axis: n.inputs[1]!.constant!.dims.findIndex((d) => d === channels) });
      } else if (!ELEMENTWISE.has(n.opType) && !POOLS.has(n.opType) && n.opType !== 'Flatten') {
        return `its channels feed ${n}, which this rule cannot adjust (Concat, Reshape and the like meet other branches)`;
      }
      if (n.opType === 'Clip' && n.inputs.slice(1).some((x) => x && !x.constant)) return `Clip '${n.displayName}' has non-constant bounds`;
      const out = n.outputs[0];
      if (!out) continue;
      const why = visit(out, flattened || n.opType === 'Flatten');
      if (why) return why;
    }
    return null;
  };
  const why = visit(conv.outputs[0]!, false);
  if (why) return why;
  for (const [n, other] of pending) {
    if (!reached.has(other)) return `its channels meet another branch at ${n} ('${other.name}'): prune all members consistently`;
  }
  return p;
}

/** Keeps the entries of `values` (shape `dims`) whose index on `axis` is in `keep`. */
function sliceAxis(values: Float64Array, dims: readonly number[], axis: number, keep: number[]): { values: number[]; dims: number[] } {
  const outer = dims.slice(0, axis).reduce((a, d) => a * d, 1);
  const inner = dims.slice(axis + 1).reduce((a, d) => a * d, 1);
  const n = dims[axis]!;
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (const c of keep) for (let i = 0; i < inner; i++) out.push(values[(o * n + c) * inner + i]!);
  const nd = [...dims];
  nd[axis] = keep.length;
  return { values: out, dims: nd };
}

function replaceConstantInput(node: Node, index: number, axis: number, keep: number[], suffix: string): void {
  const v = node.inputs[index]!;
  const t = v.constant!;
  const s = sliceAxis(t.toNumbers(), t.dims, axis, keep);
  node.setInput(index, addInitializer(node.graph, `${v.name}_${suffix}`, t.dataType, s.dims, s.values));
}

export function pruneChannels(ratio: number, norm: 'l1' | 'l2' = 'l1'): RewriteRule<ChannelSite> {
  const done = new WeakSet<Node>();
  return {
    id: 'prune-channel',
    title: `Remove the ${Math.round(ratio * 100)} % weakest output channels of each Conv (${norm.toUpperCase()} norm)`,
    family: 'prune',
    tolerance: {},
    match(ctx: RuleContext) {
      return ctx.model.graph.nodes
        .filter((n) => n.opType === 'Conv' && n.domain === '' && !done.has(n))
        .map((n) => ({ anchor: n, nodes: [n], graph: n.graph, conv: n }));
    },
    check(site): CheckResult {
      const conv = site.conv;
      const w = conv.inputs[1]?.constant;
      if (!w) return { ok: false, reason: `${conv} has no constant weights` };
      if (conv.attrInt('group', 1) !== 1) return { ok: false, reason: `${conv} is grouped (group ${conv.attrInt('group', 1)}); its output channels are tied to its input channels` };
      if (conv.inputs[2] && !conv.inputs[2].constant) return { ok: false, reason: `${conv} has a non-constant bias` };
      const cout = w.dims[0]!;
      if (cout - Math.floor(cout * ratio) < 1 || Math.floor(cout * ratio) < 1) return { ok: false, reason: `${conv} has ${cout} output channels: pruning ${ratio} removes none or all` };
      const p = plan(conv, cout);
      if (typeof p === 'string') return { ok: false, reason: `cannot prune ${conv}: ${p}` };
      return { ok: true };
    },
    rewrite(site) {
      const conv = site.conv;
      const w = conv.inputs[1]!.constant!;
      const cout = w.dims[0]!;
      const W = w.toNumbers();
      const per = W.length / cout;
      const score = Array.from({ length: cout }, (_, c) => {
        let s = 0;
        for (let i = 0; i < per; i++) s += norm === 'l1' ? Math.abs(W[c * per + i]!) : W[c * per + i]! ** 2;
        return s;
      });
      const removeCount = Math.floor(cout * ratio);
      const keep = score
        .map((s, c) => [s, c] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, cout - removeCount)
        .map(([, c]) => c)
        .sort((a, b) => a - b);
      const p = plan(conv, cout) as Plan;
      replaceConstantInput(conv, 1, 0, keep, 'pruned');
      if (conv.inputs[2]) replaceConstantInput(conv, 2, 0, keep, 'pruned');
      for (const x of p.params) replaceConstantInput(x.node, x.index, x.axis, keep, 'pruned');
      for (const x of p.consumers) {
        // For Gemm/MatMul after a global pool + Flatten, feature index = channel index.
        replaceConstantInput(x.node, x.index, x.axis, keep, 'pruned_in');
      }
      // A new attribute, not an edit of the old one: a model copy may share attribute objects.
      for (const n of p.depthwise) n.attributes = n.attributes.filter((x) => x.name !== 'group').concat(toAttribute('group', keep.length));
      for (const v of p.values) {
        v.type = null;
        const g = v.graph;
        g.valueInfo = g.valueInfo.filter((x) => x !== v);
      }
      done.add(conv);
    },
    // At least the share of this conv's work and weights (the next layer's input channels shrink too).
    estimate(site, e) {
      const f = e.figures(site.conv);
      return {
        flops: f?.flops === null || f?.flops === undefined ? null : ratio * f.flops,
        traffic: f?.activationBytes ? 2 * ratio * f.activationBytes : 0,
        fileBytes: ratio * weightBytes(site.conv, e),
        accuracy: 'changes outputs',
        caveat: 'at least: the next layer shrinks too; fine-tune to recover accuracy',
      };
    },
  };
}
