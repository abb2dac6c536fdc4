// Affine quantization parameters a file stores on a tensor (TFLite keeps them on every quantized
// tensor): real = scale · (q − zeroPoint), one pair for the whole tensor or one per slice along `axis`.
// Kept on the Value so that node details can show them; the cost model reads only whether they exist.

export interface Quantization {
  /** One scale per tensor, or one per slice along `axis` (per-channel). */
  scale: number[];
  /** Same length as `scale` (TFLite may store a single 0 for symmetric per-channel weights). */
  zeroPoint: number[];
  /** The quantized dimension for per-channel parameters; null when per-tensor. */
  axis: number | null;
  /** Recorded float range (TFLite's min/max, for importing back into TensorFlow), when present. */
  min?: number[];
  max?: number[];
  /** A non-affine scheme the file names instead (e.g. TFLite CustomQuantization, with its byte count). */
  custom?: string;
}

/** `scale 0.0235 zp -128`, `per-channel axis 3: 32 scales 0.0011…0.0302, zp 0` (short, for details and hovers). */
export function formatQuantization(q: Quantization): string {
  if (q.custom) return q.custom;
  const num = (x: number): string => String(Number(x.toPrecision(4)));
  const zps = [...new Set(q.zeroPoint)];
  const zp = zps.length <= 1 ? `zp ${num(zps[0] ?? 0)}` : `zp ${num(Math.min(...zps))}…${num(Math.max(...zps))}`;
  if (q.axis === null || q.scale.length <= 1) return `scale ${num(q.scale[0] ?? NaN)} ${zp}`;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of q.scale) {
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  return `per-channel axis ${q.axis}: ${q.scale.length} scales ${num(lo)}…${num(hi)}, ${zp}`;
}
