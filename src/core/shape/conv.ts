// Convolutions and pooling: output spatial size from kernel, strides, dilations, pads and auto_pad.
import { DataType } from '../ir/data-type';
import type { Dim } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';
import { windowOut } from './dims';

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
  autoPad: string;
  ceil: boolean;
}

function windowAttrs(ctx: OpContext, spatial: number, kernel: number[]): Window {
  const n = ctx.node;
  return {
    kernel,
    strides: n.attrInts('strides') ?? new Array(spatial).fill(1),
    dilations: n.attrInts('dilations') ?? new Array(spatial).fill(1),
    pads: n.attrInts('pads') ?? new Array(spatial * 2).fill(0),
    autoPad: n.attrString('auto_pad', 'NOTSET'),
    ceil: n.attrInt('ceil_mode', 0) === 1,
  };
}

function spatialOut(inp: readonly Dim[], w: Window): Dim[] {
  const k = inp.length;
  return inp.map((d, i) => {
    const stride = w.strides[i] ?? 1;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') {
      return typeof d === 'number' ? Math.ceil(d / stride) : null;
    }
    if (w.autoPad === 'VALID') {
      return windowOut(d, w.kernel[i]!, stride, w.dilations[i] ?? 1, 0, 0, w.ceil);
    }
    return windowOut(d, w.kernel[i]!, stride, w.dilations[i] ?? 1, w.pads[i] ?? 0, w.pads[i + k] ?? 0, w.ceil);
  });
}

/** Conv-like: data at `x`, weights at `w` ([Cout, Cin/group, k...]). */
function conv(x: number, w: number, outType?: DataType): ShapeFn {
  return (ctx) => {
    const xs = ctx.shape(x);
    const ws = ctx.shape(w);
    const elem = outType ?? ctx.elemType(x);
    if (!xs) return ctx.tensorOut(0, elem, null);
    const spatial = xs.length - 2;
    const kernel = ctx.node.attrInts('kernel_shape') ?? (ws ? ws.slice(2).map((d) => (typeof d === 'number' ? d : NaN)) : []);
    if (kernel.length !== spatial || kernel.some(Number.isNaN)) {
      return ctx.tensorOut(0, elem, [xs[0]!, ws?.[0] ?? ctx.fresh(), ...new Array(spatial).fill(null).map(() => ctx.fresh())]);
    }
    const group = ctx.node.attrInt('group', 1);
    const cin = xs[1];
    const wcin = ws?.[1];
    if (typeof cin === 'number' && typeof wcin === 'number' && cin !== wcin * group) {
      ctx.error(`input has ${cin} channels but the weights expect ${wcin} x group ${group} = ${wcin * group}`);
    }
    const out = spatialOut(xs.slice(2), windowAttrs(ctx, spatial, kernel)).map((d) => d ?? ctx.fresh());
    ctx.tensorOut(0, elem, [xs[0]!, ws?.[0] ?? ctx.fresh(), ...out]);
  };
}

function convTranspose(ctx: OpContext): void {
  const xs = ctx.shape(0);
  const ws = ctx.shape(1);
  const elem = ctx.elemType(0);
  if (!xs || !ws) return ctx.tensorOut(0, elem, null);
  const spatial = xs.length - 2;
  const group = ctx.node.attrInt('group', 1);
  const cout = typeof ws[1] === 'number' ? ws[1] * group : ctx.fresh();
  const outputShape = ctx.node.attrInts('output_shape');
  if (outputShape) {
    const sp = outputShape.length === spatial ? outputShape : outputShape.slice(2);
    return ctx.tensorOut(0, elem, [xs[0]!, cout, ...sp]);
  }
  const kernel = ctx.node.attrInts('kernel_shape') ?? ws.slice(2).map((d) => (typeof d === 'number' ? d : NaN));
  const strides = ctx.node.attrInts('strides') ?? new Array(spatial).fill(1);
  const dil = ctx.node.attrInts('dilations') ?? new Array(spatial).fill(1);
  const outPad = ctx.node.attrInts('output_padding') ?? new Array(spatial).fill(0);
  const pads = ctx.node.attrInts('pads') ?? new Array(spatial * 2).fill(0);
  const autoPad = ctx.node.attrString('auto_pad', 'NOTSET');
  const out = xs.slice(2).map((d, i) => {
    if (typeof d !== 'number' || Number.isNaN(kernel[i])) return ctx.fresh();
    const s = strides[i]!;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return d * s;
    const full = s * (d - 1) + outPad[i]! + (kernel[i]! - 1) * dil[i]! + 1;
    return autoPad === 'VALID' ? full : full - pads[i]! - pads[i + spatial]!;
  });
  ctx.tensorOut(0, elem, [xs[0]!, cout, ...out]);
}

