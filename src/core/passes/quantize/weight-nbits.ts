// Weight-only blockwise quantization of MatMul through ONNX Runtime's com.microsoft MatMulNBits.
// For MatMul(A, W) with W [K, N] constant: each output column n is cut along K into blocks of
// `blockSize`; in block b, q = clamp(round(w / s) + z, 0, 2^bits − 1) with
//   symmetric:  s = max|w| / (2^(bits−1) − 1),  z = 2^(bits−1)           (ORT's default zero point)
//   asymmetric: s = (max − min) / (2^bits − 1), z = clamp(round(−min / s))
// and w ≈ (q − z) · s. MatMulNBits takes B as uint8 [N, blocks, blockSize·bits/8] (for 4 bits, two
// values per byte, the even index in the low nibble), scales [N·blocks] and, when asymmetric,
// zero points [N·ceil(blocks·bits/8)] packed the same way. A K not divisible by the block size is
// padded with zeros.
import { DataType } from '../../ir/data-type';
import { GraphBuilder } from '../../ir/builder';
import type { Node } from '../../ir/graph';
import { Tensor } from '../../ir/tensor';
import { removeNode, takeOver, uniqueName, nodeSites } from '../graph-edit';
import type { CheckResult, RewriteRule, Site } from '../types';

export interface NBitsOptions {
  bits: 4 | 8;
  blockSize: number;
  symmetric: boolean;
}

export interface PackedNBits {
  b: Uint8Array;
  scales: Float32Array;
  zeroPoints: Uint8Array | null;
  blocks: number;
}

/** Quantizes W [K, N] (row-major) into MatMulNBits' layout. Exported for tests (hand dequantization). */
export function packNBits(W: ArrayLike<number>, K: number, N: number, o: NBitsOptions): PackedNBits {
  const blocks = Math.ceil(K / o.blockSize);
  const levels = 2 ** o.bits - 1;
  const blob = (o.blockSize * o.bits) / 8;
  const b = new Uint8Array(N * blocks * blob);
  const scales = new Float32Array(N * blocks);
  const zpBytesPerN = Math.ceil((blocks * o.bits) / 8);
  const zeroPoints = o.symmetric ? null : new Uint8Array(N * zpBytesPerN);
  for (let n = 0; n < N; n++) {
    for (let blk = 0; blk < blocks; blk++) {
      let lo = 0;
      let hi = 0;
      let amax = 0;
      for (let j = 0; j < o.blockSize; j++) {
        const k = blk * o.blockSize + j;
        const w = k < K ? W[k * N + n]! : 0;
        lo = Math.min(lo, w);
        hi = Math.max(hi, w);
        amax = Math.max(amax, Math.abs(w));
      }
      let s: number;
      let z: number;
      if (o.symmetric) {
        z = 2 ** (o.bits - 1);
        s = amax > 0 ? amax / (z - 1) : 1;
      } else {
        s = hi > lo ? (hi - lo) / levels : 1;
        z = Math.max(0, Math.min(levels, Math.round(-lo / s)));
      }
      s = Math.fround(s);
      scales[n * blocks + blk] = s;
      if (zeroPoints) {
        const idx = n * zpBytesPerN + (o.bits === 4 ? blk >> 1 : blk);
        zeroPoints[idx] = o.bits === 4 ? zeroPoints[idx]! | (z << ((blk & 1) * 4)) : z;
      }
      for (let j = 0; j < o.blockSize; j++) {
        const k = blk * o.blockSize + j;
        const w = k < K ? W[k * N + n]! : 0;
        const q = Math.max(0, Math.min(levels, Math.round(w / s) + z));
        const base = (n * blocks + blk) * blob;
        if (o.bits === 8) b[base + j] = q;
        else b[base + (j >> 1)] = b[base + (j >> 1)]! | (q << ((j & 1) * 4));
      }
    }
  }
  return { b, scales, zeroPoints, blocks };
}

