// If / Loop / Scan: bodies are inferred in place (their values get info like any other), and the
// node's outputs are derived from the body's outputs. Also the sequence and optional ops.
import { DataType } from '../ir/data-type';
import { normAxis } from '../ir/dims';
import type { Graph } from '../ir/graph';
import type { Dim, Shape, ValueType } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';

/** Set by infer.ts: runs inference over a subgraph whose inputs have been given info. */
export type GraphRunner = (g: Graph, ctx: OpContext) => void;
let runGraph: GraphRunner = () => undefined;
export function setGraphRunner(r: GraphRunner): void {
  runGraph = r;
}

function bodyOutputType(ctx: OpContext, g: Graph, i: number): ValueType | null {
  const v = g.outputs[i];
  if (!v) return null;
  return ctx.state.values.get(v)?.type ?? v.type;
}

function setBodyInput(ctx: OpContext, g: Graph, i: number, type: ValueType | null): void {
  const v = g.inputs[i];
  if (!v) return;
  // A body input's declared type wins where it is concrete; otherwise take what flows in.
  ctx.state.values.set(v, { type: mergeTypes(ctx, v.type, type) ?? type ?? v.type });
}

/** Combine two descriptions of one value: concrete dims beat symbols; disagreement gives a fresh symbol. */
export function mergeTypes(ctx: OpContext, a: ValueType | null, b: ValueType | null): ValueType | null {
  if (!a) return b;
  if (!b) return a;
  if (a.kind !== 'tensor' || b.kind !== 'tensor') return a;
  if (!a.shape) return { ...a, shape: b.shape, elemType: a.elemType || b.elemType };
  if (!b.shape || a.shape.length !== b.shape.length) return a;
  return { ...a, elemType: a.elemType || b.elemType, shape: a.shape.map((d, k) => (typeof d === 'number' ? d : (b.shape![k] ?? d))) };
}

/** Both branches' outputs can flow out: dims that agree stay, others become unknown. */
function unify(ctx: OpContext, a: ValueType | null, b: ValueType | null): ValueType | null {
  if (!a || !b) return a ?? b;
  if (a.kind !== 'tensor' || b.kind !== 'tensor') return a;
  if (!a.shape || !b.shape || a.shape.length !== b.shape.length) return { ...a, shape: null };
  return { ...a, shape: a.shape.map((d, k) => (d === b.shape![k] ? d : ctx.fresh())) };
}

function ifOp(ctx: OpContext): void {
  const thenG = ctx.node.attrGraph('then_branch');
  const elseG = ctx.node.attrGraph('else_branch');
  if (!thenG || !elseG) return ctx.error('If needs then_branch and else_branch');
  // A condition known statically (shape checks in exports) selects one branch; the other is not
  // inferred, so it raises no diagnostics about shapes it will never see.
  const cond = ctx.constValues(0)?.[0];
  const before = ctx.state.diagnostics.length;
  if (cond === undefined || cond) runGraph(thenG, ctx);
  if (cond === undefined || !cond) runGraph(elseG, ctx);
  if (cond === undefined) {
    // With the condition known only at run time, one branch may never see these shapes.
    for (const d of ctx.state.diagnostics.slice(before)) {
      d.severity = 'warning';
      if (!d.message.includes('(in an If branch')) d.message += ` (in an If branch that may not run for these inputs)`;
    }
  }
  ctx.node.outputs.forEach((_, i) => {
    const t = bodyOutputType(ctx, thenG, i);
    const e = bodyOutputType(ctx, elseG, i);
    ctx.setOutput(i, cond === undefined ? unify(ctx, t, e) : cond ? t : e);
  });
}

function stacked(ctx: OpContext, t: ValueType | null, len: Dim, axis = 0): ValueType | null {
  if (!t || t.kind !== 'tensor') return t;
  if (!t.shape) return { ...t, shape: null };
  const s = [...t.shape];
  s.splice(normAxis(axis, s.length + 1) ?? 0, 0, len);
  return { ...t, shape: s };
}

function loop(ctx: OpContext): void {
  const body = ctx.node.attrGraph('body');
  if (!body) return ctx.error('Loop needs a body');
  const carried = ctx.node.inputs.length - 2;
  setBodyInput(ctx, body, 0, { kind: 'tensor', elemType: DataType.INT64, shape: [] });
  setBodyInput(ctx, body, 1, { kind: 'tensor', elemType: DataType.BOOL, shape: [] });
  for (let i = 0; i < carried; i++) setBodyInput(ctx, body, i + 2, ctx.typeOf(i + 2));
  runGraph(body, ctx);
  for (let i = 0; i < carried; i++) ctx.setOutput(i, unify(ctx, ctx.typeOf(i + 2), bodyOutputType(ctx, body, i + 1)));
  const trip = ctx.has(0) && !ctx.has(1) ? ctx.constValues(0)?.[0] : undefined;
  const len: Dim = trip !== undefined && Number.isSafeInteger(trip) && trip >= 0 ? trip : ctx.fresh();
  for (let k = carried; k < ctx.node.outputs.length; k++) {
    ctx.setOutput(k, stacked(ctx, bodyOutputType(ctx, body, k + 1), len));
  }
}

