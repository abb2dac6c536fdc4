// A flatbuffers ByteBuffer whose every read is bounds-checked. The flatbuffers library for
// JavaScript has no verifier: reading past the end of its Uint8Array yields `undefined`, which its
// bit arithmetic turns into 0, so a truncated or hostile file would decode into silent nonsense.
// The generated reader (gen/schema.ts) only reads through these methods, so checking them here makes
// every out-of-range offset, vtable or vector a ModelFormatError that says where, never a wrong value.
import { ByteBuffer } from 'flatbuffers';
import { ModelFormatError } from '../errors';

// Reads are also counted against a budget proportional to the file's size: flatbuffers let many
// offsets point at one table or vector, so a small hostile file could make a decoder walk the same
// big vector millions of times. A real file's tables are read a few times each, far below it.
export class CheckedByteBuffer extends ByteBuffer {
  private readonly size: number;
  private reads = 0;
  private readonly budget: number;

  constructor(bytes: Uint8Array) {
    super(bytes);
    this.size = bytes.length;
    this.budget = 16 * bytes.length + 1_000_000;
  }

  /** Throws unless bytes [offset, offset + n) lie inside the buffer. */
  need(offset: number, n: number, what: string): void {
    if (++this.reads > this.budget) {
      throw new ModelFormatError(
        `corrupt or hostile TFLite file: decoding it takes more than ${this.budget} reads for ${this.size} bytes ` +
          '(its tables are shared or nested far beyond what a model needs)',
      );
    }
    if (!Number.isSafeInteger(offset) || offset < 0 || n < 0 || offset + n > this.size) {
      throw new ModelFormatError(
        `truncated or corrupt TFLite file: ${what} at byte ${offset} (${n} bytes) lies outside the file (${this.size} bytes); ` +
          'the file is incomplete or not a TFLite model',
        Number.isSafeInteger(offset) ? offset : undefined,
      );
    }
  }

  override readUint8(offset: number): number {
    this.need(offset, 1, 'a 1-byte field');
    return super.readUint8(offset);
  }

  override readUint16(offset: number): number {
    this.need(offset, 2, 'a 2-byte field');
    return super.readUint16(offset);
  }

  // readInt8 and readInt16 go through the two above; readUint32, the 64-bit and float reads through this one.
  override readInt32(offset: number): number {
    this.need(offset, 4, 'a 4-byte field');
    return super.readInt32(offset);
  }

  /** Field lookup through the table's vtable, with the vtable and the field checked to fit. */
  override __offset(bbPos: number, vtableOffset: number): number {
    const vtable = bbPos - this.readInt32(bbPos);
    this.need(vtable, 4, 'a vtable');
    const vsize = this.readUint16(vtable);
    if (vsize < 4 || vsize % 2 !== 0) {
      throw new ModelFormatError(`corrupt TFLite file: the vtable at byte ${vtable} has an invalid size ${vsize}`, vtable);
    }
    this.need(vtable, vsize, 'a vtable');
    if (vtableOffset >= vsize) return 0;
    const field = this.readUint16(vtable + vtableOffset);
    if (field === 0) return 0;
    const tableSize = this.readUint16(vtable + 2);
    if (field >= tableSize) {
      throw new ModelFormatError(
        `corrupt TFLite file: the table at byte ${bbPos} puts a field at +${field}, past its own size ${tableSize}`,
        bbPos,
      );
    }
    return field;
  }

  /** Length of a vector, checked to fit in the file at one byte per element at least. */
  override __vector_len(offset: number): number {
    const start = offset + this.readInt32(offset);
    const len = this.readInt32(start) >>> 0;
    this.need(start + 4, len, `a vector of ${len} elements`);
    return len;
  }

  override __vector(offset: number): number {
    const start = offset + this.readInt32(offset);
    this.need(start, 4, 'a vector');
    return start + 4;
  }

  override __string(offset: number, encoding?: Parameters<ByteBuffer['__string']>[1]): string | Uint8Array {
    const start = offset + this.readInt32(offset);
    const len = this.readInt32(start) >>> 0;
    this.need(start + 4, len, `a string of ${len} bytes`);
    return super.__string(offset, encoding);
  }
}
