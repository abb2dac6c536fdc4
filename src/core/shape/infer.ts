// Shape inference over a whole model: bindings applied to the graph inputs, nodes visited in
// topological order, subgraphs and model-local functions inferred too. A failing or missing shape
// function never stops the analysis: it becomes a diagnostic or an unknown op.
//
// Exactness (docs/shape-inference.md): a graph input whose declared or bound shape is not exact (a
// negative or fractional dim, a dim or element count past 2^53) makes every figure meaningless, so
// it is a ShapeError naming the input. A node whose inferred output is not exact (negative pads
// eating a dim, a size past 2^53, an element count past 2^53) gets an error diagnostic naming it and
// saying what is wrong, and the offending dims become unknown: the rest of the model is analysed,
// nothing is computed from a number that is not exact, and the totals say they are incomplete.
import { ShapeError, UsageError } from '../errors';
import { SymbolTable, isExactDim, shapeProblem } from '../ir/dims';
import type { Graph, Node, Value } from '../ir/graph';
import { topologicalOrder } from '../ir/graph-order';
import type { Model } from '../ir/model';
import { formatShape, type Dim, type ValueType } from '../ir/shape';
import { InferenceState, OpContext } from './context';
import { mergeTypes, setGraphRunner } from './control-flow';
import { resolveFoldLimits } from './limits';
import { opKey, shapeFunction } from './registry';
import type { Bindings, InferredValue, ShapeInference } from './types';

export function inferShapes(model: Model, bindings: Bindings = {}): ShapeInference {
  const state = new InferenceState(model, new SymbolTable(), resolveFoldLimits(bindings.foldLimits));
  bindInputs(model, bindings, state);
  inferGraph(model.graph, state, (domain) => model.opset(domain));
  for (const f of model.functions) {
    const opsetOf = (domain: string): number | undefined =>
      f.opsetImports.find((o) => (o.domain === 'ai.onnx' ? '' : o.domain) === (domain === 'ai.onnx' ? '' : domain))?.version ??
      model.opset(domain);
    inferGraph(f.body, state, opsetOf);
  }
  return {
    info: (v: Value): InferredValue | undefined => state.values.get(v),
    typeOf: (v: Value): ValueType | null => state.values.get(v)?.type ?? v.type,
    shapeOf: (v: Value) => {
      const t = state.values.get(v)?.type ?? v.type;
      return t && (t.kind === 'tensor' || t.kind === 'sparse_tensor') ? t.shape : null;
    },
    unknownOps: [...state.unknown.values()],
    diagnostics: state.diagnostics,
    folding: { elements: state.folded, limits: state.limits, stoppedAt: state.budgetSpentAt },
  };
}

