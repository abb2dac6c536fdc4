// Tensor shapes with symbolic dims, and the value types of the ONNX type system.
import { ShapeError } from '../errors';
import { DataType, dataTypeName } from './data-type';

/** A dim: a concrete size, a symbol (`batch`, `p2o.DynamicDimension.0`), or null when unknown. */
export type Dim = number | string | null;
/** A tensor shape; `null` where even the rank is unknown. */
export type Shape = readonly Dim[];

export type ValueType =
  | { kind: 'tensor'; elemType: DataType; shape: Shape | null; denotation?: string }
  | { kind: 'sparse_tensor'; elemType: DataType; shape: Shape | null; denotation?: string }
  | { kind: 'sequence'; elem: ValueType | null; denotation?: string }
  | { kind: 'map'; keyType: DataType; value: ValueType | null; denotation?: string }
  | { kind: 'optional'; elem: ValueType | null; denotation?: string }
  | { kind: 'opaque'; domain: string; name: string; denotation?: string };

export function tensorType(elemType: DataType, shape: Shape | null): ValueType {
  return { kind: 'tensor', elemType, shape };
}

export function isConcrete(shape: Shape | null | undefined): shape is readonly number[] {
  return !!shape && shape.every((d) => typeof d === 'number');
}

/** Largest element count we accept; products beyond it cannot be represented exactly. */
export const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;

/**
 * Product of concrete dims, checked: a negative or non-integer dim, or a product past 2^53, is a
 * ShapeError naming `what` rather than a silently wrong number.
 */
export function checkedNumel(dims: readonly number[], what: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`${what} has an invalid dim ${d} in [${dims.join(',')}]: dims must be integers >= 0`);
    }
    n *= d;
    if (n > MAX_ELEMENTS) {
      throw new ShapeError(
        `${what} has dims [${dims.join(',')}] whose product overflows 2^53 elements: the shape is absurd or corrupt`,
      );
    }
  }
  return n;
}

/** Element count when every dim is known, else undefined. */
export function numel(shape: Shape | null | undefined): number | undefined {
  if (!isConcrete(shape)) return undefined;
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatDim(d: Dim): string {
  return d === null ? '?' : String(d);
}

export function formatShape(shape: Shape | null | undefined): string {
  return shape ? `[${shape.map(formatDim).join(',')}]` : '[?]';
}

export function formatType(t: ValueType | null | undefined): string {
  if (!t) return '?';
  switch (t.kind) {
    case 'tensor':
      return `${dataTypeName(t.elemType)}${formatShape(t.shape)}`;
    case 'sparse_tensor':
      return `sparse_tensor(${dataTypeName(t.elemType)}${formatShape(t.shape)})`;
    case 'sequence':
      return `seq(${formatType(t.elem)})`;
    case 'map':
      return `map(${dataTypeName(t.keyType)},${formatType(t.value)})`;
    case 'optional':
      return `optional(${formatType(t.elem)})`;
    case 'opaque':
      return `opaque(${t.domain}.${t.name})`;
  }
}
