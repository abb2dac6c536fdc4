// Rewrite rules and the engine that runs them. Every rule is listed once below and registered in the
// registry (registry.ts) under its id; rules that take options (quantize, prune) are registered as
// factories with the default options RULES builds them with. Registration order is the order a
// fix-all pass tries them in: clean-ups that expose patterns first, dead code last.
// To add a rule: write `<family>/<rule>.ts` (+ `<rule>.test.ts` beside it) and list it here.
import { constantFold } from './cleanup/constant-fold';
import { lowRank, type LowRankOptions } from './compress/low-rank';
import { removeDeadNodes } from './cleanup/dead-code';
import { eliminateIdentity } from './cleanup/identity';
import { convAffine } from './fuse/conv-affine';
import { convBatchNorm } from './fuse/conv-batchnorm';
import { fuseGelu } from './fuse/gelu';
import { fuseLayerNorm } from './fuse/layernorm';
import { matmulAddToGemm } from './fuse/matmul-add';
import { padIntoConv } from './fuse/pad-conv';
import { transposeIntoGemm } from './fuse/transpose-gemm';
import { mergeTransposes } from './fuse/transpose-pair';
import { pruneChannels } from './prune/channel';
import { pruneUnstructured, weightSparsity, type PruneScope } from './prune/unstructured';
import { fp16Compute } from './quantize/fp16-compute';
import { fp16Weights } from './quantize/fp16-weights';
import { int8Dynamic } from './quantize/int8-dynamic';
import { int8Static, type StaticOptions } from './quantize/int8-static';
import { packNBits, weightNBits, type NBitsOptions } from './quantize/weight-nbits';
import { registerRule, registerRuleFactory } from './registry';
import type { RewriteRule, RuleFamily } from './types';

export { fp16Compute, fp16Weights, int8Dynamic, int8Static, lowRank, packNBits, pruneChannels, pruneUnstructured, weightNBits, weightSparsity };

export { applyAt, contextFor, LazyContext, listSites, runPass, type PassOptions, type SiteCheck } from './engine';
export { createRule, isRegistered, registerRule, registerRuleFactory, registeredRules, rulesOf, UnknownRuleError, unregisterRule, type RegisteredRule } from './registry';
export { rankFixes, type RankedFix, type RankedFixes, type RankOptions } from './rank';
export type * from './types';

/** The exact rewrites (no options), in the order a fix-all pass tries them. */
const EXACT: readonly RewriteRule[] = [eliminateIdentity, constantFold, convBatchNorm, convAffine, matmulAddToGemm, mergeTransposes, transposeIntoGemm, padIntoConv, fuseLayerNorm, fuseGelu, removeDeadNodes] as RewriteRule[];

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
  'decompose-low-rank': LowRankOptions;
}

interface Factory {
  id: string;
  family: RuleFamily;
  title: string;
  create(options: unknown): RewriteRule;
  /** The options RULES builds it with (for lookups by id: tolerance, title, hovers). */
  defaults: unknown;
}

function factory<K extends keyof RuleOptionsById>(id: K, family: RuleFamily, title: string, create: (o: RuleOptionsById[K]) => RewriteRule, defaults: RuleOptionsById[K]): Factory {
  return { id, family, title, create: create as (o: unknown) => RewriteRule, defaults };
}

const blocks32 = { blockSize: 32, symmetric: true };
const FACTORIES: readonly Factory[] = [
  factory('quantize-int8-dynamic', 'quantize', 'Dynamic int8 quantization of MatMul/Gemm weights and Gather tables', () => int8Dynamic(), undefined),
  factory('quantize-int8-static', 'quantize', 'Static int8 QDQ quantization with calibrated ranges', (o) => int8Static(o), { ranges: new Map() }),
  factory('quantize-int4-weight', 'quantize', 'Weight-only blockwise int4 (MatMulNBits)', (o) => weightNBits({ ...o, bits: 4 }), blocks32),
  factory('quantize-int8-weight', 'quantize', 'Weight-only blockwise int8 (MatMulNBits)', (o) => weightNBits({ ...o, bits: 8 }), blocks32),
  factory('quantize-fp16', 'quantize', 'Float16 weight storage', () => fp16Weights(), undefined),
  factory('quantize-fp16-compute', 'quantize', 'Float16 model with a float interface', () => fp16Compute(), undefined),
  factory('prune-unstructured', 'prune', 'Magnitude pruning (zeros)', (o) => pruneUnstructured(o.ratio, { scope: o.scope ?? 'layer' }), { ratio: 0.5 }),
  factory('prune-channel', 'prune', 'Structured channel pruning', (o) => pruneChannels(o.ratio, o.norm ?? 'l1'), { ratio: 0.5 }),
  factory('decompose-low-rank', 'decompose', 'Low-rank factorization of MatMul/Gemm/Conv weights (SVD)', (o) => lowRank(o), { energy: 0.95 }),
];

for (const r of EXACT) registerRule(r);
for (const f of FACTORIES) registerRuleFactory(f.id, f.family, f.title, f.create);

/** Every rule, with default options for those that take them (for lookups by id: tolerance, title). */
export const RULES: readonly RewriteRule[] = [...EXACT, ...FACTORIES.map((f) => f.create(f.defaults))];

/**
 * The rules the editor checks at every node (hovers, diagnostics, node details, fix lists). Low-rank
 * factorization is left out: its check takes an SVD of each weight (seconds for a 512×512 matrix), so
 * it runs as a whole-model action with a preview ("Quantize within an Error Budget…", `layerlens
 * optimize --decompose…`), not on every hover.
 */
export const NODE_RULES: readonly RewriteRule[] = RULES.filter((r) => r.family !== 'decompose');
