// The compression methods that sensitivity analysis and budget searches work with, each as a set of
// layers it can compress and a way to compress any subset of them:
//   int8         quantize-int8-dynamic: MatMul/Gemm weights, Gather tables (a layer = one such node)
//   int8-static  quantize-int8-static: Conv/MatMul in QDQ with calibrated ranges
//   int4         quantize-int4-weight: MatMul weights in MatMulNBits blocks
//   fp16         quantize-fp16-compute with every other node kept in float (a layer = a node with
//                float weights: its weights are stored and its product computed in float16, Casts
//                at its borders; ops without weights stay float, so an empty choice has no error)
//   low-rank     decompose-low-rank at a rank, an energy, or a rank chosen per layer
// compress(model, layers, scope) changes only those layers. 'isolated' (one layer: what sensitivity
// measures) and 'combined' (a budget search's proposal) are the same today; the scope is kept so that
// a method may convert the ops between chosen layers too (float16 glue) when it pays.
import type { NodeCost } from '../cost/types';
import type { FigureTotals } from '../cost/figures';
import type { Node } from '../ir/graph';
import type { Model } from '../ir/model';
import { contextFor, listSites, runPass } from '../passes/engine';
import { lowRank, type LowRankOptions } from '../passes/compress/low-rank';
import { shares } from '../passes/rank';
import { fp16Compute, precisionSensitive } from '../passes/quantize/fp16-compute';
import { int8Dynamic } from '../passes/quantize/int8-dynamic';
import { int8Static, type Range } from '../passes/quantize/int8-static';
import { weightNBits } from '../passes/quantize/weight-nbits';
import type { EstimateContext, Gain, PassResult, RewriteRule } from '../passes/types';
import type { Bindings } from '../shape/types';
import { DataType } from '../ir/data-type';

export type CompressKind = 'int8' | 'int8-static' | 'int4' | 'fp16' | 'low-rank';
export const COMPRESS_KINDS: readonly CompressKind[] = ['int8', 'int8-static', 'int4', 'fp16', 'low-rank'];

export interface MethodOptions {
  /** int8-static: calibrated activation ranges (node/calibrate.ts). */
  ranges?: Map<string, Range>;
  /** int4: block size and symmetry of MatMulNBits (default 32, symmetric). */
  blockSize?: number;
  symmetric?: boolean;
  /** low-rank: the rank, energy or per-layer ranks. */
  lowRank?: LowRankOptions;
}

/** A layer the method could compress, with its check and its expected gain. */
export interface CandidateLayer {
  node: Node;
  name: string;
  opType: string;
  /** False with the reason when the rule refuses it (then it is never compressed). */
  ok: boolean;
  reason?: string;
  /** Bytes of the constant weights the layer reads (the cost model's weightBytes). */
  sizeBytes: number;
  /** Expected gain when compressed, as shares of the model (passes/rank.ts): file size and time. */
  gain: { size: number; time: number };
  /** The rule's note when it passes (e.g. the rank chosen). */
  note?: string;
}

export interface CompressMethod {
  kind: CompressKind;
  ruleId: string;
  /** Every layer the method matches, passing or refused. */
  layers(model: Model, cost: { nodes: readonly NodeCost[]; totals: FigureTotals }, bindings?: Bindings): CandidateLayer[];
  /** Compresses `names` in `model` (mutated); see the header for the two scopes. */
  compress(model: Model, names: readonly string[], scope: 'isolated' | 'combined', bindings?: Bindings): PassResult;
}

function ruleFor(kind: CompressKind, o: MethodOptions): RewriteRule {
  switch (kind) {
    case 'int8':
      return int8Dynamic();
    case 'int8-static':
      return int8Static({ ranges: o.ranges ?? new Map() });
    case 'int4':
      return weightNBits({ bits: 4, blockSize: o.blockSize ?? 32, symmetric: o.symmetric ?? true });
    case 'fp16':
      return fp16Compute();
    case 'low-rank':
      return lowRank(o.lowRank ?? {});
  }
}

/** Nodes with float weights that the float16 conversion would convert: fp16's layers. */
function fp16Layer(n: Node): boolean {
  if (n.opType === 'Constant' || precisionSensitive(n.opType) || n.domain !== '') return false;
  return n.inputs.some((v) => {
    const t = v?.constant;
    return !!t && t.dataType === DataType.FLOAT && t.elementCount >= 16;
  });
}

function estimateContext(cost: { nodes: readonly NodeCost[] }): EstimateContext {
  const by = new Map(cost.nodes.map((c) => [c.node, c]));
  return { figures: (n) => by.get(n) };
}

export function compressMethod(kind: CompressKind, o: MethodOptions = {}): CompressMethod {
  const rule = (): RewriteRule => ruleFor(kind, o);
  return {
    kind,
    ruleId: rule().id,
    layers(model, cost, bindings = {}) {
      const e = estimateContext(cost);
      const weights = new Map(cost.nodes.map((c) => [c.node, c.weightBytes]));
      const gainOf = (g: Gain): CandidateLayer['gain'] => {
        const s = shares(g, cost.totals);
        return { size: s.size, time: s.time };
      };
      const ctx = contextFor(model, bindings);
      if (kind === 'fp16') {
        const whole = listSites([rule()], ctx)[0];
        return model.graph.nodes.filter(fp16Layer).map((n) => {
          const size = weights.get(n) ?? 0;
          const refused = whole && !whole.check.ok ? whole.check.reason : undefined;
          return { node: n, name: n.displayName, opType: n.opType, ok: !refused, ...(refused ? { reason: refused } : {}), sizeBytes: size, gain: { size: cost.totals.weightBytes ? size / 2 / cost.totals.weightBytes : 0, time: 0 } };
        });
      }
      const r = rule();
      return listSites([r], ctx).map(({ site, check }) => {
        const n = site.anchor;
        const base = { node: n, name: n.displayName, opType: n.opType, sizeBytes: weights.get(n) ?? 0 };
        if (!check.ok) return { ...base, ok: false, reason: check.reason, gain: { size: 0, time: 0 } };
        return { ...base, ok: true, gain: r.estimate ? gainOf(r.estimate(site, { ...e, rule: ctx })) : { size: 0, time: 0 }, ...(check.note ? { note: check.note } : {}) };
      });
    },
    compress(model, names, _scope, bindings = {}) {
      if (kind === 'fp16') {
        const chosen = new Set(names);
        return runPass(model, [fp16Compute({ keepFloat: (n: Node) => !chosen.has(n.displayName) })], { bindings });
      }
      return runPass(model, [rule()], { bindings, only: [...names] });
    },
  };
}
