// Cost-function registry: key `OpType` for the ONNX domain, `domain:OpType` for others.
import type { CostFn } from './context';
import { register as elementwise } from './elementwise';
import { register as products } from './products';

export const COST_FUNCTIONS = new Map<string, CostFn>();
elementwise(COST_FUNCTIONS);
products(COST_FUNCTIONS);

export function costFunction(domain: string, opType: string): CostFn | undefined {
  const key = domain === '' || domain === 'ai.onnx' ? opType : `${domain}:${opType}`;
  return COST_FUNCTIONS.get(key) ?? (domain === 'com.microsoft' ? COST_FUNCTIONS.get(opType) : undefined);
}
