// The layerlens/tensorValues request: every value (up to a limit) of one constant tensor of a model —
// an initializer or a Constant node's value, in the main graph or a body — by its value name. The text
// view writes only small tensors out; this is how a client shows one of the others.
import { dataTypeName } from '../../core/ir/data-type';
import type { Graph } from '../../core/ir/graph';
import type { Model } from '../../core/ir/model';
import type { Tensor } from '../../core/ir/tensor';
import { tensorValuesText } from '../../core/onnx/text/printer';
import type { TensorValuesResult } from '../../protocol/requests';

/** The constant tensor named `name`: main graph first, then bodies, then function bodies. */
function findConstant(model: Model, name: string): Tensor | null {
  const graphs: Graph[] = [model.graph];
  for (const n of model.graph.allNodes()) graphs.push(...n.subgraphs());
  for (const f of model.functions) graphs.push(f.body);
  for (const g of graphs) {
    const t = g.values.get(name)?.constant;
    if (t) return t;
  }
  return null;
}

export function tensorValues(model: Model, name: string, limit: number): TensorValuesResult | null {
  const t = findConstant(model, name);
  if (!t) return null;
  const shown = Math.min(limit, t.elementCount);
  return { name, dtype: dataTypeName(t.dataType), dims: [...t.dims], elements: t.elementCount, shown, text: tensorValuesText(t, shown) };
}
