// Node attributes, one variant per ONNX AttributeType. Integers stay bigint so that values such as
// INT64_MAX (Slice ends in old exports) survive a save exactly; use the number getters on Node.
import type { Graph } from './graph';
import type { ValueType } from './shape';
import type { SparseTensor } from './sparse-tensor';
import type { Tensor } from './tensor';

interface AttrBase {
  name: string;
  docString?: string;
  /** Inside a function body: the attribute takes the value of the caller's attribute of this name. */
  refAttrName?: string;
}

export type Attribute = AttrBase &
  (
    | { kind: 'float'; value: number }
    | { kind: 'int'; value: bigint }
    | { kind: 'string'; value: Uint8Array }
    | { kind: 'tensor'; value: Tensor }
    | { kind: 'graph'; value: Graph }
    | { kind: 'sparse_tensor'; value: SparseTensor }
    | { kind: 'type_proto'; value: ValueType }
    | { kind: 'floats'; value: number[] }
    | { kind: 'ints'; value: bigint[] }
    | { kind: 'strings'; value: Uint8Array[] }
    | { kind: 'tensors'; value: Tensor[] }
    | { kind: 'graphs'; value: Graph[] }
    | { kind: 'sparse_tensors'; value: SparseTensor[] }
    | { kind: 'type_protos'; value: ValueType[] }
    | { kind: 'undefined'; value: null }
  );

export type AttributeKind = Attribute['kind'];

/** Converts an int64 attribute to a number, saturating at ±2^63 (exact below 2^53). */
export function int64ToNumber(v: bigint): number {
  return Number(v);
}

/** A short human-readable rendering of an attribute's value (for hovers and tables). */
export function formatAttribute(a: Attribute): string {
  const dec = new TextDecoder();
  switch (a.kind) {
    case 'float':
    case 'int':
      return String(a.value);
    case 'string':
      return JSON.stringify(dec.decode(a.value));
    case 'floats':
    case 'ints':
      return `[${a.value.join(', ')}]`;
    case 'strings':
      return `[${a.value.map((s) => JSON.stringify(dec.decode(s))).join(', ')}]`;
    case 'tensor':
      return `tensor ${a.value.dims.length ? `[${a.value.dims.join(',')}]` : 'scalar'}`;
    case 'graph':
      return `graph '${a.value.name}' (${a.value.nodes.length} nodes)`;
    case 'graphs':
      return `${a.value.length} graphs`;
    default:
      return a.kind;
  }
}
