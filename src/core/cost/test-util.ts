// TEST-ONLY stand-in for shape inference, used by the cost model's unit tests so that their
// hand-derived counts depend on nothing but the cost model: every value's shape is the one the test
// declared (value.type), an initializer's dims, or a Constant node's tensor dims. It infers nothing.
// The product and the real-model tests use inferShapes from src/core/shape instead.
import { type AttrInit, GraphBuilder, newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import type { Value } from '../ir/graph';
import type { Model } from '../ir/model';
import type { Shape, ValueType } from '../ir/shape';
import type { Tensor } from '../ir/tensor';
import type { InferredValue, ShapeInference } from '../shape/types';
import { costModel } from './cost-model';
import type { CostReport, NodeCost } from './types';

export function declaredShapes(): ShapeInference {
  const typeOf = (v: Value): ValueType | null => {
    if (v.type) return v.type;
    const t = v.constant ?? v.initializer;
    return t ? { kind: 'tensor', elemType: t.dataType, shape: t.dims } : null;
  };
  return {
    info: (v: Value): InferredValue | undefined => {
      const t = typeOf(v);
      const c = v.constant;
      return t ? { type: t, ...(c ? { constant: c } : {}) } : undefined;
    },
    typeOf,
    shapeOf: (v: Value): Shape | null => {
      const t = typeOf(v);
      return t && (t.kind === 'tensor' || t.kind === 'sparse_tensor') ? t.shape : null;
    },
    unknownOps: [],
    diagnostics: [],
  };
}

/** Declares a value's type (test models give every intermediate value its hand-derived shape). */
export function declare<T extends Value | null | undefined>(v: T, shape: Shape, elemType: DataType = DataType.FLOAT): NonNullable<T> {
  if (!v) throw new Error('declare: no value');
  v.type = { kind: 'tensor', elemType, shape };
  return v as NonNullable<T>;
}

// Small models for the cost tests: op() adds a node whose output has a declared (hand-derived) shape.
export const F = DataType.FLOAT;
export const fill = (n: number): number[] => new Array<number>(n).fill(0.5);

/** op(): a node with one output of a declared (hand-derived) shape. */
export type Op = (
  opType: string,
  inputs: (Value | null)[],
  attrs: Record<string, AttrInit>,
  name: string,
  out: Shape,
  opts?: { domain?: string; elemType?: DataType; floatAttrs?: string[] },
) => Value;

export function opOf(b: GraphBuilder): Op {
  return (opType, inputs, attrs, name, out, opts = {}) => {
    const [y] = b.node(opType, inputs, attrs, { name, ...(opts.domain ? { domain: opts.domain } : {}), ...(opts.floatAttrs ? { floatAttrs: opts.floatAttrs } : {}) });
    return declare(y, out, opts.elemType ?? F);
  };
}

export function run(build: (b: GraphBuilder, op: Op, model: Model) => void, opset = 17): { r: CostReport; node: (name: string) => NodeCost; model: Model } {
  const { model, b } = newModel('t', [{ domain: '', version: opset }, { domain: 'com.microsoft', version: 1 }]);
  build(b, opOf(b), model);
  const r = costModel(model, declaredShapes());
  const node = (name: string): NodeCost => {
    const c = r.nodes.find((n) => n.name === name);
    if (!c) throw new Error(`no node ${name}`);
    return c;
  };
  return { r, node, model };
}

/** A Constant node holding `t`, its output declared like the tensor. */
export function constant(b: GraphBuilder, name: string, t: Tensor): Value {
  const [v] = b.node('Constant', [], { value: t }, { name });
  v!.producer!.constantTensor = t;
  return declare(v, t.dims, t.dataType);
}
