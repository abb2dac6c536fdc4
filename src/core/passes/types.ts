// The contract of rewrite rules: pattern -> check -> rewrite. A rule lists every place its pattern
// matches; check() passes or fails with a reason a user can read; rewrite() changes the model at one
// site. The same rule feeds quick fixes (when check passes) and hover/diagnostic text (when it fails).
import type { NodeFigures } from '../cost/figures';
import type { Graph, Node } from '../ir/graph';
import type { Model } from '../ir/model';
import type { ShapeInference } from '../shape/types';

export type RuleFamily = 'fuse' | 'quantize' | 'prune' | 'cleanup' | 'decompose';

/** One place a rule's pattern matches: the anchor node (where a fix is offered) and every node involved. */
export interface Site {
  anchor: Node;
  nodes: Node[];
  graph: Graph;
}

/**
 * A passing check may carry a note for the user about how the rewrite will be done (e.g. "weights
 * 'w' are shared with Conv 'b': the folded weights are a copy").
 */
export type CheckResult = { ok: true; note?: string } | { ok: false; reason: string };

export interface RuleContext {
  model: Model;
  /** Shapes inferred for the model as it is before this rewrite. */
  shapes: ShapeInference;
  /**
   * Shapes inferred without the user's bindings: what holds for every input size (constant folding
   * reads this). The engine provides it lazily; a rule may fall back to inferShapes(model).
   */
  shapesWithoutBindings?: ShapeInference;
}

/** How close the rewritten model's outputs must stay to the original's for verification to pass. */
export interface Tolerance {
  /** Largest allowed |a-b| relative to max|a| over each output. */
  maxRelError?: number;
  maxAbsError?: number;
  /** Smallest allowed cosine similarity of each output with the original. */
  minCosine?: number;
  /** Smallest allowed top-1 agreement when the output looks like class scores. */
  minTop1?: number;
}

export interface RewriteRule<S extends Site = Site> {
  /** Stable id, e.g. 'fuse-conv-batchnorm' (used by --only, code actions, docs). */
  id: string;
  title: string;
  family: RuleFamily;
  tolerance: Tolerance;
  /** Every site where the pattern matches, including those check() will refuse. */
  match(ctx: RuleContext): S[];
  check(site: S, ctx: RuleContext): CheckResult;
  /** Apply at one site that passed check(); mutates ctx.model. */
  rewrite(site: S, ctx: RuleContext): void;
  /**
   * What the rule leaves alone by design, in one sentence (e.g. "4 MatMul nodes multiply two computed
   * tensors …: not candidates"), or null. Such nodes are not sites, so never refusals; a pass reports
   * the sentence once (PassResult.notes).
   */
  leftAlone?(ctx: RuleContext): string | null;
  /**
   * What applying at `site` is expected to gain, from the figures of the nodes involved (gain.ts has
   * the helpers; rank.ts ranks fixes by it). `e.at` is the node being looked at, for rules whose one
   * site spans the model (float16 conversion counts that node's share).
   */
  estimate?(site: S, e: EstimateContext): Gain;
}

/** The figures of a node that gain estimates read: part of the analysis' per-node record (cost/figures.ts). */
export type FixFigures = Pick<NodeFigures, 'macs' | 'flops' | 'weightBytes' | 'activationBytes'>;

export interface EstimateContext {
  /** The figures of a node, or undefined when the analysis has none for it. */
  figures(n: Node): FixFigures | undefined;
  /** The context the sites were listed with, when the caller has it (estimates that read shapes). */
  rule?: RuleContext;
  at?: Node;
}

/**
 * What a rewrite is expected to gain at one site, per run of the model. Estimates, not measurements:
 * docs/optimizations.md says how each is derived.
 */
export interface Gain {
  /** FLOPs no longer computed; null when a figure it needs is unknown (unbound symbolic dims). */
  flops: number | null;
  /** Bytes no longer written to memory and read back (intermediate tensors that disappear); null when unknown. */
  traffic: number | null;
  /** Bytes the model file loses (weights removed or stored smaller); negative when it grows. */
  fileBytes: number;
  /** FLOPs that move onto int8 kernels, and the speed-up assumed for them there. */
  faster?: { flops: number | null; factor: number };
  /**
   * Set when ONNX Runtime already does this rewrite itself when it loads the model (its default graph
   * optimizations): what it does. There is then no latency gain with ORT (the src/core/passes
   * ort-at-load test checks each claim against the graph ORT actually runs).
   */
  ortAtLoad?: string;
  /** exact (up to float rounding), approximate (within the rule's tolerance), or changes outputs (pruning: check accuracy). */
  accuracy: 'exact' | 'approximate' | 'changes outputs';
  /** What the user must know with the gain (e.g. "ORT gets no speed from zeros"). */
  caveat?: string;
}

export interface PassResult {
  model: Model;
  modified: boolean;
  applied: { rule: string; anchor: string; note?: string }[];
  refused: { rule: string; anchor: string; reason: string }[];
  /** What the rules left alone by design (RewriteRule.leftAlone on the model as given), once per rule. */
  notes: { rule: string; note: string }[];
  /** What the final clean-up removed: nodes nobody reads, initializers nobody reads. */
  removed?: { nodes: number; initializers: number };
}
