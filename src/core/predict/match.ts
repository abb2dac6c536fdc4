// Lines a kernel plan up with the kernels ONNX Runtime actually ran (its optimized graph, mapped back
// to the original nodes by profile/kernel-map.ts): the training data of calibration and of
// `--from-traces`, and the check of the plan itself.
//   compute kernels match when they compute exactly the same original nodes;
//   layout kernels (Reorder, Cast, Reshape ORT inserts) match by op and the original tensor they convert.
// `agreement` is the share of the model's running nodes whose planned kernel computes exactly the
// nodes of their real kernel: the measure of fusion detection reported in docs/prediction.md.
import type { Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';
import type { KernelMapping } from '../profile/kernel-map';
import type { KernelPlan, PlannedKernel } from './types';

export interface Matched {
  planned: PlannedKernel;
  /** ORT's kernel names (one, except a planned layout kernel ORT split). */
  kernel: string;
}

export interface Matching {
  matched: Matched[];
  /** Planned kernels with no real counterpart. */
  plannedOnly: PlannedKernel[];
  /** Real kernels (name, op) with no planned counterpart. */
  ortOnly: { kernel: string; opType: string; nodes: Node[] }[];
  /** Running original nodes whose planned kernel computes exactly their real kernel's nodes / all of them. */
  agreement: { same: number; total: number };
  /** Compute kernels with the right nodes but another kernel (e.g. FusedConv planned, NCHWc Conv ran). */
  wrongOp: { planned: PlannedKernel; kernel: string; opType: string }[];
}

const LAYOUT = new Set(['ReorderInput', 'ReorderOutput', 'Cast', 'Reshape']);

/** The original tensor a layout kernel of the optimized graph converts (by name), if it names one. */
function layoutTensor(k: Node, original: Map<string, Value>): string | undefined {
  const i = k.inputs[0]?.name;
  const o = k.outputs[0]?.name;
  if (k.opType === 'ReorderInput') return i && original.has(i) ? i : undefined;
  if (k.opType === 'ReorderOutput') return o && original.has(o) ? o : undefined;
  if (o && original.has(o)) return o;
  return i && original.has(i) ? i : undefined;
}

export function matchKernels(plan: KernelPlan, mapping: Map<string, KernelMapping>, original: Model, optimized: Model): Matching {
  const index = new Map<Node, number>();
  let i = 0;
  for (const n of original.graph.allNodes()) index.set(n, i++);
  const key = (nodes: readonly Node[]): string => nodes.map((n) => index.get(n) ?? -1).sort((a, b) => a - b).join(',');
  const values = new Map<string, Value>();
  for (const n of original.graph.allNodes()) for (const v of [...n.inputs, ...n.outputs]) if (v && !values.has(v.name)) values.set(v.name, v);
  for (const v of original.graph.inputs) values.set(v.name, v);

  const plannedCompute = new Map<string, PlannedKernel>();
  const plannedLayout = new Map<string, PlannedKernel>();
  for (const k of plan.kernels) {
    if (k.role === 'compute') plannedCompute.set(key(k.nodes), k);
    else plannedLayout.set(`${k.op}:${k.tensor?.name}`, k);
  }
  const optNodes = new Map<string, Node>();
  for (const n of optimized.graph.allNodes()) optNodes.set(n.displayName, n);

  const matched: Matched[] = [];
  const ortOnly: Matching['ortOnly'] = [];
  const wrongOp: Matching['wrongOp'] = [];
  const used = new Set<PlannedKernel>();
  const realOf = new Map<Node, string>();
  for (const [name, m] of mapping) {
    if (m.role === 'compute') {
      for (const n of m.nodes) realOf.set(n, key(m.nodes));
      const p = plannedCompute.get(key(m.nodes));
      const real = optNodes.get(name);
      if (p && !used.has(p) && real && (real.opType !== p.op || real.domain !== p.domain)) {
        wrongOp.push({ planned: p, kernel: name, opType: `${real.domain ? `${real.domain}:` : ''}${real.opType}` });
        used.add(p);
      } else if (p && !used.has(p)) {
        matched.push({ planned: p, kernel: name });
        used.add(p);
      } else ortOnly.push({ kernel: name, opType: m.opType, nodes: m.nodes });
      continue;
    }
    const k = optNodes.get(name);
    const t = k && LAYOUT.has(k.opType) ? layoutTensor(k, values) : undefined;
    const p = t ? plannedLayout.get(`${k!.opType}:${t}`) : undefined;
    if (p && !used.has(p)) {
      matched.push({ planned: p, kernel: name });
      used.add(p);
    } else ortOnly.push({ kernel: name, opType: m.opType, nodes: m.nodes });
  }
  let same = 0;
  let total = 0;
  for (const k of plan.kernels) {
    if (k.role !== 'compute') continue;
    for (const n of k.nodes) {
      total++;
      if (realOf.get(n) === key(k.nodes)) same++;
    }
  }
  // Nodes ORT ran that the plan folded count as disagreements too.
  for (const f of plan.folded) if (realOf.has(f.node)) total++;
  return { matched, plannedOnly: plan.kernels.filter((k) => !used.has(k)), ortOnly, agreement: { same, total }, wrongOp };
}
