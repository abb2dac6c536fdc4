// Constant tensors (initializers, Constant values, attribute tensors). Data stays where the file put
// it: bytes or the proto's typed arrays in memory (small tensors), the model file itself at a known
// offset (large tensors of a model read from disk: src/core/onnx/skeleton.ts), or an external file —
// the last two read only when asked, on each use (a weak reference keeps one copy while a caller holds
// it), so that analysing a model never holds its weights. Sizes are checked against the dims when the
// tensor is created, so a tensor that claims more than it holds is refused before anything is
// allocated from its dims.
import { ExternalDataError, ModelGraphError } from '../errors';
import { DataType, bitsOf, dataTypeName, storageBytes } from './data-type';
import { checkedNumel } from './shape';
import { elementReader, elementWriter, isFloat8 } from './tensor-elements';

export { numberToFloat16 } from './tensor-elements';

/** Reads bytes of an external-data file. Installed by the host (src/node) that loaded the model. */
export interface ExternalDataReader {
  /** Bytes [offset, offset+length) of `location` (relative to the model's folder); length undefined = to the end. */
  read(location: string, offset: number, length: number | undefined): Uint8Array;
  /** Size of `location` in bytes, for checks before reading. */
  size(location: string): number;
}

/** Positional reads of one file (the model file), installed by the host that opened it. */
export interface FileRangeReader {
  /** The file's size in bytes when it was opened. */
  readonly size: number;
  /** Exactly bytes [offset, offset+length); a file that changed since it was opened is an error, never other bytes. */
  read(offset: number, length: number): Uint8Array;
}

export interface ExternalRef {
  location: string;
  offset: number;
  length: number | undefined;
  /** Every key/value of external_data in file order (location, offset, length, checksum...). */
  entries: [string, string][];
}

/** Data held in memory, in the form the file used (kept so that a saved model is the same). */
export type LoadedStorage =
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'float'; values: number[] }
  | { kind: 'int32'; values: number[] }
  | { kind: 'int64'; values: bigint[] }
  | { kind: 'double'; values: number[] }
  | { kind: 'uint64'; values: bigint[] }
  | { kind: 'string'; values: Uint8Array[] };

/**
 * A tensor's data left in the model file: the payload of its `form` field (raw_data, or packed
 * float_data / double_data) is bytes [offset, offset+length) of the file; the field, tag included,
 * starts at `fieldStart`.
 */
export interface InFileRef {
  form: 'raw' | 'float' | 'double';
  fieldStart: number;
  offset: number;
  length: number;
}

/** Loads data left in the model file (installed by the reader: src/core/onnx/in-file.ts). */
export interface InFileData {
  /** The data at `ref`, read from the file now, in the form the file uses. */
  load(ref: InFileRef): LoadedStorage;
}

/** Where the elements live. */
export type TensorStorage =
  | LoadedStorage
  | { kind: 'in-file'; ref: InFileRef; data: InFileData }
  | { kind: 'external'; ref: ExternalRef; reader: ExternalDataReader | null }
  /** Declared by type and shape only (a weight in a hand-written .onnxtxt): no data until filled. */
  | { kind: 'declared' };

/** Values one entry of an in-file form holds, in bytes (raw: bytes; float_data: 4; double_data: 8). */
const IN_FILE_ENTRY_BYTES = { raw: 1, float: 4, double: 8 } as const;

export class Tensor {
  readonly elementCount: number;
  /** Data read from a file (in-file) and the raw form made from it or from typed fields, kept while a caller holds them. */
  private cachedLoad: WeakRef<LoadedStorage> | undefined;
  private cachedRaw: WeakRef<Uint8Array> | undefined;
  /** The storage the caches were made from (storage is assignable). */
  private cachedFor: TensorStorage | undefined;

  constructor(
    public name: string,
    public readonly dataType: DataType,
    public readonly dims: readonly number[],
    public storage: TensorStorage,
    public docString = '',
    public metadata: [string, string][] = [],
  ) {
    this.elementCount = checkedNumel(dims, `tensor '${name}'`);
    this.checkStorage();
  }

  /** Bytes the data occupies in raw form (sub-byte types packed); strings count their bytes. */
  get byteLength(): number {
    if (this.storage.kind === 'string') return this.storage.values.reduce((s, v) => s + v.length, 0);
    return storageBytes(this.dataType, this.elementCount) ?? 0;
  }

  get isExternal(): boolean {
    return this.storage.kind === 'external';
  }