function scan(ctx: OpContext): void {
  const body = ctx.node.attrGraph('body');
  if (!body) return ctx.error('Scan needs a body');
  const m = ctx.node.attrInt('num_scan_inputs', 0);
  const legacy = ctx.opset < 9; // opset 8 has a sequence_lens first input and a batch axis
  const offset = legacy ? 1 : 0;
  const n = ctx.node.inputs.length - offset - m;
  const inAxes = ctx.node.attrInts('scan_input_axes') ?? new Array(m).fill(0);
  const outAxes = ctx.node.attrInts('scan_output_axes');
  let len: Dim = null;
  for (let i = 0; i < n; i++) {
    const t = ctx.typeOf(offset + i);
    setBodyInput(ctx, body, i, legacy && t?.kind === 'tensor' && t.shape ? { ...t, shape: t.shape.slice(1) } : t);
  }
  for (let j = 0; j < m; j++) {
    const t = ctx.typeOf(offset + n + j);
    let sliced: ValueType | null = t;
    if (t?.kind === 'tensor' && t.shape) {
      const s: Dim[] = [...t.shape];
      const axis = legacy ? 1 : (normAxis(inAxes[j] ?? 0, s.length) ?? 0);
      len ??= s[axis]!;
      s.splice(axis, 1);
      if (legacy) s.splice(0, 1);
      sliced = { ...t, shape: s };
    }
    setBodyInput(ctx, body, n + j, sliced);
  }
  runGraph(body, ctx);
  const batch: Dim | undefined = legacy ? (ctx.shape(offset)?.[0] ?? null) : undefined;
  for (let i = 0; i < n; i++) ctx.setOutput(i, legacy ? stacked(ctx, bodyOutputType(ctx, body, i), batch ?? null) : bodyOutputType(ctx, body, i));
  for (let k = n; k < ctx.node.outputs.length; k++) {
    let t = stacked(ctx, bodyOutputType(ctx, body, k), len ?? ctx.fresh(), legacy ? 0 : (outAxes?.[k - n] ?? 0));
    if (legacy) t = stacked(ctx, t, batch ?? null);
    ctx.setOutput(k, t);
  }
}

const seqOf = (t: ValueType | null): ValueType => ({ kind: 'sequence', elem: t });
const tensorOfShape = (elemType: DataType, shape: Shape | null): ValueType => ({ kind: 'tensor', elemType, shape });

function sequenceOps(reg: Map<string, ShapeFn>): void {
  reg.set('SequenceConstruct', (ctx) => {
    let t = ctx.typeOf(0);
    for (let i = 1; i < ctx.inputCount; i++) t = unify(ctx, t, ctx.typeOf(i));
    ctx.setOutput(0, seqOf(t));
  });
  reg.set('SequenceEmpty', (ctx) => ctx.setOutput(0, seqOf(tensorOfShape(ctx.node.attrInt('dtype', DataType.FLOAT) as DataType, null))));
  reg.set('SequenceInsert', (ctx) => {
    const s = ctx.typeOf(0);
    const elem = s?.kind === 'sequence' ? s.elem : null;
    ctx.setOutput(0, seqOf(elem ? unify(ctx, elem, ctx.typeOf(1)) : ctx.typeOf(1)));
  });
  reg.set('SequenceErase', (ctx) => ctx.passThrough(0, 0));
  reg.set('SequenceAt', (ctx) => {
    const s = ctx.typeOf(0);
    ctx.setOutput(0, s?.kind === 'sequence' ? s.elem : null);
  });
  reg.set('SequenceLength', (ctx) => ctx.tensorOut(0, DataType.INT64, []));
  reg.set('SplitToSequence', (ctx) => ctx.setOutput(0, seqOf(tensorOfShape(ctx.elemType(0), null))));
  reg.set('ConcatFromSequence', (ctx) => {
    const s = ctx.typeOf(0);
    const e = s?.kind === 'sequence' && s.elem?.kind === 'tensor' ? s.elem.elemType : DataType.UNDEFINED;
    ctx.setOutput(0, tensorOfShape(e, null));
  });
  reg.set('Optional', (ctx) => {
    const tp = ctx.node.attr('type');
    ctx.setOutput(0, { kind: 'optional', elem: ctx.has(0) ? ctx.typeOf(0) : tp?.kind === 'type_proto' ? tp.value : null });
  });
  reg.set('OptionalGetElement', (ctx) => {
    const t = ctx.typeOf(0);
    ctx.setOutput(0, t?.kind === 'optional' ? t.elem : t);
  });
  reg.set('OptionalHasElement', (ctx) => ctx.tensorOut(0, DataType.BOOL, []));
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('If', ifOp);
  reg.set('Loop', loop);
  reg.set('Scan', scan);
  sequenceOps(reg);
}
