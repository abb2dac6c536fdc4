// Node attributes: their kinds, int64 conversion and a short rendering for hovers and tables. The
// Attribute type itself is declared beside Node in graph.ts (a node holds attributes, an attribute
// may hold a graph), so that this module depends on graph.ts and not the other way round.
import type { Attribute } from './graph';

export type { Attribute } from './graph';

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
