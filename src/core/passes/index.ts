// Rewrite rules and the engine that runs them.
import { convBatchNorm } from './fuse/conv-batchnorm';
import { eliminateIdentity } from './fuse/identity';
import { matmulAddToGemm } from './fuse/matmul-add';
import type { RewriteRule } from './types';

export { applyAt, contextFor, listSites, runPass, type SiteCheck } from './engine';
export type * from './types';

/** Every registered rule, by id. Families: fuse, cleanup (quantize and prune: not yet). */
export const RULES: readonly RewriteRule[] = [eliminateIdentity, convBatchNorm, matmulAddToGemm] as RewriteRule[];

export function rulesOf(family: RewriteRule['family'] | 'fuse-all'): RewriteRule[] {
  return RULES.filter((r) => (family === 'fuse-all' ? r.family === 'fuse' || r.family === 'cleanup' : r.family === family));
}
