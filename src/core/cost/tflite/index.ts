// TFLite operators' cost functions (domains `tflite` and `tflite.custom`, see src/core/tflite/format.ts),
// with the definitions of docs/cost-model.md; registered by the cost registry beside the ONNX ones.
import type { CostFn } from '../context';
import { register as conv } from './conv';
import { register as elementwise } from './elementwise';
import { register as matmul } from './matmul';
import { register as reduce } from './reduce';

export function register(reg: Map<string, CostFn>): void {
  for (const r of [conv, matmul, elementwise, reduce]) r(reg);
}
