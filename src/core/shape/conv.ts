// Convolutions and pooling: output spatial size from kernel, strides, dilations, pads and auto_pad.
// A kernel, stride, dilation or group below 1 is an error naming the node (ORT refuses the model),
// and so is a window larger than the padded input; the spatial dims are then unknown.
import { DataType } from '../ir/data-type';
import type { Dim } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';

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

/** Output size of a sliding window along one axis; null when the input is symbolic. */
function windowOut(inp: Dim, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number, ceil: boolean): Dim {
  if (typeof inp !== 'number') return null;
  const eff = (kernel - 1) * dilation + 1;
  const span = inp + padBegin + padEnd - eff;
  const out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // With ceil mode the last window must start inside the (left-padded) input.
  if (ceil && (out - 1) * stride >= inp + padBegin) return out - 1;
  return out;
}

/** What is wrong with a window's attributes (ORT refuses them), or null. */
function windowProblem(w: Window, spatial: number): string | null {
  if (w.kernel.length !== spatial || w.strides.length !== spatial || w.dilations.length !== spatial || w.pads.length !== 2 * spatial) {
    return `kernel [${w.kernel.join(',')}], strides [${w.strides.join(',')}], dilations [${w.dilations.join(',')}] and pads [${w.pads.join(',')}] do not fit ${spatial} spatial dims`;
  }
  return positive('kernel_shape', w.kernel) ?? positive('strides', w.strides) ?? positive('dilations', w.dilations) ??
    (w.pads.every(Number.isSafeInteger) ? null : `pads [${w.pads.join(',')}]: pads must be whole numbers below 2^53`);
}

function positive(name: string, list: readonly number[]): string | null {
  return list.every((v) => Number.isSafeInteger(v) && v >= 1) ? null : `${name} [${list.join(',')}]: every value must be a whole number >= 1`;
}

/** Spatial output dims, or fresh symbols with an error when the attributes or the window cannot hold. */
function spatialChecked(ctx: OpContext, inp: readonly Dim[], w: Window): Dim[] {
  const problem = windowProblem(w, inp.length);
  if (problem) {
    ctx.error(problem);
    return inp.map(() => ctx.fresh());
  }
  return spatialOut(inp, w).map((d, i) => {
    if (typeof d !== 'number') return ctx.fresh();
    if (d < 1) {
      ctx.error(`spatial dim ${i}: the window (kernel ${w.kernel[i]}, dilation ${w.dilations[i]}) does not fit the padded input (${inp[i]} + pads ${w.pads[i]} and ${w.pads[i + inp.length]})`);
      return ctx.fresh();
    }
    return d;
  });
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
    if (!(Number.isSafeInteger(group) && group >= 1)) {
      ctx.error(`group ${group}: it must be >= 1`);
    } else if (typeof cin === 'number' && typeof wcin === 'number' && cin !== wcin * group) {
      ctx.error(`input has ${cin} channels but the weights expect ${wcin} x group ${group} = ${wcin * group}`);
    }
    const out = spatialChecked(ctx, xs.slice(2), windowAttrs(ctx, spatial, kernel));
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
  const problem = positive('strides', strides) ?? positive('dilations', dil) ?? (kernel.some((k) => !Number.isNaN(k)) ? positive('kernel_shape', kernel) : null);
  if (problem) {
    ctx.error(problem);
    return ctx.tensorOut(0, elem, [xs[0]!, cout, ...xs.slice(2).map(() => ctx.fresh())]);
  }
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
  const out = spatialChecked(ctx, xs.slice(2), windowAttrs(ctx, spatial, kernel));
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
