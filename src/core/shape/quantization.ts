// Quantization ops: QuantizeLinear gives the zero point's type (uint8 by default), DequantizeLinear
// the scale's; DynamicQuantizeLinear also returns a scalar scale and zero point.
import { DataType } from '../ir/data-type';
import type { OpContext, ShapeFn } from './context';

function quantize(ctx: OpContext): void {
  const attr = ctx.node.attrInt('output_dtype', 0);
  const elem = ctx.has(2) ? ctx.elemType(2) : attr ? (attr as DataType) : DataType.UINT8;
  ctx.tensorOut(0, elem, ctx.shape(0));
}

function dequantize(ctx: OpContext): void {
  ctx.tensorOut(0, ctx.elemType(1) || DataType.FLOAT, ctx.shape(0));
}

function dynamicQuantize(ctx: OpContext): void {
  ctx.tensorOut(0, DataType.UINT8, ctx.shape(0));
  ctx.tensorOut(1, DataType.FLOAT, []);
  ctx.tensorOut(2, DataType.UINT8, []);
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('QuantizeLinear', quantize);
  reg.set('com.microsoft:QuantizeLinear', quantize);
  reg.set('DequantizeLinear', dequantize);
  reg.set('com.microsoft:DequantizeLinear', dequantize);
  reg.set('DynamicQuantizeLinear', dynamicQuantize);
}
