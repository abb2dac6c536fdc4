// Graph edits the rewrite rules share. Each keeps producer/use links right, so that after any edit
// `value.uses` and `value.producer` still describe the graph.
import type { DataType } from '../ir/data-type';
import type { Graph, Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';
import type { Site } from './types';
import { Tensor } from '../ir/tensor';

/** The in-memory copy of a model the rules rewrite (src/core/ir/clone.ts: graphs, nodes and values copied; tensor bytes shared, never edited in place). */
export { cloneModel } from '../ir/clone';

/** A name not yet used in `g` or its parents: `base`, else `base_1`, `base_2`, ... */
export function uniqueName(g: Graph, base: string): string {
  if (!g.lookup(base)) return base;
  for (let k = 1; ; k++) if (!g.lookup(`${base}_${k}`)) return `${base}_${k}`;
}

/** Adds a new initializer to `g` with a unique name derived from `base`. */
export function addInitializer(g: Graph, base: string, dataType: DataType, dims: readonly number[], values: ArrayLike<number>): Value {
  const name = uniqueName(g, base);
  const t = Tensor.fromNumbers(name, dataType, dims, values);
  g.initializers.push(t);
  const v = g.define(name);
  v.initializer = t;
  return v;
}

/** Points every reader of `from` at `to` (graph outputs are not touched: see keepOutputName). */
export function replaceAllUses(from: Value, to: Value): void {
  for (const u of [...from.uses]) u.node.setInput(u.index, to);
}

/** Renames a value in its graph's scope. */
export function renameValue(v: Value, name: string): void {
  v.graph.values.delete(v.name);
  v.name = name;
  v.graph.values.set(name, v);
}

/** Detaches a node from its inputs and removes it from its graph. */
export function removeNode(n: Node): void {
  n.inputs.forEach((_, i) => n.setInput(i, null));
  const g = n.graph;
  g.nodes.splice(g.nodes.indexOf(n), 1);
  for (const v of n.outputs) {
    if (v && v.producer === n) {
      v.producer = null;
      if (v.uses.length === 0 && !v.isGraphOutput()) g.values.delete(v.name);
    }
  }
}

/** Removes nodes whose outputs nobody reads (repeatedly), and initializers nobody reads; returns the node count. */
export function removeDeadCode(g: Graph): number {
  return removeDeadCodeCounted(g).nodes;
}

/** removeDeadCode, counting both removed nodes and removed initializers. */
export function removeDeadCodeCounted(g: Graph): { nodes: number; initializers: number } {
  let nodes = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = g.nodes.length - 1; i >= 0; i--) {
      const n = g.nodes[i]!;
      const live = n.outputs.some((v) => v && (v.uses.length > 0 || v.isGraphOutput()));
      if (!live) {
        removeNode(n);
        nodes++;
        changed = true;
      }
    }
  }
  const before = g.initializers.length;
  g.initializers = g.initializers.filter((t) => {
    const v = g.values.get(t.name);
    const used = !!v && (v.uses.length > 0 || v.isGraphOutput() || v.isGraphInput());
    if (!used && v) g.values.delete(t.name);
    return used;
  });
  g.valueInfo = g.valueInfo.filter((v) => g.values.get(v.name) === v);
  return { nodes, initializers: before - g.initializers.length };
}

/** The only node reading `v`, when exactly one node reads it once and it is not a graph output. */
export function soleConsumer(v: Value): Node | null {
  return v.uses.length === 1 && !v.isGraphOutput() ? v.uses[0]!.node : null;
}

/**
 * Whether `to` may take over graph output `from` (takeOver renames it): it must be computed by a node
 * of the same graph (a graph input or initializer keeps its own name) and not be a graph output itself.
 */
export function canTakeOutputName(to: Value, from: Value): boolean {
  return !!to.producer && to.producer.graph === from.graph && to.graph === from.graph && !to.isGraphOutput() && !to.isGraphInput() && !to.initializer;
}

/** Nodes reading `v`, outside `except`; a graph output counts as one reader named 'graph output'. */
export function otherReaders(v: Value, except: readonly Node[]): string[] {
  const out = v.consumers().filter((n) => !except.includes(n)).map((n) => n.toString());
  if (v.isGraphOutput()) out.push('a graph output');
  return out;
}

/** Values of a constant input as float32, or null when it is not constant. */
export function constantFloat32(v: Value | null): Float32Array | null {
  const t = v?.constant;
  return t ? Float32Array.from(t.toNumbers()) : null;
}

/** Whether a constant value (initializer or Constant node output) is also read by nodes other than `n`. */
export function isShared(v: Value, n: Node): boolean {
  return v.consumers().some((c) => c !== n) || v.isGraphOutput();
}

/** Values of a constant input as float64, or null when it is not constant. */
export function constantValues(v: Value | null): Float64Array | null {
  const t = v?.constant;
  return t ? t.toNumbers() : null;
}

/**
 * `by` takes over the role of `old` (whose producer is gone or going): readers of `old` read `by`,
 * and if `old` is a graph output, `by` takes its place, its name and its declared type, so the
 * model's interface does not change.
 */
export function takeOver(old: Value, by: Value): void {
  const g = old.graph;
  if (old.isGraphOutput()) {
    g.outputs[g.outputs.indexOf(old)] = by;
    by.type = old.type ?? by.type;
    g.values.delete(old.name);
    renameValue(by, old.name);
  }
  replaceAllUses(old, by);
}

/** One site per node of the main graph that `pick` accepts: the node is the anchor and the only node involved. */
export function nodeSites(model: Model, pick: (n: Node) => boolean): Site[] {
  return model.graph.nodes.filter(pick).map((n) => ({ anchor: n, nodes: [n], graph: n.graph }));
}
