// Seeded mutations of ONNX files for the fuzz suite. Three levels:
//  - bytes: truncation, byte flips;
//  - wire format: the file parsed into a tree of protobuf fields (guided by the schema, as
//    src/core/onnx/wire-check.ts walks it), then a field duplicated, removed or swapped with a
//    sibling (enclosing lengths recomputed, so the protobuf stays well-formed and the damage is
//    structural: duplicate nodes, initializers, inputs), or a length field made to lie;
//  - decoded proto: huge or negative dims, wrong data types, absurd attribute values, another op
//    type, a node input rewired to any name (cycles, dangling inputs).
// Written here rather than taken from a fuzzing library: the operators are protobuf- and
// ONNX-specific, and the only generic part, a seeded PRNG, is a few lines (mulberry32).
import { fromBinary, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { AttributeProto_AttributeType as AT, ModelProtoSchema, type GraphProto, type ModelProto, type TypeProto_Tensor } from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';

/** A seeded PRNG (mulberry32): the same seed gives the same cases on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('pick from an empty list');
    return list[this.int(list.length)]!;
  }
}

interface WireField {
  fieldNo: number;
  wireType: WireType;
  /** Scalars: the value's bytes as they were; length-delimited non-messages: the payload. */
  bytes: Uint8Array;
  /** Length-delimited fields the schema says are messages, parsed. */
  children: WireField[] | null;
  /** Written instead of the true length (a lying length field). */
  lengthLie?: number;
}

function parse(bytes: Uint8Array, desc: DescMessage | undefined): WireField[] {
  const r = new BinaryReader(bytes);
  const out: WireField[] = [];
  while (r.pos < bytes.length) {
    const [fieldNo, wireType] = r.tag();
    const field = desc?.fields.find((f) => f.number === fieldNo);
    if (wireType === WireType.LengthDelimited) {
      const payload = r.bytes();
      const sub = field?.fieldKind === 'message' || (field?.fieldKind === 'list' && field.listKind === 'message') ? field.message : undefined;
      out.push({ fieldNo, wireType, bytes: payload, children: sub ? parse(payload, sub) : null });
    } else {
      const start = r.pos;
      r.skip(wireType, fieldNo);
      out.push({ fieldNo, wireType, bytes: bytes.subarray(start, r.pos), children: null });
    }
  }
  return out;
}

function encode(fields: WireField[]): Uint8Array {
  const w = new BinaryWriter();
  for (const f of fields) {
    w.tag(f.fieldNo, f.wireType);
    if (f.wireType === WireType.LengthDelimited) {
      const payload = f.children ? encode(f.children) : f.bytes;
      w.uint32(f.lengthLie ?? payload.length).raw(payload);
    } else {
      w.raw(f.bytes);
    }
  }
  return w.finish();
}

interface Site {
  list: WireField[];
  index: number;
}

function sites(fields: WireField[], out: Site[] = []): Site[] {
  fields.forEach((f, index) => {
    out.push({ list: fields, index });
    if (f.children) sites(f.children, out);
  });
  return out;
}

export type MutationKind =
  | 'truncate'
  | 'flip-bytes'
  | 'duplicate-field'
  | 'remove-field'
  | 'swap-fields'
  | 'lying-length'
  | 'huge-dim'
  | 'negative-dim'
  | 'wrong-data-type'
  | 'absurd-attribute'
  | 'other-op'
  | 'rewire-input';

export const MUTATIONS: readonly MutationKind[] = [
  'truncate',
  'flip-bytes',
  'duplicate-field',
  'remove-field',
  'swap-fields',
  'lying-length',
  'huge-dim',
  'negative-dim',
  'wrong-data-type',
  'absurd-attribute',
  'other-op',
  'rewire-input',
];

/** Every graph of the model (main and subgraphs), for proto-level mutations. */
function graphs(g: GraphProto, out: GraphProto[] = []): GraphProto[] {
  out.push(g);
  for (const n of g.node) for (const a of n.attribute) [a.g, ...a.graphs].forEach((s) => s && graphs(s, out));
  return out;
}

function tensorTypes(m: ModelProto): TypeProto_Tensor[] {
  const out: TypeProto_Tensor[] = [];
  for (const g of graphs(m.graph!)) {
    for (const vi of [...g.input, ...g.output, ...g.valueInfo]) {
      if (vi.type?.value.case === 'tensorType') out.push(vi.type.value.value);
    }
  }
  return out;
}

const HUGE = [1n << 31n, 1n << 40n, (1n << 53n) - 1n, 1n << 62n, 1_000_000n];
const NEGATIVE = [-1n, -2n, -(1n << 31n), -(1n << 63n)];
const OPS = ['Conv', 'MatMul', 'Gemm', 'Add', 'Concat', 'Reshape', 'Transpose', 'Gather', 'Slice', 'Expand', 'Tile', 'Resize', 'If', 'Loop', 'Scan', 'LSTM', 'Split', 'Pad', 'Where', 'ReduceMean', 'NoSuchOp', ''];

