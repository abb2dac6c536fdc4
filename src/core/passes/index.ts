// Rewrite rules and the engine that runs them.
import { constantFold } from './fuse/constant-fold';
import { convAffine } from './fuse/conv-affine';
import { convBatchNorm } from './fuse/conv-batchnorm';
import { eliminateIdentity } from './fuse/identity';
import { fuseGelu, fuseLayerNorm } from './fuse/layernorm-gelu';
import { matmulAddToGemm } from './fuse/matmul-add';
import { padIntoConv } from './fuse/pad-conv';
import { mergeTransposes, transposeIntoGemm } from './fuse/transpose';
import { pruneChannels } from './prune/channel';
import { pruneUnstructured, weightSparsity } from './prune/unstructured';
import { fp16Compute } from './quantize/fp16-compute';
import { fp16Weights } from './quantize/fp16-weights';
import { int8Dynamic } from './quantize/int8-dynamic';
import { int8Static } from './quantize/int8-static';
import { packNBits, weightNBits } from './quantize/weight-nbits';
import type { RewriteRule } from './types';

export { fp16Compute, fp16Weights, int8Dynamic, int8Static, packNBits, pruneChannels, pruneUnstructured, weightNBits, weightSparsity };

export { applyAt, contextFor, listSites, runPass, type SiteCheck } from './engine';
export type * from './types';

/** Every rule without options, by id (quantize and prune rules take options: see the factories). */
export const RULES: readonly RewriteRule[] = [eliminateIdentity, constantFold, convBatchNorm, convAffine, matmulAddToGemm, mergeTransposes, transposeIntoGemm, padIntoConv, fuseLayerNorm, fuseGelu, int8Dynamic(), int8Static({ ranges: new Map() }), fp16Weights(), fp16Compute(), weightNBits({ bits: 4, blockSize: 32, symmetric: true }), weightNBits({ bits: 8, blockSize: 32, symmetric: true }), pruneUnstructured(0.5), pruneChannels(0.5)] as RewriteRule[];

export function rulesOf(family: RewriteRule['family'] | 'fuse-all'): RewriteRule[] {
  return RULES.filter((r) => (family === 'fuse-all' ? r.family === 'fuse' || r.family === 'cleanup' : r.family === family));
}
