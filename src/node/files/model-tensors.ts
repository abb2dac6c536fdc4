// Every tensor a model holds, wherever it sits (initializers and sparse initializers of the main graph
// and of every subgraph, tensor attributes of nodes, function bodies), each with a way to put another
// tensor in its place: what saving external data and finding the files a model reads both need.
import type { Attribute } from '../../core/ir/attribute';
import type { Graph } from '../../core/ir/graph';
import type { Model } from '../../core/ir/model';
import type { SparseTensor } from '../../core/ir/sparse-tensor';
import type { Tensor } from '../../core/ir/tensor';

export interface TensorSlot {
  tensor: Tensor;
  replace(t: Tensor): void;
}

function sparseSlots(s: SparseTensor, out: TensorSlot[]): void {
  out.push({ tensor: s.values, replace: (t) => (s.values = t) });
  out.push({ tensor: s.indices, replace: (t) => (s.indices = t) });
}

function attributeSlots(a: Attribute, out: TensorSlot[], graphs: Graph[]): void {
  switch (a.kind) {
    case 'tensor':
      out.push({ tensor: a.value, replace: (t) => (a.value = t) });
      break;
    case 'tensors':
      a.value.forEach((x, i) => out.push({ tensor: x, replace: (t) => (a.value[i] = t) }));
      break;
    case 'sparse_tensor':
      sparseSlots(a.value, out);
      break;
    case 'sparse_tensors':
      a.value.forEach((s) => sparseSlots(s, out));
      break;
    case 'graph':
      graphs.push(a.value);
      break;
    case 'graphs':
      graphs.push(...a.value);
      break;
    default:
  }
}

/** Every tensor slot of `model`, main graph first, in file order within each graph. */
export function tensorSlots(model: Model): TensorSlot[] {
  const out: TensorSlot[] = [];
  const pending: Graph[] = [model.graph, ...model.functions.map((f) => f.body)];
  for (const f of model.functions) for (const a of f.attributeDefaults) attributeSlots(a, out, pending);
  const seen = new Set<Graph>();
  while (pending.length) {
    const g = pending.shift()!;
    if (seen.has(g)) continue;
    seen.add(g);
    g.initializers.forEach((x, i) => out.push({ tensor: x, replace: (t) => (g.initializers[i] = t) }));
    for (const s of g.sparseInitializers) sparseSlots(s, out);
    for (const n of g.nodes) for (const a of n.attributes) attributeSlots(a, out, pending);
  }
  return out;
}

/** The external data files `model` names (locations relative to its folder), each once. */
export function externalLocations(model: Model): string[] {
  const out = new Set<string>();
  for (const { tensor } of tensorSlots(model)) if (tensor.storage.kind === 'external') out.add(tensor.storage.ref.location);
  return [...out];
}