function pool(ctx: OpContext): void {
  const xs = ctx.shape(0);
  const elem = ctx.elemType(0);
  if (!xs) return ctx.tensorOut(0, elem, null);
  const kernel = ctx.node.attrInts('kernel_shape') ?? [];
  const spatial = xs.length - 2;
  if (kernel.length !== spatial) {
    ctx.error(`kernel_shape has ${kernel.length} dims for ${spatial} spatial dims`);
    return ctx.tensorOut(0, elem, null);
  }
  const out = spatialOut(xs.slice(2), windowAttrs(ctx, spatial, kernel)).map((d) => d ?? ctx.fresh());
  const shape = [xs[0]!, xs[1]!, ...out];
  ctx.tensorOut(0, elem, shape);
  ctx.tensorOut(1, DataType.INT64, shape); // MaxPool indices
}

function globalPool(ctx: OpContext): void {
  const xs = ctx.shape(0);
  ctx.tensorOut(0, ctx.elemType(0), xs ? [xs[0]!, xs[1]!, ...xs.slice(2).map(() => 1)] : null);
}

function maxUnpool(ctx: OpContext): void {
  const xs = ctx.shape(0);
  const outShape = ctx.constValues(2);
  if (outShape) return ctx.tensorOut(0, ctx.elemType(0), outShape);
  if (ctx.has(2)) return ctx.tensorOut(0, ctx.elemType(0), xs ? xs.map(() => ctx.fresh()) : null);
  if (!xs) return ctx.tensorOut(0, ctx.elemType(0), null);
  const kernel = ctx.node.attrInts('kernel_shape') ?? [];
  const strides = ctx.node.attrInts('strides') ?? kernel.map(() => 1);
  const pads = ctx.node.attrInts('pads') ?? new Array(kernel.length * 2).fill(0);
  const k = kernel.length;
  const sp = xs.slice(2).map((d, i) =>
    typeof d === 'number' ? (d - 1) * strides[i]! - pads[i]! - pads[i + k]! + kernel[i]! : ctx.fresh(),
  );
  ctx.tensorOut(0, ctx.elemType(0), [xs[0]!, xs[1]!, ...sp]);
}

function roiPool(ctx: OpContext): void {
  const xs = ctx.shape(0);
  const rois = ctx.shape(1);
  const h = ctx.node.attrInt('output_height', 1);
  const w = ctx.node.attrInt('output_width', 1);
  const pooled = ctx.node.attrInts('pooled_shape');
  ctx.tensorOut(0, ctx.elemType(0), [rois?.[0] ?? ctx.fresh(), xs?.[1] ?? ctx.fresh(), ...(pooled ?? [h, w])]);
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('Conv', conv(0, 1));
  reg.set('com.microsoft:FusedConv', conv(0, 1));
  reg.set('com.microsoft:NhwcConv', conv(0, 1));
  reg.set('ConvInteger', conv(0, 1, DataType.INT32));
  reg.set('QLinearConv', (ctx) => conv(0, 3, ctx.elemType(7) || ctx.elemType(0))(ctx));
  reg.set('ConvTranspose', convTranspose);
  reg.set('MaxPool', pool);
  reg.set('AveragePool', pool);
  reg.set('LpPool', pool);
  reg.set('GlobalAveragePool', globalPool);
  reg.set('GlobalMaxPool', globalPool);
  reg.set('GlobalLpPool', globalPool);
  reg.set('MaxUnpool', maxUnpool);
  reg.set('MaxRoiPool', roiPool);
  reg.set('RoiAlign', roiPool);
}
