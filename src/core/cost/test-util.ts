// TEST-ONLY stand-in for shape inference, used by the cost model's unit tests so that their
// hand-derived counts depend on nothing but the cost model: every value's shape is the one the test
// declared (value.type), an initializer's dims, or a Constant node's tensor dims. It infers nothing.
// The product and the real-model tests use inferShapes from src/core/shape instead.
import { DataType } from '../ir/data-type';
import type { Value } from '../ir/graph';
import type { Shape, ValueType } from '../ir/shape';
import type { InferredValue, ShapeInference } from '../shape/types';

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
