// Budgets: limits a team sets on a model's figures (MACs, weights, peak activation memory, latency…),
// absolute or as a regression against a baseline model, for the whole model or for every node. The
// budget file's reference is docs/budgets.md; its JSON Schema is schema.ts (written to
// schemas/budget.schema.json). This file holds the types every surface shares: the normalized
// budget, the figures a model is judged on, the latency source, and the verdicts.
import type { Bindings } from '../shape/types';

/** Figures a whole model has. */
export type ModelMetric = 'macs' | 'flops' | 'params' | 'weightBytes' | 'fileBytes' | 'peakActivationBytes' | 'latencyMs';
/** Figures every node has. */
export type NodeMetric = 'macs' | 'flops' | 'params' | 'weightBytes' | 'activationBytes' | 'latencyMs';
export type Metric = ModelMetric | NodeMetric;

/** A model-level limit: an absolute maximum and/or a largest increase over the baseline, in percent. */
export interface ModelLimit {
  max?: number;
  maxIncreasePercent?: number;
}

/** A node-level limit: an absolute maximum per node and/or a largest share of the model's total, in percent. */
export interface NodeLimit {
  max?: number;
  maxSharePercent?: number;
}

/** How latency is measured when a latency budget applies (the settings of `layerlens profile`). */
export interface LatencySettings {
  runs?: number;
  warmup?: number;
  threads?: number;
  mode?: 'deployed' | 'per-node';
}

/** One entry of the budget file's `models`, normalized (limits in plain numbers of the metric's unit). */
export interface BudgetTarget {
  /** Position in the file, for messages: `models[2]`. */
  where: string;
  /** Display name (the entry's `name`, else its globs). */
  name: string;
  /** Globs relative to the budget file's folder (posix separators). */
  files: string[];
  bindings: Bindings;
  /** Baseline model, relative to the budget file's folder, for increase limits. */
  baseline?: string;
  model: Partial<Record<ModelMetric, ModelLimit>>;
  nodes: Partial<Record<NodeMetric, NodeLimit>>;
  latency: LatencySettings;
}

export interface BudgetFile {
  /** Path of the file as given (or found). */
  path: string;
  /** Whether a figure that cannot be verified (unknown or a lower bound within the limit) fails the check. */
  onUnknown: 'error' | 'warning';
  targets: BudgetTarget[];
}

/** A figure and how sure it is: null is unknown; a lower bound means the true value is at least `value`. */
export interface Figure {
  value: number | null;
  lowerBound: boolean;
  /** Why the figure is unknown or a lower bound. */
  why?: string;
}

export interface NodeFigures {
  /** Display name. */
  name: string;
  /** '' for the main graph, `If_3/then_branch` inside a body. */
  graph: string;
  opType: string;
  /** Times the node's figures enter the model totals (0 in an If branch not counted). */
  runs: number;
  macs: number | null;
  flops: number | null;
  params: number;
  weightBytes: number;
  activationBytes: number | null;
  /** Measured, when a latency source ran. */
  latencyMs?: number | null;
}

/** Everything a model is judged on. */
export interface ModelFigures {
  macs: Figure;
  flops: Figure;
  params: Figure;
  weightBytes: Figure;
  fileBytes: Figure;
  peakActivationBytes: Figure;
  /** Present when a latency source ran. */
  latencyMs?: Figure;
  nodes: NodeFigures[];
}

/** Latency of one model, wherever it comes from. */
export interface LatencyMeasurement {
  /** Where the figures come from, in words ("measured here: onnxruntime-node 1.30, deployed, 20 runs"). */
  source: string;
  totalMs: number;
  /** Per node: `graph/name` key (as in NodeFigures) -> milliseconds. */
  nodes: Map<string, number>;
}

/**
 * Where latency figures come from. Measured on this machine (src/node/budgets/measured-latency.ts)
 * is the one implemented; a prediction on a device profile (issue #14) plugs in here.
 */
export interface LatencySource {
  readonly name: string;
  measure(modelPath: string, bindings: Bindings, settings: LatencySettings): Promise<LatencyMeasurement>;
}

export type CheckStatus = 'pass' | 'fail' | 'unknown';

/** One verdict: a limit applied to a model or to one node. */
export interface Check {
  /** Stable id of the rule (SARIF ruleId): `model-macs`, `model-macs-increase`, `node-latencyMs-share`… */
  ruleId: string;
  scope: 'model' | 'node';
  metric: Metric;
  kind: 'max' | 'increase' | 'share';
  /** The limit: in the metric's unit for 'max', in percent for 'increase' and 'share'. */
  limit: number;
  status: CheckStatus;
  /** The figure judged (model total or node figure); null when unknown. */
  actual: number | null;
  lowerBound: boolean;
  /** For 'increase': the baseline's figure and the change in percent. */
  baseline?: number | null;
  increasePercent?: number | null;
  /** For 'share': the node's share of the model's total, percent. */
  sharePercent?: number | null;
  /** The node, for node checks that name one (a pass over every node names none). */
  node?: { name: string; graph: string; opType: string };
  /** The budget entry it comes from (`models[0]`). */
  target: string;
  message: string;
}
