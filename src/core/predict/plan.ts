// The kernels ONNX Runtime will run for a model, predicted without running it: ORT's graph
// optimizations restated as rules (graph-facts.ts: constant folding and no-op removal;
// fusion-rules.ts: level 1, then fp16.ts: Casts for float16 ops without a float16 kernel, then
// fusion-rules.ts level 2; nchwc.ts: level 3), applied to the main graph and to every If/Loop/Scan
// body. Each resulting kernel gets its class and features (features.ts). The plan is checked against
// the graphs ORT itself writes out (src/core/predict/plan.test.ts, test/predict/).
import type { Graph, Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';
import type { CostReport } from '../cost/types';
import type { ShapeInference } from '../shape/types';
import { classify, groupFeatures, layoutFeatures } from './features';
import { DEFAULT_FP16_OPS, insertFp16Casts } from './fp16';
import { FUSION_PASSES } from './fusion-rules';
import { GraphFacts } from './graph-facts';
import { convAddActivation, nchwcPass } from './nchwc';
import { PlanState, type Group } from './plan-state';
import type { KernelPlan, PlanOptions, PlannedKernel } from './types';

const LEVEL1 = new Set(['pad-into-conv', 'conv-batchnorm', 'conv-mul', 'conv-add', 'matmul-add-gemm', 'reshape-fusion', 'gelu', 'layernorm', 'transpose-pair']);

/** Every rule id a plan can apply (fusion-rules.ts, fp16.ts, nchwc.ts). */
export const RULE_IDS: readonly string[] = [...FUSION_PASSES.flatMap((p) => p.ids), 'fp16-cast', 'nchwc', 'conv-add-activation'];

export interface PlanInput {
  model: Model;
  /** Shapes with the user's bindings (the features). */
  run: ShapeInference;
  /** Shapes as ORT sees them at load: no bindings (its layout and fusion decisions). */
  load: ShapeInference;
  cost: CostReport;
}

function kernelName(g: Group, s: PlanState): string {
  if (g.domain === 'com.microsoft.nchwc' && g.op === 'Conv') {
    const conv = g.nodes.find((n) => n.opType === 'Conv');
    if (conv?.outputs[0]) return `${conv.outputs[0].name}_nchwc`;
  }
  if (g.nodes.length === 1) return g.head.displayName;
  return `${g.op} ${g.nodes[0]!.displayName} (+${g.nodes.length - 1} fused)` || s.out(g).name;
}

export function planKernels(input: PlanInput, opts: PlanOptions): KernelPlan {
  const disabled = opts.disabledRules ?? new Set<string>();
  const flops = new Map(input.cost.nodes.map((c) => [c.node, c.flops]));
  const runsOf = new Map(input.cost.nodes.map((c) => [c.node, c.runs]));
  const kernels: PlannedKernel[] = [];
  const folded: KernelPlan['folded'] = [];
  const kernelOf = new Map<Node, PlannedKernel>();

  const planGraph = (graph: Graph, outer: ReadonlySet<Value>): void => {
    const facts = new GraphFacts(graph, input.run, input.load, outer);
    for (const [node, why] of facts.folded) folded.push({ node, why });
    const s = new PlanState(facts);
    for (const pass of FUSION_PASSES.filter((p) => p.ids.some((id) => LEVEL1.has(id)))) if (!pass.ids.every((id) => disabled.has(id))) pass.run(s);
    if (!disabled.has('fp16-cast')) insertFp16Casts(s, opts.fp16Ops ?? DEFAULT_FP16_OPS);
    for (const pass of FUSION_PASSES.filter((p) => !p.ids.some((id) => LEVEL1.has(id)))) if (!pass.ids.every((id) => disabled.has(id))) pass.run(s);
    if (opts.nchwcBlock > 1 && !disabled.has('nchwc')) nchwcPass(s, opts.nchwcBlock);
    if (!disabled.has('conv-add-activation')) convAddActivation(s);

    for (const g of s.groups) if (g.folded && !g.into) for (const n of g.nodes) folded.push({ node: n, why: g.folded });
    const byGroup = new Map<Group, PlannedKernel>();
    for (const g of s.live()) {
      if (g.op === 'Identity' && g.rules.includes('transpose-pair')) {
        for (const n of g.nodes) folded.push({ node: n, why: 'Transposes that cancel: removed by ONNX Runtime' });
        continue;
      }
      const runs = runsOf.get(g.head) ?? 1;
      const k: PlannedKernel = {
        name: kernelName(g, s),
        op: g.op,
        domain: g.domain,
        cls: classify(g, facts),
        role: 'compute',
        nodes: [...g.nodes],
        features: groupFeatures(g, facts, (n) => flops.get(n) ?? null),
        graph,
        runs,
        rules: [...g.rules],
      };
      kernels.push(k);
      byGroup.set(g, k);
      for (const n of g.nodes) kernelOf.set(n, k);
    }
    for (const l of s.layout) {
      let owner: Group | undefined = l.chargedTo;
      while (owner?.into) owner = owner.into;
      const to = owner ? byGroup.get(owner) : undefined;
      if (!to) continue;
      kernels.push({
        name: `${l.op}(${l.tensor.name})`,
        op: l.op,
        domain: l.op.startsWith('Reorder') ? 'com.microsoft.nchwc' : '',
        cls: l.op === 'Reshape' ? 'reshape' : l.op === 'Cast' ? 'cast' : 'reorder',
        role: 'layout',
        nodes: [],
        chargedTo: to,
        tensor: l.tensor,
        features: layoutFeatures(l, facts),
        graph,
        runs: to.runs,
        rules: [l.op === 'Cast' ? 'fp16-cast' : l.op === 'Reshape' ? 'matmul-add-gemm' : 'nchwc'],
      });
    }
    const inner = new Set<Value>(facts.constants);
    for (const n of facts.live) for (const sub of n.subgraphs()) planGraph(sub, inner);
  };
  planGraph(input.model.graph, new Set());
  return { kernels, folded, kernelOf };
}
