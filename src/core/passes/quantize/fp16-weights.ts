// float16 weight storage: every float initializer (and float Constant tensor) read by a node is
// stored as float16 and cast back to float where it is read: w ≈ float(float16(w)), relative error
// ≤ 2^-11 for normal values. The file's weights halve; graph inputs, outputs and compute stay float.
// (Compute in float16 is not done: ONNX Runtime's CPU provider has float16 kernels for few ops.)
import { DataType } from '../../ir/data-type';
import { GraphBuilder } from '../../ir/builder';
import type { Value } from '../../ir/graph';
import { Tensor } from '../../ir/tensor';
import { uniqueName } from '../graph-edit';
import type { CheckResult, RewriteRule, Site } from '../types';

interface WeightSite extends Site {
  value: Value;
}

/** The float tensor behind a weight value: an initializer or a Constant node's value. */
function tensorOf(v: Value): Tensor | null {
  return v.initializer ?? (v.producer?.opType === 'Constant' ? (v.producer.constantTensor ?? null) : null);
}

function check(site: WeightSite): CheckResult {
  const t = tensorOf(site.value);
  if (!t) return { ok: false, reason: `'${site.value.name}' is neither an initializer nor a Constant` };
  if (site.value.isGraphInput()) return { ok: false, reason: `'${site.value.name}' is also a graph input (its value can be replaced at run time)` };
  return { ok: true };
}

function rewrite(site: WeightSite): void {
  const v = site.value;
  const g = v.graph;
  const t = tensorOf(v)!;
  const half = Tensor.fromNumbers(uniqueName(g, `${v.name}_fp16`), DataType.FLOAT16, t.dims, t.toNumbers());
  g.initializers.push(half);
  const hv = g.define(half.name);
  hv.initializer = half;
  const b = new GraphBuilder(g);
  const [cast] = b.node('Cast', [hv], { to: DataType.FLOAT }, { name: uniqueName(g, `${v.name}/cast_fp32`), outputs: [uniqueName(g, `${v.name}_fp32`)] });
  g.nodes.unshift(g.nodes.pop()!);
  for (const u of [...v.uses]) u.node.setInput(u.index, cast!);
}

export function fp16Weights(): RewriteRule<WeightSite> {
  return {
    id: 'quantize-fp16',
    title: 'Store float weights as float16',
    family: 'quantize',
    tolerance: { minCosine: 0.999, maxRelError: 1e-2 },
    match(ctx) {
      const g = ctx.model.graph;
      const fromInits = g.initializers.filter((t) => t.dataType === DataType.FLOAT).map((t) => g.values.get(t.name)!);
      const fromConstants = g.nodes
        .filter((n) => n.opType === 'Constant' && n.domain === '' && n.constantTensor?.dataType === DataType.FLOAT)
        .map((n) => n.outputs[0]!);
      return [...fromInits, ...fromConstants]
        .filter((v) => v && v.uses.length > 0 && (tensorOf(v)?.elementCount ?? 0) >= 16)
        .map((v) => ({ anchor: v.uses[0]!.node, nodes: v.consumers(), graph: v.graph, value: v }));
    },
    check,
    rewrite,
    estimate: (site) => ({ flops: 0, traffic: 0, fileBytes: (tensorOf(site.value)?.byteLength ?? 0) / 2, accuracy: 'approximate', caveat: 'computed in float: a smaller file, not a faster model' }),
  };
}
