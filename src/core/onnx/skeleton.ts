// The model file without its weights: a wire-level pass over an ONNX file, read in windows through
// positional reads, that copies every byte except the large tensor payloads into a "skeleton" for
// @bufbuild/protobuf to decode. Weights are not needed to analyse a model (shapes come from dims),
// and reading them is most of the time and memory of opening one.
//
// Why this shape: the guide wants the decoding done by a conformance-tested library, never by hand,
// and protobuf-es decodes only whole messages from bytes in memory. So the library decodes everything
// it decoded before, from a buffer with the payloads taken out, and each payload is decoded by the
// library too when it is needed (a one-field TensorProto read from the file: in-file.ts). This pass
// decodes nothing itself: guided by the generated schema (like wire-check.ts) it only finds field
// boundaries with the library's own BinaryReader, and descends only into messages that can hold a
// TensorProto (model, graph, node, attribute, function, sparse tensor; training info is kept whole).
//
// In each TensorProto, a `raw_data` field or a packed `float_data` / `double_data` field of at least
// `minPayload` bytes that occurs once in that tensor is left in the file: it is replaced by a marker,
// an unknown field (number 2^29 − 1, which ONNX does not use) whose varint value indexes `cuts`, the
// list of where those payloads lie ([offset, offset+length), the field's tag at fieldStart). The
// enclosing messages' length prefixes are rewritten in place to their shorter lengths, padded to
// their original width (a varint may carry redundant continuation bytes; decoders accept them), so
// the skeleton is built in one pass with no second copy. Smaller payloads stay (shape inference folds
// small constants), as does anything unusual: a payload field repeated in one tensor (protobuf merges
// repeats), a varint-packed field (its element count is not known without decoding it), a length
// that is not whole elements.
//
// The pass gives up (returns null) on anything it does not expect — a wire-format problem, a group,
// nesting deeper than the decoder's limit, a marker already in the file — and the caller then reads
// and decodes the whole file as before, which also gives the exact error and byte offset of a corrupt
// file (decode.ts). It never decides what a valid file means; the library does.
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { FileRangeReader, InFileRef } from '../ir/tensor';
import { ModelProtoSchema, TensorProtoSchema, TrainingInfoProtoSchema } from './gen/layerlens/onnx/onnx_pb';
import { RECURSION_LIMIT } from './wire-check';

/** The field number of the markers: the largest protobuf allows, used by no ONNX message. */
export const MARKER_FIELD = 2 ** 29 - 1;
/** Payloads smaller than this stay in the skeleton (small constants are read by shape inference). */
export const DEFAULT_MIN_PAYLOAD = 1024;

/** TensorProto fields whose payload may be left in the file, with the size of one entry. */
interface Cuttable {
  form: InFileRef['form'];
  unit: number;
}
const CUTTABLE: ReadonlyMap<number, Cuttable> = new Map<number, Cuttable>([
  [TensorProtoSchema.field.rawData.number, { form: 'raw', unit: 1 }],
  [TensorProtoSchema.field.floatData.number, { form: 'float', unit: 4 }],
  [TensorProtoSchema.field.doubleData.number, { form: 'double', unit: 8 }],
]);

export interface Skeleton {
  /** The file with its large payloads replaced by markers: what protobuf-es decodes. */
  bytes: Uint8Array;
  /** Where each marker's payload lies in the file (index = the marker's value). */
  cuts: InFileRef[];
  /** Bytes read from the file to build it. */
  bytesRead: number;
}

/**
 * Sizes of the reads, as a read-ahead does it: small after a jump (the bytes after a skipped payload
 * are often the next tensor's header and then its payload), doubling while reads run on sequentially.
 */
const MIN_WINDOW = 4 * 1024;
const MAX_WINDOW = 256 * 1024;

class GiveUp extends Error {}

/** Type names of the messages that can hold a TensorProto, directly or through their fields (training info excluded). */
let holders: Set<string> | undefined;
function holds(desc: DescMessage): boolean {
  if (!holders) {
    const all = new Map<string, DescMessage>();
    const visit = (d: DescMessage): void => {
      if (all.has(d.typeName)) return;
      all.set(d.typeName, d);
      for (const f of d.fields) {
        const m = messageOf(f);
        if (m) visit(m);
      }
    };
    visit(ModelProtoSchema);
    const found = new Set<string>([TensorProtoSchema.typeName]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of all.values()) {
        if (found.has(d.typeName) || d.typeName === TrainingInfoProtoSchema.typeName) continue;
        if (d.fields.some((f) => found.has(messageOf(f)?.typeName ?? ''))) {
          found.add(d.typeName);
          grew = true;
        }
      }
    }
    holders = found;
  }
  return holders.has(desc.typeName);
}

