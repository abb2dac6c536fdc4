// Inner values made graph outputs, so that ONNX Runtime returns them (a layer's activation compared
// between the float model and a compressed one). Each value gets its inferred type; a rewrite that
// replaces the value's producer keeps the output's name (passes/graph-edit.ts takeOver), so the same
// name can be read from the original and from any compressed copy.
import type { Model } from '../ir/model';
import { inferShapes } from '../shape';
import type { Bindings } from '../shape/types';

/** Adds the main-graph values `names` to the outputs of `model` (mutated); returns those added. */
export function exposeValues(model: Model, names: readonly string[], bindings: Bindings = {}): string[] {
  const g = model.graph;
  const shapes = inferShapes(model, bindings);
  const added: string[] = [];
  for (const name of names) {
    const v = g.values.get(name);
    if (!v || v.isGraphOutput() || v.isGraphInput() || v.initializer || !v.producer) continue;
    const t = shapes.typeOf(v);
    if (t?.kind !== 'tensor') continue;
    v.type = t;
    g.outputs.push(v);
    added.push(name);
  }
  return added;
}
