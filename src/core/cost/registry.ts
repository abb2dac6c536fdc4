// Cost-function registry, one register() per op family file. Key: `OpType` for the ONNX domain,
// `domain:OpType` for others (see opKey). An op missing here is reported as unknown, never as 0.
import { type CostFn, opKey } from './context';
import { register as attention } from './attention';
import { register as conv } from './conv';
import { register as elementwise } from './elementwise';
import { register as matmul } from './matmul';
import { register as recurrent } from './recurrent';
import { register as reduce } from './reduce';
import { register as tflite } from './tflite';

export const COST_FUNCTIONS = new Map<string, CostFn>();
for (const register of [elementwise, reduce, conv, matmul, attention, recurrent, tflite]) register(COST_FUNCTIONS);

/** The cost function of an op, by registry key (opKey) or by domain and op type. */
export function costFunction(keyOrDomain: string, opType?: string): CostFn | undefined {
  return COST_FUNCTIONS.get(opType === undefined ? keyOrDomain : opKey(keyOrDomain, opType));
}
