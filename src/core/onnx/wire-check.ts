// Locates where an ONNX file stops being valid protobuf, to turn a decoder's bare "premature EOF"
// into a message with a byte offset and the field being read. It walks the wire format with the
// protobuf library's own reader, guided by the generated schema's descriptors; it decodes nothing.
// It counts message nesting as the decoder does, so a file nested deeper than the decoder's limit
// is reported as that (tooDeep), not as corruption.
import type { DescMessage } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

export interface WireProblem {
  offset: number;
  path: string;
  problem: string;
  /** Set when the bytes are fine but messages nest deeper than RECURSION_LIMIT: how deep they go at `path`. */
  tooDeep?: number;
}

/**
 * Message nesting the decoder follows (the root message is level 1): protobuf's own default, which
 * C++ protobuf, and so ONNX Runtime, applies too (both refuse If nested 32 deep in the same file).
 */
export const RECURSION_LIMIT = 100;

export function findWireProblem(bytes: Uint8Array, schema: DescMessage): WireProblem | null {
  const reader = new BinaryReader(bytes);
  try {
    return walk(reader, bytes.length, schema, schema.name, 1);
  } catch (e) {
    return { offset: reader.pos, path: schema.name, problem: (e as Error).message };
  }
}

function walk(r: BinaryReader, end: number, desc: DescMessage, path: string, depth: number): WireProblem | null {
  if (depth > RECURSION_LIMIT) {
    return { offset: r.pos, path, problem: `messages nest deeper than ${RECURSION_LIMIT} levels`, tooDeep: depth };
  }
  const counts = new Map<number, number>();
  while (r.pos < end) {
    const at = r.pos;
    let fieldNo: number;
    let wireType: WireType;
    try {
      [fieldNo, wireType] = r.tag();
    } catch (e) {
      return { offset: at, path, problem: `unreadable field tag (${(e as Error).message})` };
    }
    if (fieldNo <= 0 || wireType > 5) {
      return { offset: at, path, problem: `invalid field tag (field ${fieldNo}, wire type ${wireType})` };
    }
    const field = desc.fields.find((f) => f.number === fieldNo);
    const k = counts.get(fieldNo) ?? 0;
    counts.set(fieldNo, k + 1);
    const fieldPath = field
      ? `${path}.${field.name}${field.fieldKind === 'list' ? `[${k}]` : ''}`
      : `${path}.<field ${fieldNo}>`;
    if (wireType === WireType.LengthDelimited) {
      const lenAt = r.pos;
      let len: number;
      try {
        len = r.uint32();
      } catch {
        return { offset: lenAt, path: fieldPath, problem: 'unreadable length' };
      }
      const start = r.pos;
      if (start + len > end) {
        return {
          offset: at,
          path: fieldPath,
          problem: `declares ${len} bytes at byte ${start} but its enclosing data ends at byte ${end}`,
        };
      }
      const sub =
        field?.fieldKind === 'message' || (field?.fieldKind === 'list' && field.listKind === 'message')
          ? field.message
          : undefined;
      if (sub) {
        const p = walk(r, start + len, sub, fieldPath, depth + 1);
        if (p) return p;
      }
      r.pos = start + len;
    } else {
      try {
        r.skip(wireType, fieldNo);
      } catch (e) {
        return { offset: at, path: fieldPath, problem: (e as Error).message };
      }
      if (r.pos > end) return { offset: at, path: fieldPath, problem: `runs past byte ${end}` };
    }
  }
  return null;
}