  private checkStorage(): void {
    const where = `tensor '${this.name}' (${dataTypeName(this.dataType)}[${this.dims.join(',')}])`;
    const s = this.storage;
    const expectedBytes = storageBytes(this.dataType, this.elementCount);
    const fail = (holds: string): never => {
      throw new ModelGraphError(
        `${where} declares ${this.elementCount} elements but ${holds}: the file is corrupt or truncated`,
        this.name,
      );
    };
    switch (s.kind) {
      case 'raw':
        if (expectedBytes !== undefined && s.bytes.length !== expectedBytes) {
          fail(`holds ${s.bytes.length} bytes of raw data (expected ${expectedBytes})`);
        }
        return;
      case 'string':
        if (s.values.length !== this.elementCount) fail(`holds ${s.values.length} strings`);
        return;
      case 'declared':
        return;
      case 'in-file': {
        const n = s.ref.length / IN_FILE_ENTRY_BYTES[s.ref.form];
        if (s.ref.form === 'raw') {
          if (expectedBytes !== undefined && n !== expectedBytes) fail(`holds ${n} bytes of raw data (expected ${expectedBytes})`);
        } else this.checkFieldCount(n, s.ref.form, fail);
        return;
      }
      case 'external': {
        if (s.ref.length !== undefined && expectedBytes !== undefined && s.ref.length !== expectedBytes) {
          throw new ExternalDataError(
            `${where} needs ${expectedBytes} bytes but its external data says length ${s.ref.length}`,
          );
        }
        return;
      }
      default:
        this.checkFieldCount(s.values.length, s.kind, fail);
    }
  }

  /** A typed data field (`kind`_data) must hold one value per element (see fieldValuesPerElement). */
  private checkFieldCount(n: number, kind: string, fail: (holds: string) => never): void {
    const perElement = this.fieldValuesPerElement(kind);
    if (Math.abs(n - this.elementCount * perElement) >= Math.max(1, perElement)) {
      fail(`holds ${n} values in its ${kind}_data field`);
    }
  }

  /** int32_data holds one packed byte per entry for 4-bit types; complex types use two floats. */
  private fieldValuesPerElement(kind: string): number {
    const bits = bitsOf(this.dataType) ?? 8;
    if (kind === 'int32' && bits < 8) return bits / 8;
    if (this.dataType === DataType.COMPLEX64 || this.dataType === DataType.COMPLEX128) return 2;
    return 1;
  }

  /** Check an external reference against the file it names, without reading the data. */
  checkExternal(): void {
    const s = this.storage;
    if (s.kind !== 'external') return;
    if (!s.reader) throw new ExternalDataError(`tensor '${this.name}' has external data but no folder to read it from`);
    const size = s.reader.size(s.ref.location);
    const need = s.ref.length ?? this.byteLength;
    if (s.ref.offset + need > size) {
      throw new ExternalDataError(
        `tensor '${this.name}' wants bytes ${s.ref.offset}..${s.ref.offset + need} of '${s.ref.location}', ` +
          `which has ${size} bytes: the external data file is truncated or belongs to another model`,
      );
    }
  }

  /**
   * The data in memory, in the form the file used: data left in the model file is read now (and
   * kept while the caller holds it). External data has no such form: use rawBytes().
   */
  loadedStorage(): LoadedStorage | null {
    const s = this.storage;
    this.dropStaleCaches();
    switch (s.kind) {
      case 'in-file': {
        const hit = this.cachedLoad?.deref();
        if (hit) return hit;
        const loaded = s.data.load(s.ref);
        this.cachedLoad = new WeakRef(loaded);
        return loaded;
      }
      case 'external':
      case 'declared':
        return null;
      default:
        return s;
    }
  }

  private dropStaleCaches(): void {
    if (this.cachedFor === this.storage) return;
    this.cachedFor = this.storage;
    this.cachedLoad = this.cachedRaw = undefined;
  }

  /** The data in ONNX raw form (little-endian, sub-byte packed). Data in a file is read now. */
  rawBytes(): Uint8Array {
    const s = this.storage;
    if (s.kind === 'raw') return s.bytes;
    this.dropStaleCaches();
    const hit = this.cachedRaw?.deref();
    if (hit) return hit;
    let out: Uint8Array;
    switch (s.kind) {
      case 'external':
        this.checkExternal();
        out = s.reader!.read(s.ref.location, s.ref.offset, s.ref.length ?? this.byteLength);
        break;
      case 'string':
        throw new ModelGraphError(`tensor '${this.name}' holds strings, which have no raw form`, this.name);
      case 'declared':
        throw new ModelGraphError(`tensor '${this.name}' is declared by type and shape only: it has no data until it is filled (compile the .onnxtxt with an initializer)`, this.name);
      default: {
        const loaded = this.loadedStorage()!;
        out = loaded.kind === 'raw' ? loaded.bytes : this.fieldsToRaw(loaded);
      }
    }
    this.cachedRaw = new WeakRef(out);
    return out;
  }