/** A message's fields by number. */
const fieldMaps = new WeakMap<DescMessage, Map<number, DescField>>();
function fieldByNumber(desc: DescMessage, no: number): DescField | undefined {
  let m = fieldMaps.get(desc);
  if (!m) fieldMaps.set(desc, (m = new Map(desc.fields.map((f) => [f.number, f]))));
  return m.get(no);
}

function messageOf(f: DescField): DescMessage | undefined {
  if (f.fieldKind === 'message') return f.message;
  if (f.fieldKind === 'list' && f.listKind === 'message') return f.message;
  return undefined;
}

/** The file through a moving window of positional reads, and the skeleton being written. */
class Pass {
  private buf: Uint8Array = new Uint8Array(0);
  private at = 0;
  private window = MIN_WINDOW;
  private reader = new BinaryReader(this.buf);
  private out = new Uint8Array(MAX_WINDOW);
  private outLen = 0;
  /** File bytes [pendFrom, pendTo) still to be copied: consecutive copies are made as one. */
  private pendFrom = 0;
  private pendTo = 0;
  readonly cuts: InFileRef[] = [];
  bytesRead = 0;

  constructor(
    private readonly file: FileRangeReader,
    private readonly minPayload: number,
  ) {}

  /** A reader positioned at file offset `pos` with at least min(n, rest of file) bytes after it. */
  private at_(pos: number, n: number): BinaryReader {
    const want = Math.min(n, this.file.size - pos);
    if (pos < this.at || pos + want > this.at + this.buf.length) {
      this.window = pos >= this.at && pos <= this.at + this.buf.length ? Math.min(this.window * 2, MAX_WINDOW) : MIN_WINDOW;
      const len = Math.min(this.file.size - pos, Math.max(want, this.window));
      this.buf = this.file.read(pos, len);
      this.bytesRead += len;
      this.at = pos;
      this.reader = new BinaryReader(this.buf);
    }
    this.reader.pos = pos - this.at;
    return this.reader;
  }

  /** Field number, wire type and the offset after the tag at `pos`. */
  private tag(pos: number): [number, WireType, number] {
    const r = this.at_(pos, 10);
    try {
      const [no, wt] = r.tag();
      if (r.pos > r.len) throw new GiveUp();
      return [no, wt, this.at + r.pos];
    } catch {
      throw new GiveUp();
    }
  }

  /** The end of the field whose value starts at `pos` (after the tag), and where a length-delimited value's bytes start. */
  private valueEnd(pos: number, wt: WireType, end: number): { payload: number; end: number } {
    let payload = pos;
    let fieldEnd: number;
    switch (wt) {
      case WireType.Varint: {
        const r = this.at_(pos, 10);
        try {
          r.skip(WireType.Varint);
        } catch {
          throw new GiveUp();
        }
        fieldEnd = this.at + r.pos;
        break;
      }
      case WireType.Bit64:
        fieldEnd = pos + 8;
        break;
      case WireType.Bit32:
        fieldEnd = pos + 4;
        break;
      case WireType.LengthDelimited: {
        const r = this.at_(pos, 5);
        let len: number;
        try {
          len = r.uint32();
        } catch {
          throw new GiveUp();
        }
        if (r.pos > r.len) throw new GiveUp();
        payload = this.at + r.pos;
        fieldEnd = payload + len;
        break;
      }
      default:
        throw new GiveUp(); // groups: ONNX has none
    }
    if (fieldEnd > end) throw new GiveUp();
    return { payload, end: fieldEnd };
  }

  private reserve(n: number): void {
    if (this.outLen + n <= this.out.length) return;
    const next = new Uint8Array(Math.max(this.out.length * 2, this.outLen + n));
    next.set(this.out.subarray(0, this.outLen));
    this.out = next;
  }

  private emit(bytes: Uint8Array): void {
    this.flush();
    this.reserve(bytes.length);
    this.out.set(bytes, this.outLen);
    this.outLen += bytes.length;
  }

  /** Copies file bytes [from, to) to the skeleton (when the next write needs it: see flush). */
  private copy(from: number, to: number): void {
    if (from === this.pendTo) {
      this.pendTo = to;
      return;
    }
    this.flush();
    this.pendFrom = from;
    this.pendTo = to;
  }

  /** The skeleton so far, pending copies made. */
  private flush(): number {
    const [from, to] = [this.pendFrom, this.pendTo];
    this.pendFrom = this.pendTo = 0;
    this.reserve(to - from);
    for (let pos = from; pos < to; ) {
      const n = Math.min(to - pos, MAX_WINDOW);
      this.at_(pos, n);
      const i = pos - this.at;
      this.out.set(this.buf.subarray(i, i + n), this.outLen);
      this.outLen += n;
      pos += n;
    }
    return this.outLen;
  }

