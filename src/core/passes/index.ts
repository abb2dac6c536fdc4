// Rewrite rules and the engine that runs them. Every rule is in the registry (registry.ts) under its
// id; rules that take options (quantize, prune) are registered as factories. Registration order is
// the order a fix-all pass tries them in: clean-ups that expose patterns first, dead code last.
import { constantFold } from './fuse/constant-fold';
import { convAffine } from './fuse/conv-affine';
import { convBatchNorm } from './fuse/conv-batchnorm';
import { removeDeadNodes } from './fuse/dead-code';
import { eliminateIdentity } from './fuse/identity';
import { fuseGelu, fuseLayerNorm } from './fuse/layernorm-gelu';
import { matmulAddToGemm } from './fuse/matmul-add';
import { padIntoConv } from './fuse/pad-conv';
import { mergeTransposes, transposeIntoGemm } from './fuse/transpose';
import { pruneChannels } from './prune/channel';
import { pruneUnstructured, weightSparsity, type PruneScope } from './prune/unstructured';
import { fp16Compute } from './quantize/fp16-compute';
import { fp16Weights } from './quantize/fp16-weights';
import { int8Dynamic } from './quantize/int8-dynamic';
import { int8Static, type StaticOptions } from './quantize/int8-static';
import { packNBits, weightNBits, type NBitsOptions } from './quantize/weight-nbits';
import { registerRule, registerRuleFactory } from './registry';
import type { RewriteRule } from './types';

export { fp16Compute, fp16Weights, int8Dynamic, int8Static, packNBits, pruneChannels, pruneUnstructured, weightNBits, weightSparsity };

export { applyAt, contextFor, LazyContext, listSites, runPass, type PassOptions, type SiteCheck } from './engine';
export { createRule, isRegistered, registerRule, registerRuleFactory, registeredRules, rulesOf, UnknownRuleError, unregisterRule, type RegisteredRule } from './registry';
export type * from './types';

for (const r of [eliminateIdentity, constantFold, convBatchNorm, convAffine, matmulAddToGemm, mergeTransposes, transposeIntoGemm, padIntoConv, fuseLayerNorm, fuseGelu, removeDeadNodes] as RewriteRule[]) {
  registerRule(r);
}

/** Options of the quantize/prune factories, by rule id (what createRule(id, options) takes). */
export interface RuleOptionsById {
  'quantize-int8-dynamic': undefined;
  'quantize-int8-static': StaticOptions;
  'quantize-int4-weight': Omit<NBitsOptions, 'bits'>;
  'quantize-int8-weight': Omit<NBitsOptions, 'bits'>;
  'quantize-fp16': undefined;
  'quantize-fp16-compute': undefined;
  'prune-unstructured': { ratio: number } & Partial<PruneScope>;
  'prune-channel': { ratio: number; norm?: 'l1' | 'l2' };
}

registerRuleFactory('quantize-int8-dynamic', 'quantize', 'Dynamic int8 quantization of MatMul/Gemm weights', () => int8Dynamic());
registerRuleFactory('quantize-int8-static', 'quantize', 'Static int8 QDQ quantization with calibrated ranges', (o: StaticOptions) => int8Static(o));
registerRuleFactory('quantize-int4-weight', 'quantize', 'Weight-only blockwise int4 (MatMulNBits)', (o: Omit<NBitsOptions, 'bits'>) => weightNBits({ ...o, bits: 4 }));
registerRuleFactory('quantize-int8-weight', 'quantize', 'Weight-only blockwise int8 (MatMulNBits)', (o: Omit<NBitsOptions, 'bits'>) => weightNBits({ ...o, bits: 8 }));
registerRuleFactory('quantize-fp16', 'quantize', 'Float16 weight storage', () => fp16Weights());
registerRuleFactory('quantize-fp16-compute', 'quantize', 'Float16 model with a float interface', () => fp16Compute());
registerRuleFactory('prune-unstructured', 'prune', 'Magnitude pruning (zeros)', (o: { ratio: number } & Partial<PruneScope>) => pruneUnstructured(o.ratio, { scope: o.scope ?? 'layer' }));
registerRuleFactory('prune-channel', 'prune', 'Structured channel pruning', (o: { ratio: number; norm?: 'l1' | 'l2' }) => pruneChannels(o.ratio, o.norm ?? 'l1'));

/** Every rule, with default options for those that take them (for lookups by id: tolerance, title). */
export const RULES: readonly RewriteRule[] = [eliminateIdentity, constantFold, convBatchNorm, convAffine, matmulAddToGemm, mergeTransposes, transposeIntoGemm, padIntoConv, fuseLayerNorm, fuseGelu, removeDeadNodes, int8Dynamic(), int8Static({ ranges: new Map() }), fp16Weights(), fp16Compute(), weightNBits({ bits: 4, blockSize: 32, symmetric: true }), weightNBits({ bits: 8, blockSize: 32, symmetric: true }), pruneUnstructured(0.5), pruneChannels(0.5)] as RewriteRule[];
