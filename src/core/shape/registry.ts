// The shape-function registry: key `OpType` for the ONNX domain, `domain:OpType` for others.
import type { ShapeFn } from './context';
import { register as controlFlow } from './control-flow';
import { register as conv } from './conv';
import { register as dataDependent } from './data-dependent';
import { register as elementwise } from './elementwise';
import { register as indexing } from './indexing';
import { register as matmul } from './matmul';
import { register as microsoft } from './microsoft';
import { register as normalization } from './normalization';
import { register as quantization } from './quantization';
import { register as recurrent } from './recurrent';
import { register as reduce } from './reduce';
import { register as reshape } from './reshape';
import { register as resize } from './resize';
import { register as shapeOps } from './shape-ops';

export const SHAPE_FUNCTIONS = new Map<string, ShapeFn>();
for (const r of [
  elementwise, conv, matmul, reduce, reshape, indexing, resize, shapeOps, dataDependent,
  normalization, recurrent, quantization, microsoft, controlFlow,
]) {
  r(SHAPE_FUNCTIONS);
}

export function opKey(domain: string, opType: string): string {
  return domain === '' || domain === 'ai.onnx' ? opType : `${domain}:${opType}`;
}

/** ORT's optimizer and some exporters put standard ops in com.microsoft too; fall back to the ONNX one. */
export function shapeFunction(domain: string, opType: string): ShapeFn | undefined {
  return SHAPE_FUNCTIONS.get(opKey(domain, opType)) ?? (domain === 'com.microsoft' ? SHAPE_FUNCTIONS.get(opType) : undefined);
}
