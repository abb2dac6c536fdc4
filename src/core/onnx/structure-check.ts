// Structural rules ONNX Runtime enforces when it loads a model, checked on the IR the reader built
// (the reader itself refuses values produced twice, dangling inputs and cycles, self-loops
// included). Each rule here was tried on crafted models in onnxruntime-node 1.30; the message
// quotes ORT's:
//   refused by ORT -> ModelGraphError     a graph input declared twice ("Duplicate
//                                         definition-site"); two nodes of one graph with one name
//                                         ("two nodes with same node name"); a subgraph node output
//                                         reusing a name already defined where the subgraph runs
//                                         ("single static assignment (SSA) form")
//   warned by ORT  -> a warning           an initializer defined twice (ORT and LayerLens use the
//                                         last); a subgraph output reusing the name of an outer
//                                         node's output that ORT may or may not order first
// Model-local function bodies are not checked: ORT inlines them, and these rules were not tried there.
import { ModelGraphError } from '../errors';
import type { Graph, Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';
import type { Tensor } from '../ir/tensor';

/** Enforces the rules above on the main graph and every subgraph; returns the warnings. */
export function checkStructure(model: Model): string[] {
  const warnings: string[] = [];
  const visit = (g: Graph): void => {
    checkGraph(g, warnings);
    for (const n of g.nodes) for (const sub of n.subgraphs()) visit(sub);
  };
  visit(model.graph);
  return warnings;
}

function label(g: Graph): string {
  return g.path ? `subgraph ${g.path}` : 'the main graph';
}

function checkGraph(g: Graph, warnings: string[]): void {
  const inputs = new Set<Value>();
  for (const v of g.inputs) {
    if (inputs.has(v)) {
      throw new ModelGraphError(
        `graph input '${v.name}' is declared twice in ${label(g)}: ONNX Runtime refuses this model ` +
          `("Duplicate definition-site for (${v.name})"); remove one of the two inputs`,
        v.name,
      );
    }
    inputs.add(v);
  }
  const inits = new Map<string, number>();
  for (const t of [...g.initializers, ...g.sparseInitializers]) inits.set(t.name, (inits.get(t.name) ?? 0) + 1);
  for (const [name, count] of inits) {
    if (count > 1) {
      warnings.push(
        `initializer '${name}' is defined ${count} times in ${label(g)}: ONNX Runtime uses the last one and warns ` +
          '("Duplicate initializer"); LayerLens uses the last one too. Remove the others',
      );
    }
  }
  const names = new Map<string, Node>();
  for (const n of g.nodes) {
    if (!n.name) continue;
    const first = names.get(n.name);
    if (first) {
      throw new ModelGraphError(
        `two nodes of ${label(g)} are named '${n.name}' (${first.opType} and ${n.opType}): ONNX Runtime refuses this model ` +
          `("two nodes with same node name (${n.name})"); give one of them another name`,
        n.name,
      );
    }
    names.set(n.name, n);
  }
  if (g.owner) for (const n of g.nodes) checkShadowing(n, g, warnings);
}

/**
 * A node output of subgraph `g` that reuses a name defined in an enclosing graph. ORT checks SSA
 * with the names in scope when the owner is checked, in ORT's node order: graph inputs and
 * initializers always, then the nodes that read no other node's output in file order, then the rest
 * in a depth-first order from the graph's leaves. The outer definition is an error when it surely
 * comes first (an input, an initializer, an ancestor of the owner, or a node reading no other node
 * while the owner does or comes later in the file); nothing when it surely comes after (the owner,
 * its descendants, or the owner reads no other node while it does); otherwise ORT's depth-first order
 * decides (tried: it differs from file order), so it is a warning.
 */
function checkShadowing(n: Node, g: Graph, warnings: string[]): void {
  for (const v of n.outputs) {
    if (!v) continue;
    let inner: Graph = g;
    while (inner.owner && inner.parent) {
      const scope = inner.parent;
      const owner = inner.owner;
      const outer = scope.values.get(v.name);
      inner = scope;
      if (!outer || !(outer.producer || outer.initializer || outer.sparseInitializer || outer.isGraphInput())) continue;
      const where = `'${v.name}' is produced by node ${n} in ${label(g)} and is also `;
      const ssa = `ONNX Runtime refuses such a model ("Graph must be in single static assignment (SSA) form, however '${v.name}' has been used as output names multiple times")`;
      const p = outer.producer;
      const order = p ? orderOf(p, owner, scope) : 'before';
      if (order === 'before') {
        const what = !p ? (outer.isGraphInput() ? `an input of ${label(scope)}` : `an initializer of ${label(scope)}`) : `the output of node ${p}, which runs before ${owner}`;
        throw new ModelGraphError(`${where}${what}: ${ssa}; rename one of them`, v.name);
      }
      if (order === 'unknown') {
        warnings.push(`${where}the output of node ${p} in ${label(scope)}: ${ssa} when it runs ${p} before ${owner}; rename one of them`);
      }
    }
  }
}

/** Whether `p` comes before `owner` in ORT's node order of `g`, after it, or depends on its depth-first walk. */
function orderOf(p: Node, owner: Node, g: Graph): 'before' | 'after' | 'unknown' {
  if (p === owner || reaches(owner, p, g)) return 'after';
  if (reaches(p, owner, g)) return 'before';
  const pTop = readsNoNode(p, g);
  const ownerTop = readsNoNode(owner, g);
  if (pTop && (!ownerTop || g.nodes.indexOf(p) < g.nodes.indexOf(owner))) return 'before';
  if (ownerTop) return 'after';
  return 'unknown';
}

/** True when no input of `n`, nor any value its subgraphs read from `g`, comes from a node of `g` (a Constant aside). */
function readsNoNode(n: Node, g: Graph): boolean {
  const fromNode = (v: Value | null): boolean => !!v?.producer && v.producer.graph === g && !(v.producer.opType === 'Constant' && v.producer.domain === '');
  if (n.inputs.some(fromNode)) return false;
  for (const sub of n.subgraphs()) for (const m of sub.allNodes()) if (m.inputs.some(fromNode)) return false;
  return true;
}

/** True when `to` depends on `from` within `g` (through inputs, or values its subgraphs read). */
function reaches(from: Node, to: Node, g: Graph): boolean {
  const seen = new Set<Node>([from]);
  const todo = [from];
  while (todo.length > 0) {
    const n = todo.pop()!;
    for (const v of n.outputs) {
      for (const u of v?.uses ?? []) {
        let m: Node | null = u.node;
        while (m && m.graph !== g) m = m.graph.owner; // a use inside a subgraph is a use by its owner in g
        if (!m || seen.has(m)) continue;
        if (m === to) return true;
        seen.add(m);
        todo.push(m);
      }
    }
  }
  return false;
}

export interface ExternalTensorUse {
  tensor: Tensor;
  /** False for an initializer no node reads and no graph outputs (ORT drops those before reading their data). */
  used: boolean;
}

/** Every tensor kept in external data, in every graph and function body, with whether anything reads it. */
export function externalTensors(model: Model): ExternalTensorUse[] {
  const out: ExternalTensorUse[] = [];
  const add = (tensor: Tensor, used: boolean): void => {
    if (tensor.isExternal) out.push({ tensor, used });
  };
  const read = (v: Value | undefined): boolean => !!v && (v.uses.length > 0 || v.isGraphOutput());
  const visit = (g: Graph): void => {
    for (const t of g.initializers) {
      const v = g.values.get(t.name);
      add(t, v?.initializer === t && read(v));
    }
    for (const s of g.sparseInitializers) {
      const used = read(g.values.get(s.name));
      add(s.values, used);
      add(s.indices, used);
    }
    for (const n of g.nodes) {
      for (const a of n.attributes) {
        if (a.kind === 'tensor') add(a.value, true);
        else if (a.kind === 'tensors') a.value.forEach((t) => add(t, true));
        else if (a.kind === 'sparse_tensor') [a.value.values, a.value.indices].forEach((t) => add(t, true));
        else if (a.kind === 'sparse_tensors') a.value.forEach((s) => [s.values, s.indices].forEach((t) => add(t, true)));
      }
      for (const sub of n.subgraphs()) visit(sub);
    }
  };
  visit(model.graph);
  for (const f of model.functions) visit(f.body);
  return out;
}
