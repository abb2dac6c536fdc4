// Decoders for the narrow float formats ONNX stores bit-packed: float16, bfloat16, the four float8
// variants (OCP FP8 E4M3FN/E5M2 and the "FNUZ" variants without negative zero), float8e8m0 and
// float4e2m1. Each takes the raw bit pattern and returns the value as a JS number.

export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function bfloat16ToNumber(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0]!;
}

/** Generic minifloat: `e` exponent bits, `m` mantissa bits, exponent bias, and NaN/Inf conventions. */
function minifloat(bits: number, e: number, m: number, bias: number, kind: 'fn' | 'fnuz' | 'ieee'): number {
  const signBit = 1 << (e + m);
  const neg = (bits & signBit) !== 0;
  const exp = (bits >> m) & ((1 << e) - 1);
  const frac = bits & ((1 << m) - 1);
  if (kind === 'fnuz' && bits === signBit) return NaN; // the only NaN; there is no -0
  if (kind === 'fn' && exp === (1 << e) - 1 && frac === (1 << m) - 1) return NaN;
  if (kind === 'ieee' && exp === (1 << e) - 1) return frac ? NaN : neg ? -Infinity : Infinity;
  const mag = exp === 0 ? frac * 2 ** (1 - bias - m) : (1 + frac / 2 ** m) * 2 ** (exp - bias);
  return neg ? -mag : mag;
}

export const float8e4m3fnToNumber = (b: number): number => minifloat(b, 4, 3, 7, 'fn');
export const float8e4m3fnuzToNumber = (b: number): number => minifloat(b, 4, 3, 8, 'fnuz');
export const float8e5m2ToNumber = (b: number): number => minifloat(b, 5, 2, 15, 'ieee');
export const float8e5m2fnuzToNumber = (b: number): number => minifloat(b, 5, 2, 16, 'fnuz');
/** E8M0: an exponent only (scale factors of microscaling formats); 0xff is NaN. */
export const float8e8m0ToNumber = (b: number): number => (b === 0xff ? NaN : 2 ** (b - 127));
/** FP4 E2M1: no NaN or infinity; values 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives. */
export const float4e2m1ToNumber = (nibble: number): number => {
  const mags = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
  const v = mags[nibble & 7]!;
  return nibble & 8 ? -v : v;
};
