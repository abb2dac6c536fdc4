// Operator options -> IR attributes. Builtin options are unpacked with the generated object API
// (one plain object per options table) and each field becomes an attribute named as in TFLite's
// schema (stride_w, fused_activation_function...): enums as their names ('SAME', 'RELU6', 'INT8'),
// booleans as 0/1, floats as floats, everything else as ints. Custom options are opaque bytes
// (usually FlexBuffers); the well-known MediaPipe ops whose options are a plain C struct are decoded.
// FlexBuffers are not decoded: a hostile one can expand exponentially (shared sub-vectors), and the
// library's decoder has no budget.
import type { Attribute } from '../ir/attribute';
import {
  ActivationFunctionType,
  BuiltinOptions,
  BuiltinOptions2,
  CombinerType,
  CustomOptionsFormat,
  FullyConnectedOptionsWeightsFormat,
  LSHProjectionType,
  LSTMKernelType,
  MirrorPadMode,
  Padding,
  ReduceWindowFunction,
  RngAlgorithm,
  StablehloComparisonDirection,
  StablehloComparisonType,
  StablehloPrecisionConfig,
  TensorType,
  unionToBuiltinOptions,
  unionToBuiltinOptions2,
  type Operator,
} from './gen/schema';

type EnumTable = Record<number, string>;

/** Option fields (object-API names) whose values are enums, with the enum that names them. */
const ENUM_FIELDS: Record<string, EnumTable> = {
  padding: Padding,
  fusedActivationFunction: ActivationFunctionType,
  weightsFormat: FullyConnectedOptionsWeightsFormat,
  kernelType: LSTMKernelType,
  combiner: CombinerType,
  mode: MirrorPadMode,
  type: LSHProjectionType,
  algorithm: RngAlgorithm,
  reduceFunction: ReduceWindowFunction,
  comparisonDirection: StablehloComparisonDirection,
  compareType: StablehloComparisonType,
  precisionConfig: StablehloPrecisionConfig,
  compositeAttributesFormat: CustomOptionsFormat,
  quantizedBiasType: TensorType,
  inDataType: TensorType,
  outDataType: TensorType,
  outputType: TensorType,
  outType: TensorType,
  idxOutType: TensorType,
  keyDtype: TensorType,
  valueDtype: TensorType,
};

/** Option fields declared as float in the schema (a float such as 1.0 must not become an int). */
const FLOAT_FIELDS = new Set(['beta', 'alpha', 'bias', 'cellClip', 'projClip', 'min', 'max', 'boundaries']);

/** Lists longer than this are summarised (e.g. a StableHLO composite's attribute bytes). */
const MAX_LIST = 4096;

const enc = new TextEncoder();

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function str(name: string, value: string): Attribute {
  return { name, kind: 'string', value: enc.encode(value) };
}

function enumName(table: EnumTable, v: number): string {
  return table[v] ?? String(v);
}

function toAttribute(field: string, value: unknown): Attribute | null {
  const name = snake(field);
  const table = ENUM_FIELDS[field];
  if (typeof value === 'boolean') return { name, kind: 'int', value: value ? 1n : 0n };
  if (typeof value === 'bigint') return { name, kind: 'int', value };
  if (typeof value === 'string') return str(name, value);
  if (typeof value === 'number') {
    if (table) return str(name, enumName(table, value));
    if (FLOAT_FIELDS.has(field) || !Number.isInteger(value)) return { name, kind: 'float', value };
    return { name, kind: 'int', value: BigInt(value) };
  }
  if (Array.isArray(value) || value instanceof Uint8Array) {
    const list = Array.from(value as ArrayLike<unknown>);
    if (list.length > MAX_LIST) return str(name, `<${list.length} values>`);
    if (table) return { name, kind: 'strings', value: list.map((x) => enc.encode(enumName(table, Number(x)))) };
    if (list.every((x) => typeof x === 'boolean')) return { name, kind: 'ints', value: list.map((x) => (x ? 1n : 0n)) };
    if (list.every((x) => typeof x === 'bigint')) return { name, kind: 'ints', value: list as bigint[] };
    if (list.every((x) => typeof x === 'number')) {
      const nums = list as number[];
      if (FLOAT_FIELDS.has(field) || !nums.every(Number.isInteger)) return { name, kind: 'floats', value: nums };
      return { name, kind: 'ints', value: nums.map((x) => BigInt(x)) };
    }
    return null;
  }
  return null;
}

/** Attributes of the plain object unpack() made of an options table (its own enumerable fields). */
function fromObject(obj: object): Attribute[] {
  const out: Attribute[] = [];
  for (const [field, value] of Object.entries(obj)) {
    const a = toAttribute(field, value);
    if (a) out.push(a);
  }
  return out;
}

/** Builtin options of an operator as attributes (both option unions); unknown union codes are kept as a number. */
export function builtinAttributes(op: Operator): Attribute[] {
  const out: Attribute[] = [];
  const t1 = op.builtinOptionsType();
  if (t1 !== BuiltinOptions.NONE) {
    const o = unionToBuiltinOptions(t1, (x) => op.builtinOptions(x));
    if (o) out.push(...fromObject(o.unpack()));
    else out.push({ name: 'builtin_options_type', kind: 'int', value: BigInt(t1) });
  }
  const t2 = op.builtinOptions2Type();
  if (t2 !== BuiltinOptions2.NONE) {
    const o = unionToBuiltinOptions2(t2, (x) => op.builtinOptions2(x));
    if (o) out.push(...fromObject(o.unpack()));
    else out.push({ name: 'builtin_options_2_type', kind: 'int', value: BigInt(t2) });
  }
  return out;
}

/** TfLitePadding of the C API (0 unknown, 1 same, 2 valid) as the schema's names. */
function cPadding(v: number): string {
  return v === 1 ? 'SAME' : v === 2 ? 'VALID' : 'UNKNOWN';
}

/** Fields of C structs (int32 each, little-endian) that MediaPipe's custom ops keep as custom options. */
const C_STRUCTS: Record<string, string[]> = {
  // TfLiteTransposeConvParams
  Convolution2DTransposeBias: ['padding', 'stride_w', 'stride_h'],
  // TfLitePoolParams
  MaxPoolingWithArgmax2D: ['padding', 'stride_w', 'stride_h', 'filter_width', 'filter_height', 'fused_activation_function'],
  MaxUnpooling2D: ['padding', 'stride_w', 'stride_h', 'filter_width', 'filter_height', 'fused_activation_function'],
};

/** Attributes of a custom operator's options: decoded for the known C-struct ops, else their size. */
export function customAttributes(customCode: string, bytes: Uint8Array | null, format: number): Attribute[] {
  if (!bytes || bytes.length === 0) return [];
  const fields = C_STRUCTS[customCode];
  if (fields && bytes.length >= fields.length * 4) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return fields.map((name, i): Attribute => {
      const v = dv.getInt32(i * 4, true);
      if (name === 'padding') return str(name, cPadding(v));
      if (name === 'fused_activation_function') return str(name, enumName(ActivationFunctionType, v));
      return { name, kind: 'int', value: BigInt(v) };
    });
  }
  const kind = format === CustomOptionsFormat.FLEXBUFFERS ? 'FlexBuffers' : `format ${format}`;
  return [str('custom_options', `<${bytes.length} bytes, ${kind}>`)];
}