/** Applies --input / --dim bindings to the main graph's inputs, checking them against the model. */
function bindInputs(model: Model, bindings: Bindings, state: InferenceState): void {
  const inputs = model.graph.inputs.filter((v) => !v.initializer);
  const symbols = new Set<string>();
  for (const v of inputs) {
    if (v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') symbols.add(d);
  }
  for (const name of Object.keys(bindings.inputs ?? {})) {
    if (!inputs.some((v) => v.name === name)) {
      throw new UsageError(`--input ${name}: the model has no input '${name}' (its inputs: ${inputs.map((v) => v.name).join(', ') || 'none'})`);
    }
  }
  for (const [name, value] of Object.entries(bindings.dims ?? {})) {
    if (!symbols.has(name)) {
      throw new UsageError(
        `--dim ${name}: no input has a symbolic dim '${name}' (symbolic dims: ${[...symbols].join(', ') || 'none'})`,
      );
    }
    if (!isExactDim(value)) throw new UsageError(`--dim ${name}=${value}: a dim must be a whole number from 0 to 2^53-1`);
  }
  for (const v of inputs) {
    const t = v.type;
    const bound = bindings.inputs?.[v.name];
    if (bound) {
      if (t && t.kind !== 'tensor') throw new UsageError(`--input ${v.name}: the input is a ${t.kind}, not a tensor`);
      const bad = bound.find((d) => !isExactDim(d));
      if (bad !== undefined) throw new UsageError(`--input ${v.name}=${bound.join('x')}: dim ${bad} is not a whole number from 0 to 2^53-1`);
      const declared = t?.kind === 'tensor' ? t.shape : null;
      if (declared && declared.length !== bound.length) {
        throw new ShapeError(
          `--input ${v.name}=${bound.join('x')}: the model declares rank ${declared.length} ([${declared.map((d) => d ?? '?').join(',')}])`,
        );
      }
      declared?.forEach((d, k) => {
        if (typeof d === 'number' && d !== bound[k]) {
          throw new ShapeError(`--input ${v.name}=${bound.join('x')}: dim ${k} is fixed to ${d} by the model`);
        }
      });
      state.values.set(v, { type: { kind: 'tensor', elemType: t?.kind === 'tensor' ? t.elemType : 1, shape: [...bound] } });
    } else if (t?.kind === 'tensor' && t.shape) {
      const shape = t.shape.map((d): Dim => (typeof d === 'string' && bindings.dims?.[d] !== undefined ? bindings.dims[d]! : d ?? state.syms.fresh()));
      state.values.set(v, { type: { ...t, shape } });
    }
    const shape = state.values.get(v)?.type;
    const problem = shape?.kind === 'tensor' && shape.shape ? shapeProblem(shape.shape) : null;
    if (problem) {
      throw new ShapeError(
        `input '${v.name}' has shape ${formatShape(shape?.kind === 'tensor' ? shape.shape : null)}: ${problem}. ` +
          'No figure can be computed from it: fix the input shape in the model, or bind it with --input',
      );
    }
  }
}

function inferGraph(g: Graph, state: InferenceState, opsetOf: (domain: string) => number | undefined): void {
  for (const t of g.initializers) {
    const v = g.values.get(t.name);
    if (!v || state.values.has(v)) continue;
    state.values.set(v, {
      type: { kind: 'tensor', elemType: t.dataType, shape: t.dims },
      ...(t.elementCount <= state.limits.maxValueElements && t.storage.kind !== 'external' ? { constant: t } : {}),
    });
  }
  for (const v of g.inputs) {
    if (state.values.has(v) || !v.type) continue;
    const t = v.type;
    const type = t.kind === 'tensor' && t.shape ? { ...t, shape: t.shape.map((d) => d ?? state.syms.fresh()) } : t;
    state.values.set(v, { type: exact(type, state, g.owner, `input '${v.name}'`) });
  }
  const order = topologicalOrder(g) ?? g.nodes;
  for (const node of order) inferNode(node, state, opsetOf);
}

/**
 * `t` if its shape is exact; else an error naming `node` (when there is one) and the same type with
 * the offending dims unknown (every concrete dim when the element count is what overflows).
 */
function exact(t: ValueType | null, state: InferenceState, node: Node | null, what: string): ValueType | null {
  if (!t || (t.kind !== 'tensor' && t.kind !== 'sparse_tensor') || !t.shape) return t;
  const problem = shapeProblem(t.shape);
  if (!problem) return t;
  state.diagnostics.push({
    severity: 'error',
    ...(node ? { node } : {}),
    message: `${what} would have shape ${formatShape(t.shape)}: ${problem}. The model cannot run with these shapes; the dims are left unknown`,
  });
  const perDim = t.shape.some((d) => typeof d === 'number' && !isExactDim(d));
  const shape = t.shape.map((d) => (typeof d === 'number' && (!perDim || !isExactDim(d)) ? state.syms.fresh() : d));
  return { ...t, shape };
}

function inferNode(node: Node, state: InferenceState, opsetOf: (domain: string) => number | undefined): void {
  const fn = shapeFunction(node.domain, node.opType);
  const ctx = new OpContext(node, state, opsetOf(node.domain) ?? opsetOf('') ?? 1);
  const fnDef = fn ? undefined : state.model.findFunction(node.domain, node.opType, node.overload);
  if (fn) {
    try {
      fn(ctx);
    } catch (e) {
      ctx.error(`shape inference failed: ${(e as Error).message}`);
    }
  } else if (fnDef) {
    // A call of a model-local function: outputs take what the body gives (inferred once, untyped).
    fnDef.outputs.forEach((name, i) => {
      const v = fnDef.body.lookup(name);
      ctx.setOutput(i, v ? (state.values.get(v)?.type ?? v.type) : null);
    });
  } else {
    const key = opKey(node.domain, node.opType);
    const u = state.unknown.get(key) ?? { domain: node.domain, opType: node.opType, count: 0 };
    u.count++;
    state.unknown.set(key, u);
  }
  // Declared types fill what inference could not know, and concrete declared dims beat symbols.
  for (const v of node.outputs) {
    if (!v) continue;
    const got = state.values.get(v);
    const merged = mergeTypes(ctx, got?.type ?? null, v.type);
    if (got?.type && v.type && merged) checkDeclared(ctx, got.type, v.type, v.name);
    const checked = exact(merged, state, node, `output '${v.name}'`);
    state.values.set(v, checked === merged ? { ...got, type: merged } : { type: checked });
  }
}

function checkDeclared(ctx: OpContext, inferred: ValueType, declared: ValueType, name: string): void {
  if (inferred.kind !== 'tensor' || declared.kind !== 'tensor' || !inferred.shape || !declared.shape) return;
  if (inferred.shape.length !== declared.shape.length) {
    ctx.warn(`'${name}' is declared with rank ${declared.shape.length} but inferred with rank ${inferred.shape.length}`);
    return;
  }
  inferred.shape.forEach((d, k) => {
    const e = declared.shape![k];
    if (typeof d === 'number' && typeof e === 'number' && d !== e) {
      ctx.warn(`'${name}' is declared [${declared.shape!.join(',')}] but inferred [${inferred.shape!.join(',')}]`);
    }
  });
}

setGraphRunner((g, ctx) => inferGraph(g, ctx.state, (domain) => (domain === ctx.node.domain ? ctx.opset : ctx.state.model.opset(domain))));
