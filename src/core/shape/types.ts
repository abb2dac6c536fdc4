// The public contract of shape inference: what cost, the CLI, the server and the view read.
import type { Node, Value } from '../ir/graph';
import type { Shape, ValueType } from '../ir/shape';
import type { Tensor } from '../ir/tensor';
import type { FoldLimits } from './limits';

export type { FoldLimits } from './limits';

/**
 * User bindings for symbolic inputs: whole input shapes (`--input x=1x3x224x224`) and dims by name
 * (`--dim batch=1`); and, for the rare model that needs more, raised constant-folding limits.
 */
export interface Bindings {
  inputs?: Record<string, readonly number[]>;
  dims?: Record<string, number>;
  /** Constant-folding limits for this analysis (defaults and caps in limits.ts, docs/shape-inference.md). */
  foldLimits?: Partial<FoldLimits>;
}

export interface InferredValue {
  type: ValueType | null;
  /** Contents known before running (constants, folded shape arithmetic); small tensors only. */
  constant?: Tensor;
}

export interface ShapeDiagnostic {
  severity: 'error' | 'warning';
  /** The node it concerns (absent for model-level problems such as an unused binding). */
  node?: Node;
  message: string;
}

export interface UnknownOp {
  domain: string;
  opType: string;
  count: number;
}

export interface ShapeInference {
  /** What is known of any value of the model (main graph, subgraphs, function bodies). */
  info(v: Value): InferredValue | undefined;
  typeOf(v: Value): ValueType | null;
  /** Shape of a tensor value, or null when its rank is unknown or it is not a tensor. */
  shapeOf(v: Value): Shape | null;
  /** Ops with no shape function (their outputs fall back to declared types, if any). */
  unknownOps: UnknownOp[];
  diagnostics: ShapeDiagnostic[];
  /** Constant folding done: elements folded, the limits applied, and the node where the budget ran out. */
  folding?: { elements: number; limits: FoldLimits; stoppedAt: Node | null };
}
