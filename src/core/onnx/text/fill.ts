// Filling declared weights (a hand-written design's tensors given by shape only) so that the model
// can be saved and run: zeros, a normal distribution N(0, 0.02²), or Xavier/Glorot uniform
// U(±√(6/(fan_in + fan_out))), fan_in = dims[1]·∏dims[2:], fan_out = dims[0]·∏dims[2:] (weights of
// rank < 2 use their length for both). Deterministic for a given seed.
import { DataType, isFloatType } from '../../ir/data-type';
import type { Graph } from '../../ir/graph';
import type { Model } from '../../ir/model';
import { Tensor } from '../../ir/tensor';

export type FillMethod = 'zeros' | 'normal' | 'xavier';

export function fillDeclaredTensors(model: Model, method: FillMethod, seed = 1): number {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
  let filled = 0;
  const visit = (g: Graph): void => {
    g.initializers = g.initializers.map((t) => {
      if (t.storage.kind !== 'declared') return t;
      filled++;
      const n = t.elementCount;
      const values = new Float64Array(n);
      if (method !== 'zeros' && (isFloatType(t.dataType) || t.dataType === DataType.INT8)) {
        const receptive = t.dims.slice(2).reduce((a, d) => a * d, 1);
        const fanIn = t.dims.length >= 2 ? t.dims[1]! * receptive : n;
        const fanOut = t.dims.length >= 2 ? t.dims[0]! * receptive : n;
        const bound = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
        for (let i = 0; i < n; i++) values[i] = method === 'xavier' ? (rand() * 2 - 1) * bound : normal() * 0.02;
      }
      const full = Tensor.fromNumbers(t.name, t.dataType, t.dims, values);
      const v = g.values.get(t.name);
      if (v) v.initializer = full;
      return full;
    });
    for (const node of g.nodes) for (const sub of node.subgraphs()) visit(sub);
  };
  visit(model.graph);
  return filled;
}
