// Static int8 quantization in QDQ form for Conv and MatMul, with activation ranges calibrated
// beforehand (src/node/ort/calibrate.ts runs the model on sample inputs):
//   activations: uint8 asymmetric per tensor, s = (max − min)/255 with 0 inside [min, max],
//                z = round(−min/s);  x ≈ (q − z)·s
//   weights:     int8 symmetric per output channel (Conv axis 0, MatMul [K, N] axis 1),
//                s_c = max|W[c]|/127, z = 0;  W ≈ q·s_c
// QuantizeLinear → DequantizeLinear pairs are inserted on the activation input and DequantizeLinear
// on the stored int8 weight; ONNX Runtime fuses them with the op into QLinearConv / QLinearMatMul.
import { DataType } from '../../ir/data-type';
import { GraphBuilder } from '../../ir/builder';
import type { Node, Value } from '../../ir/graph';
import { addInitializer, uniqueName, nodeSites } from '../graph-edit';
import { int8Speedup } from '../gain';
import type { CheckResult, RewriteRule, Site } from '../types';

export interface Range {
  min: number;
  max: number;
}

export interface StaticOptions {
  /** Calibrated range of each activation, by value name. */
  ranges: Map<string, Range>;
}

function activationParams(r: Range): { scale: number; zero: number } {
  const lo = Math.min(0, r.min);
  const hi = Math.max(0, r.max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zero: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

function check(site: Site, o: StaticOptions, opset: number): CheckResult {
  const n: Node = site.anchor;
  const w = n.inputs[1]?.constant;
  if (opset < 13) return { ok: false, reason: `opset ${opset} lacks per-channel DequantizeLinear: needs >= 13` };
  if (!w || w.dataType !== DataType.FLOAT) return { ok: false, reason: `${n} has no constant float weights` };
  if (n.opType === 'MatMul' && w.dims.length !== 2) return { ok: false, reason: `${n} weight has rank ${w.dims.length}; per-column quantization needs 2-D` };
  if (n.opType === 'Conv' && n.inputs[2] && !n.inputs[2].constant) return { ok: false, reason: `${n} has a non-constant bias` };
  const x = n.inputs[0]!;
  if (!o.ranges.has(x.name)) return { ok: false, reason: `no calibrated range for '${x.name}' (calibration did not reach it)` };
  return { ok: true };
}

function rewrite(site: Site, o: StaticOptions): void {
  const n = site.anchor;
  const g = n.graph;
  const b = new GraphBuilder(g);
  const base = n.displayName || n.outputs[0]!.name;
  const name = (s: string): string => uniqueName(g, `${base}/${s}`);
  const start = g.nodes.length;
  // Activation: Q then DQ.
  const x = n.inputs[0]!;
  const { scale, zero } = activationParams(o.ranges.get(x.name)!);
  const xs = addInitializer(g, `${base}.x_scale`, DataType.FLOAT, [], [scale]);
  const xz = addInitializer(g, `${base}.x_zero_point`, DataType.UINT8, [], [zero]);
  const [xq] = b.node('QuantizeLinear', [x, xs, xz], {}, { name: name('x_quant'), outputs: [name('x_q')] });
  const [xd] = b.node('DequantizeLinear', [xq!, xs, xz], {}, { name: name('x_dequant'), outputs: [name('x_dq')] });
  // Weight: int8 per channel + DQ.
  const w = n.inputs[1]!.constant!;
  const axis = n.opType === 'Conv' ? 0 : 1;
  const W = w.toNumbers();
  const channels = w.dims[axis]!;
  const inner = w.dims.slice(axis + 1).reduce((a, d) => a * d, 1);
  const outer = w.dims.slice(0, axis).reduce((a, d) => a * d, 1);
  const amax = new Float64Array(channels);
  for (let o2 = 0; o2 < outer; o2++) for (let c = 0; c < channels; c++) for (let i = 0; i < inner; i++) amax[c] = Math.max(amax[c]!, Math.abs(W[(o2 * channels + c) * inner + i]!));
  const ws = Array.from(amax, (m) => (m > 0 ? m / 127 : 1));
  const q = new Float64Array(W.length);
  for (let o2 = 0; o2 < outer; o2++) for (let c = 0; c < channels; c++) for (let i = 0; i < inner; i++) {
    const k = (o2 * channels + c) * inner + i;
    q[k] = Math.max(-127, Math.min(127, Math.round(W[k]! / ws[c]!)));
  }
  const wq = addInitializer(g, `${base}.weight_int8`, DataType.INT8, w.dims, q);
  const wsv = addInitializer(g, `${base}.weight_scale`, DataType.FLOAT, [channels], ws);
  const wzv = addInitializer(g, `${base}.weight_zero_point`, DataType.INT8, [channels], new Array(channels).fill(0));
  const [wd] = b.node('DequantizeLinear', [wq, wsv, wzv], { axis }, { name: name('w_dequant'), outputs: [name('w_dq')] });
  const added = g.nodes.splice(start, g.nodes.length - start);
  g.nodes.splice(g.nodes.indexOf(n), 0, ...added);
  n.setInput(0, xd as Value);
  n.setInput(1, wd as Value);
}

export function int8Static(o: StaticOptions): RewriteRule {
  const done = new WeakSet<Node>();
  return {
    id: 'quantize-int8-static',
    title: 'Quantize Conv and MatMul to int8 (QDQ) with calibrated activation ranges',
    family: 'quantize',
    tolerance: { minCosine: 0.98 },
    match(ctx) {
      return nodeSites(ctx.model, (n) => (n.opType === 'Conv' || n.opType === 'MatMul') && n.domain === '' && !done.has(n));
    },
    check: (site, ctx) => check(site, o, ctx.model.opset('') ?? 0),
    rewrite(site) {
      rewrite(site, o);
      done.add(site.anchor);
    },
    estimate(site, e) {
      const w = site.anchor.inputs[1]?.constant;
      const faster = int8Speedup(site.anchor, e);
      return { flops: 0, traffic: 0, fileBytes: w ? (w.byteLength * 3) / 4 : 0, accuracy: 'approximate', caveat: 'needs calibration inputs (layerlens optimize --quantize int8-static --inputs-from DIR)', ...(faster ? { faster } : {}) };
    },
  };
}