  /** The content of a `desc` message at [start, end) of the file, at nesting `depth` (the root is 1). */
  message(desc: DescMessage, start: number, end: number, depth: number): void {
    if (depth > RECURSION_LIMIT) throw new GiveUp();
    for (let pos = start; pos < end; ) {
      const [no, wt, afterTag] = this.tag(pos);
      const v = this.valueEnd(afterTag, wt, end);
      const field = fieldByNumber(desc, no);
      const sub = field && wt === WireType.LengthDelimited ? messageOf(field) : undefined;
      if (sub && holds(sub)) {
        this.copy(pos, v.payload); // tag and length
        const contentAt = this.flush();
        const lengthAt = contentAt - (v.payload - afterTag);
        if (sub.typeName === TensorProtoSchema.typeName) this.tensor(v.payload, v.end);
        else this.message(sub, v.payload, v.end, depth + 1);
        this.patchLength(lengthAt, v.payload - afterTag, this.flush() - contentAt);
      } else this.copy(pos, v.end);
      pos = v.end;
    }
  }

  /**
   * A TensorProto at [start, end): its fields listed first (a payload that may be cut is skipped, the
   * other fields kept when small, so that nothing is read twice), then written or cut.
   */
  private tensor(start: number, end: number): void {
    const fields: { no: number; start: number; payload: number; end: number; cut?: Cuttable; bytes?: Uint8Array }[] = [];
    const count = new Map<number, number>();
    for (let pos = start; pos < end; ) {
      const [no, wt, afterTag] = this.tag(pos);
      if (no === MARKER_FIELD) throw new GiveUp();
      const v = this.valueEnd(afterTag, wt, end);
      const c = CUTTABLE.get(no);
      const length = v.end - v.payload;
      const f: (typeof fields)[number] = { no, start: pos, ...v };
      if (c && wt === WireType.LengthDelimited && length >= this.minPayload && length % c.unit === 0) f.cut = c;
      else if (v.end - pos <= MAX_WINDOW) f.bytes = this.slice(pos, v.end);
      fields.push(f);
      count.set(no, (count.get(no) ?? 0) + 1);
      pos = v.end;
    }
    for (const f of fields) {
      if (f.cut && count.get(f.no) === 1) {
        this.emit(new BinaryWriter().tag(MARKER_FIELD, WireType.Varint).uint32(this.cuts.length).finish());
        this.cuts.push({ form: f.cut.form, fieldStart: f.start, offset: f.payload, length: f.end - f.payload });
      } else if (f.bytes) this.emit(f.bytes);
      else this.copy(f.start, f.end);
    }
  }

  /** A copy of file bytes [from, to), at most MAX_WINDOW of them. */
  private slice(from: number, to: number): Uint8Array {
    this.at_(from, to - from);
    return this.buf.slice(from - this.at, to - this.at);
  }

  /**
   * Rewrites the `width`-byte length varint at `at` to `length` (never more than it was), keeping its
   * width with continuation bits: BinaryWriter writes only minimal varints, so this one is by hand.
   */
  private patchLength(at: number, width: number, length: number): void {
    for (let i = 0; i < width; i++) {
      const group = Math.floor(length / 2 ** (7 * i)) & 0x7f;
      this.out[at + i] = i < width - 1 ? group | 0x80 : group;
    }
  }

  result(): Uint8Array {
    return this.out.slice(0, this.flush());
  }
}

/**
 * The skeleton of the ONNX file `file` (see the module comment), or null when the file must be read
 * whole: it is not what this pass expects (corrupt, nested too deep, not ONNX at all). Errors of the
 * reads themselves (the file changed, shrank) are the reader's and are thrown.
 */
export function buildSkeleton(file: FileRangeReader, minPayload = DEFAULT_MIN_PAYLOAD): Skeleton | null {
  if (minPayload < 16) throw new RangeError('minPayload must be at least 16 bytes, more than a marker');
  const pass = new Pass(file, minPayload);
  try {
    pass.message(ModelProtoSchema, 0, file.size, 1);
  } catch (e) {
    if (e instanceof GiveUp) return null;
    throw e;
  }
  return { bytes: pass.result(), cuts: pass.cuts, bytesRead: pass.bytesRead };
}

/** Bytes already in memory as a FileRangeReader (tests; the same reads as a file's). */
export function memoryFile(bytes: Uint8Array): FileRangeReader {
  return {
    size: bytes.length,
    read(offset: number, length: number): Uint8Array {
      if (offset < 0 || length < 0 || offset + length > bytes.length) throw new RangeError(`bytes ${offset}..${offset + length} of ${bytes.length}`);
      return bytes.slice(offset, offset + length);
    },
  };
}
