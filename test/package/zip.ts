// A small ZIP reader for the tests (a .vsix is a ZIP): the central directory lists the entries,
// each entry's data follows its local header, stored (method 0) or deflated (method 8, node:zlib's
// inflateRawSync), checked against the CRC-32 of the central directory. No ZIP64, no encryption:
// a VSIX of tens of MB needs neither, and both are reported as errors.
import { readFileSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class Zip {
  readonly entries: ZipEntry[];
  private readonly byName = new Map<string, ZipEntry>();

  constructor(readonly buf: Buffer) {
    // the end-of-central-directory record: 22 bytes plus a comment of up to 65535
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
      if (buf.readUInt32LE(i) === EOCD && i + 22 + buf.readUInt16LE(i + 20) === buf.length) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error('not a ZIP file: no end-of-central-directory record');
    const count = buf.readUInt16LE(eocd + 10);
    const cdSize = buf.readUInt32LE(eocd + 12);
    const cdOffset = buf.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new Error('ZIP64 archives are not supported');
    if (cdOffset + cdSize > eocd) throw new Error('corrupt ZIP: central directory overlaps its end record');
    this.entries = [];
    let p = cdOffset;
    for (let n = 0; n < count; n++) {
      if (buf.readUInt32LE(p) !== CENTRAL) throw new Error(`corrupt ZIP: no central directory header at ${p}`);
      const flags = buf.readUInt16LE(p + 8);
      const nameLength = buf.readUInt16LE(p + 28);
      const entry: ZipEntry = {
        method: buf.readUInt16LE(p + 10),
        crc: buf.readUInt32LE(p + 16),
        compressedSize: buf.readUInt32LE(p + 20),
        size: buf.readUInt32LE(p + 24),
        localHeaderOffset: buf.readUInt32LE(p + 42),
        name: buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength),
      };
      if (flags & 1) throw new Error(`${entry.name}: encrypted entries are not supported`);
      this.entries.push(entry);
      this.byName.set(entry.name, entry);
      p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    }
    if (p !== cdOffset + cdSize) throw new Error('corrupt ZIP: central directory size does not match its entries');
  }

  static open(path: string): Zip {
    return new Zip(readFileSync(path));
  }

  get names(): string[] {
    return this.entries.map((e) => e.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The entry's bytes, inflated and CRC-checked. */
  read(nameOrEntry: string | ZipEntry): Buffer {
    const e = typeof nameOrEntry === 'string' ? this.byName.get(nameOrEntry) : nameOrEntry;
    if (!e) throw new Error(`${String(nameOrEntry)} is not in the archive`);
    const h = e.localHeaderOffset;
    if (this.buf.readUInt32LE(h) !== LOCAL) throw new Error(`${e.name}: no local header at ${h}`);
    const start = h + 30 + this.buf.readUInt16LE(h + 26) + this.buf.readUInt16LE(h + 28);
    const raw = this.buf.subarray(start, start + e.compressedSize);
    let data: Buffer;
    if (e.method === 0) data = Buffer.from(raw);
    else if (e.method === 8) data = inflateRawSync(raw);
    else throw new Error(`${e.name}: compression method ${e.method} is not supported`);
    if (data.length !== e.size) throw new Error(`${e.name}: ${data.length} bytes, the directory says ${e.size}`);
    if (crc32(data) >>> 0 !== e.crc) throw new Error(`${e.name}: CRC-32 mismatch`);
    return data;
  }

  text(name: string): string {
    return this.read(name).toString('utf8');
  }
}