function check(site: Site, o: NBitsOptions): CheckResult {
  const mm: Node = site.anchor;
  const w = mm.inputs[1]?.constant;
  if (!w) return { ok: false, reason: `MatMul '${mm.displayName}' has a non-constant weight input '${mm.inputs[1]?.name}'; only constant weights can be quantized` };
  if (w.dataType !== DataType.FLOAT) return { ok: false, reason: `MatMul '${mm.displayName}' weights are ${DataType[w.dataType]}, not float` };
  if (w.dims.length !== 2) return { ok: false, reason: `MatMul '${mm.displayName}' weight has rank ${w.dims.length}; MatMulNBits needs a 2-D weight` };
  if (!(o.blockSize >= 16 && o.blockSize <= 256 && (o.blockSize & (o.blockSize - 1)) === 0)) return { ok: false, reason: `block size ${o.blockSize} must be a power of 2 between 16 and 256` };
  if (w.elementCount < 256) return { ok: false, reason: `MatMul '${mm.displayName}' has only ${w.elementCount} weights: quantizing would not pay off` };
  return { ok: true };
}

function rewrite(site: Site, o: NBitsOptions): void {
  const mm = site.anchor;
  const g = mm.graph;
  const w = mm.inputs[1]!.constant!;
  const [K, N] = w.dims as [number, number];
  const packed = packNBits(w.toNumbers(), K, N, o);
  const base = mm.displayName || mm.outputs[0]!.name;
  const add = (name: string, t: DataType, dims: number[], bytes: Uint8Array) => {
    const tensor = new Tensor(uniqueName(g, `${base}.${name}`), t, dims, { kind: 'raw', bytes });
    g.initializers.push(tensor);
    const v = g.define(tensor.name);
    v.initializer = tensor;
    return v;
  };
  const bv = add(`weight_q${o.bits}`, DataType.UINT8, [N, packed.blocks, (o.blockSize * o.bits) / 8], packed.b);
  const sv = add('weight_scales', DataType.FLOAT, [N * packed.blocks], new Uint8Array(packed.scales.buffer));
  const inputs = [mm.inputs[0]!, bv, sv];
  if (packed.zeroPoints) inputs.push(add('weight_zero_points', DataType.UINT8, [packed.zeroPoints.length], packed.zeroPoints));
  const b = new GraphBuilder(g);
  const [y] = b.node('MatMulNBits', inputs, { K, N, bits: o.bits, block_size: o.blockSize }, {
    name: uniqueName(g, `${base}/MatMulNBits`),
    domain: 'com.microsoft',
    outputs: [uniqueName(g, `${base}/MatMulNBits_out`)],
  });
  g.nodes.splice(g.nodes.indexOf(mm), 0, g.nodes.pop()!);
  const out = mm.outputs[0]!;
  removeNode(mm);
  takeOver(out, y!);
}

export function weightNBits(o: NBitsOptions = { bits: 4, blockSize: 32, symmetric: true }): RewriteRule {
  return {
    id: o.bits === 4 ? 'quantize-int4-weight' : 'quantize-int8-weight',
    title: `Quantize MatMul weights to ${o.bits} bits in blocks of ${o.blockSize} (MatMulNBits)`,
    family: 'quantize',
    tolerance: { minCosine: o.bits === 4 ? 0.98 : 0.999 },
    match(ctx) {
      return nodeSites(ctx.model, (n) => n.opType === 'MatMul' && n.domain === '');
    },
    check: (site) => check(site, o),
    estimate(site) {
      // b-bit codes instead of 32-bit floats, plus a float scale per block of each column.
      const w = site.anchor.inputs[1]!.constant!;
      const [K, N] = w.dims as [number, number];
      const scales = 4 * N * Math.ceil(K / o.blockSize);
      return { flops: 0, traffic: 0, fileBytes: w.byteLength * (1 - o.bits / 32) - scales, accuracy: 'approximate', caveat: 'weight-only: no speed-up measured on x86 CPUs at small batch (docs/optimizations.md)' };
    },
    rewrite(site, ctx) {
      rewrite(site, o);
      if (ctx.model.opset('com.microsoft') === undefined) ctx.model.opsetImports.push({ domain: 'com.microsoft', version: 1 });
    },
  };
}