function protoMutation(kind: MutationKind, m: ModelProto, rng: Rng): string {
  const gs = graphs(m.graph!);
  const nodes = gs.flatMap((g) => g.node);
  const inits = gs.flatMap((g) => g.initializer);
  switch (kind) {
    case 'huge-dim':
    case 'negative-dim': {
      const values = kind === 'huge-dim' ? HUGE : NEGATIVE;
      const v = rng.pick(values);
      const types = tensorTypes(m).filter((t) => t.shape?.dim.length);
      if (inits.length > 0 && (types.length === 0 || rng.next() < 0.4)) {
        const t = rng.pick(inits);
        if (t.dims.length === 0) t.dims.push(v);
        else t.dims[rng.int(t.dims.length)] = v;
        return `initializer '${t.name}' dims [${t.dims.join(',')}]`;
      }
      if (types.length === 0) return 'no dims to change';
      const dims = rng.pick(types).shape!.dim;
      const d = dims[rng.int(dims.length)]!;
      d.value = { case: 'dimValue', value: v };
      return `a declared dim = ${v}`;
    }
    case 'wrong-data-type': {
      const dt = rng.pick([0, 8, 9, 11, 13, 16, 17, 23, 24, 25, 26, 99, -5]);
      if (inits.length > 0 && rng.next() < 0.5) {
        const t = rng.pick(inits);
        t.dataType = dt;
        return `initializer '${t.name}' data type ${dt}`;
      }
      const types = tensorTypes(m);
      if (types.length === 0) return 'no types';
      rng.pick(types).elemType = dt;
      return `a declared element type = ${dt}`;
    }
    case 'absurd-attribute': {
      const withAttrs = nodes.filter((n) => n.attribute.some((a) => a.type === AT.INT || a.type === AT.INTS || a.type === AT.FLOAT));
      if (withAttrs.length === 0) return 'no attributes';
      const n = rng.pick(withAttrs);
      const a = rng.pick(n.attribute.filter((x) => x.type === AT.INT || x.type === AT.INTS || x.type === AT.FLOAT));
      const big = rng.pick([0n, -1n, 1n << 31n, -(1n << 63n), (1n << 62n), 1000n]);
      if (a.type === AT.INT) a.i = big;
      else if (a.type === AT.INTS) a.ints = a.ints.length ? a.ints.map((x, i) => (i === 0 ? big : x)) : [big];
      else a.f = rng.pick([NaN, Infinity, -Infinity, 1e38, -0]);
      return `${n.opType} '${n.name}' attribute ${a.name} = ${a.type === AT.FLOAT ? a.f : big}`;
    }
    case 'other-op': {
      if (nodes.length === 0) return 'no nodes';
      const n = rng.pick(nodes);
      const was = n.opType;
      n.opType = rng.pick(OPS);
      return `${was} '${n.name}' -> ${n.opType}`;
    }
    case 'rewire-input': {
      const withInputs = nodes.filter((n) => n.input.length > 0);
      if (withInputs.length === 0) return 'no inputs';
      const n = rng.pick(withInputs);
      const names = nodes.flatMap((x) => x.output).concat(['ghost']);
      const i = rng.int(n.input.length);
      n.input[i] = rng.pick(names);
      return `${n.opType} '${n.name}' input ${i} <- '${n.input[i]}'`;
    }
    default:
      throw new Error(`not a proto mutation: ${kind}`);
  }
}

/** One mutation of `bytes` (a valid ONNX file) chosen by `rng`; returns the new bytes and what was done. */
export function mutate(bytes: Uint8Array, kind: MutationKind, rng: Rng): { bytes: Uint8Array; what: string } {
  switch (kind) {
    case 'truncate': {
      const at = rng.int(bytes.length);
      return { bytes: bytes.slice(0, at), what: `cut at byte ${at} of ${bytes.length}` };
    }
    case 'flip-bytes': {
      const out = Uint8Array.from(bytes); // a copy (Buffer#slice would be a view)
      const n = 1 + rng.int(8);
      for (let k = 0; k < n; k++) {
        const i = rng.int(out.length);
        out[i] = out[i]! ^ (1 + rng.int(255));
      }
      return { bytes: out, what: `${n} bytes flipped` };
    }
    case 'duplicate-field':
    case 'remove-field':
    case 'swap-fields':
    case 'lying-length': {
      const tree = parse(bytes, ModelProtoSchema);
      let all = sites(tree);
      if (kind === 'lying-length') all = all.filter((s) => s.list[s.index]!.wireType === WireType.LengthDelimited);
      if (kind === 'swap-fields') all = all.filter((s) => s.list.length > 1);
      const s = rng.pick(all);
      const f = s.list[s.index]!;
      if (kind === 'duplicate-field') s.list.splice(s.index + 1, 0, f);
      else if (kind === 'remove-field') s.list.splice(s.index, 1);
      else if (kind === 'swap-fields') {
        const j = rng.int(s.list.length);
        [s.list[s.index], s.list[j]] = [s.list[j]!, f];
      } else {
        const true_ = f.children ? encode(f.children).length : f.bytes.length;
        f.lengthLie = rng.pick([0, true_ + 1, Math.max(0, true_ - 1), true_ * 2 + 7, 2 ** 31, 2 ** 32 - 1]);
      }
      return { bytes: encode(tree), what: `${kind} (field ${f.fieldNo}${f.lengthLie !== undefined ? `, length ${f.lengthLie}` : ''})` };
    }
    default: {
      const m = fromBinary(ModelProtoSchema, bytes);
      const what = protoMutation(kind, m, rng);
      return { bytes: toBinary(ModelProtoSchema, m), what };
    }
  }
}