  private fieldsToRaw(s: LoadedStorage): Uint8Array {
    const n = this.elementCount;
    const bytes = new Uint8Array(storageBytes(this.dataType, n) ?? 0);
    const dv = new DataView(bytes.buffer);
    switch (s.kind) {
      case 'float':
        s.values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
        break;
      case 'double':
        s.values.forEach((v, i) => dv.setFloat64(i * 8, v, true));
        break;
      case 'int64':
        s.values.forEach((v, i) => dv.setBigInt64(i * 8, v, true));
        break;
      case 'uint64':
        if (this.dataType === DataType.UINT32) s.values.forEach((v, i) => dv.setUint32(i * 4, Number(v), true));
        else s.values.forEach((v, i) => dv.setBigUint64(i * 8, v, true));
        break;
      case 'int32': {
        const bits = bitsOf(this.dataType) ?? 32;
        if (bits < 8) s.values.forEach((v, i) => (bytes[i] = v & 0xff));
        else if (bits === 8) s.values.forEach((v, i) => dv.setUint8(i, v & 0xff));
        else if (bits === 16) s.values.forEach((v, i) => dv.setUint16(i * 2, v & 0xffff, true));
        else s.values.forEach((v, i) => dv.setInt32(i * 4, v, true));
        break;
      }
      default:
        break;
    }
    return bytes;
  }

  /** Every element as a number (int64 beyond 2^53 rounds; complex gives [re, im] pairs). */
  toNumbers(): Float64Array {
    const t = this.dataType;
    const s = this.loadedStorage() ?? this.storage;
    if (s.kind === 'string') throw new ModelGraphError(`tensor '${this.name}' holds strings, not numbers`, this.name);
    // Fast paths straight from the typed fields.
    if (s.kind === 'float' || s.kind === 'double') return Float64Array.from(s.values);
    if (s.kind === 'int64' || s.kind === 'uint64') {
      if (t === DataType.UINT32 || t === DataType.INT64 || t === DataType.UINT64) {
        return Float64Array.from(s.values, (v) => Number(v));
      }
    }
    if (s.kind === 'int32' && (bitsOf(t) ?? 0) >= 8 && t !== DataType.FLOAT16 && t !== DataType.BFLOAT16 && !isFloat8(t)) {
      return Float64Array.from(s.values);
    }
    const raw = this.rawBytes();
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const n = this.elementCount;
    const count = t === DataType.COMPLEX64 || t === DataType.COMPLEX128 ? n * 2 : n;
    const out = new Float64Array(count);
    const get = elementReader(t, dv);
    for (let i = 0; i < count; i++) out[i] = get(i);
    return out;
  }

  /** Every element of an integer tensor as exact bigints (for shape arithmetic with INT64_MAX). */
  toBigInts(): bigint[] {
    const s = this.loadedStorage() ?? this.storage;
    if (s.kind === 'int64' || s.kind === 'uint64') return s.values.slice();
    if (this.dataType === DataType.INT64 || this.dataType === DataType.UINT64) {
      const raw = this.rawBytes();
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const out: bigint[] = new Array(this.elementCount);
      const signed = this.dataType === DataType.INT64;
      for (let i = 0; i < this.elementCount; i++) {
        out[i] = signed ? dv.getBigInt64(i * 8, true) : dv.getBigUint64(i * 8, true);
      }
      return out;
    }
    return Array.from(this.toNumbers(), (v) => BigInt(Math.trunc(v)));
  }

  /** Strings of a STRING tensor, decoded as UTF-8. */
  toStrings(): string[] {
    if (this.storage.kind !== 'string') throw new ModelGraphError(`tensor '${this.name}' does not hold strings`, this.name);
    const dec = new TextDecoder();
    return this.storage.values.map((v) => dec.decode(v));
  }

  /** A tensor built from numbers, stored raw (used by constant folding, rewrites, the text parser). */
  static fromNumbers(name: string, dataType: DataType, dims: readonly number[], values: ArrayLike<number>): Tensor {
    const n = checkedNumel(dims, `tensor '${name}'`);
    const bytes = new Uint8Array(storageBytes(dataType, n) ?? 0);
    const dv = new DataView(bytes.buffer);
    const set = elementWriter(dataType, dv, bytes);
    for (let i = 0; i < n; i++) set(i, Number(values[i] ?? 0));
    return new Tensor(name, dataType, dims, { kind: 'raw', bytes });
  }
}

