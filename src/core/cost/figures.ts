// The per-node figure record: the one declaration of the figures every surface shows (CLI tables and
// CSV, exports, the graph view's model, hovers, the protocol). The cost model fills one record per
// node (cost-model.ts); everything else reads it, and lists figures by iterating NODE_FIGURES, so a
// figure added here (and computed in cost-model.ts) reaches every table and export.
// Definitions and units: docs/cost-model.md. Unknown is null, never 0.
import { bytes, si } from '../units';

/** The static figures of one run of a node. */
export interface NodeFigures {
  /** Multiply-accumulates of the op's core product; null when unknown (op without a cost function, or shapes not concrete). */
  macs: number | null;
  /** Arithmetic operations (2 per MAC plus the per-element work); null when unknown. */
  flops: number | null;
  /** Elements of the constant weight tensors the node reads, each tensor once. */
  params: number;
  /** Storage bytes of those tensors in their data type (sub-byte types packed). */
  weightBytes: number;
  /** Bytes of the node's outputs (0 for a Constant node: its tensor is a weight); null when a shape is not concrete. */
  activationBytes: number | null;
  /** flops / (weight bytes + input bytes + output bytes), or null when any of them is unknown. */
  intensity: number | null;
}

/** How a node's figures stand and how they enter the model totals. */
export interface FigureStatus {
  /** False when no cost function exists for the op (it is then listed in the unknown ops). */
  known: boolean;
  /**
   * How many times the node's figures enter the model totals: 1 in the main graph; 0 in an If branch
   * that is not counted and in a model-local function body (calls carry the body's cost); the trip
   * count inside a Loop body, the scan length inside a Scan body (multiplied when nested).
   */
  runs: number;
  /** Why a figure is null, or how a control-flow node entered the totals. */
  note?: string;
}

/** The record the analysis produces once per node. */
export type NodeFigureRecord = NodeFigures & FigureStatus;

/** Model totals: Σ runs × node figure for MACs, FLOPs and activation bytes; each weight tensor once for params and weight bytes. */
export interface FigureTotals {
  macs: number;
  flops: number;
  params: number;
  weightBytes: number;
  activationBytes: number;
}

export type FigureKey = keyof NodeFigures;

/** How a figure is named and shown, everywhere. */
export interface FigureSpec<K extends string = FigureKey> {
  key: K;
  /** Short id (CLI --metric, settings). */
  id: string;
  /** Column title in tables (the unit is in the values). */
  title: string;
  /** CSV column, unit in brackets. */
  csv: string;
  /** JSON field name in exports (the unit is part of the name). */
  json: string;
  /** Display name for viewers (Model Explorer's run name, Netron's metric name). */
  label: string;
  /** The unit in words. */
  unit: string;
  /** Measured (latency) rather than computed from the model. */
  measured: boolean;
  /** How a value is written: a count with an SI prefix and this unit, bytes with binary prefixes, or a ratio. */
  format: { kind: 'count'; unit: string } | { kind: 'bytes' } | { kind: 'ratio'; unit: string };
}

export const NODE_FIGURES: readonly FigureSpec[] = [
  { key: 'macs', id: 'macs', title: 'MACs', csv: 'macs [MACs]', json: 'macs', label: 'MACs (multiply-accumulates)', unit: 'multiply-accumulates, one run of the node', measured: false, format: { kind: 'count', unit: 'MACs' } },
  { key: 'flops', id: 'flops', title: 'FLOPs', csv: 'flops [FLOPs]', json: 'flops', label: 'FLOPs (operations)', unit: 'arithmetic operations (2 per MAC + the rest), one run of the node', measured: false, format: { kind: 'count', unit: 'FLOPs' } },
  { key: 'params', id: 'params', title: 'params', csv: 'params [elements]', json: 'paramElements', label: 'params (elements)', unit: 'elements of the constant weight tensors the node reads', measured: false, format: { kind: 'count', unit: '' } },
  { key: 'weightBytes', id: 'weight-bytes', title: 'weights', csv: 'weights [bytes]', json: 'weightBytes', label: 'weights (bytes)', unit: 'bytes of those weight tensors', measured: false, format: { kind: 'bytes' } },
  { key: 'activationBytes', id: 'activation-bytes', title: 'activations', csv: 'activations [bytes]', json: 'activationBytes', label: 'activations (bytes)', unit: "bytes of the node's outputs, one run", measured: false, format: { kind: 'bytes' } },
  { key: 'intensity', id: 'intensity', title: 'intensity', csv: 'intensity [FLOPs/byte]', json: 'intensityFlopsPerByte', label: 'arithmetic intensity (FLOPs/byte)', unit: 'FLOPs per byte moved', measured: false, format: { kind: 'ratio', unit: 'FLOP/B' } },
];

/** A figure's value as text with its unit; unknown is `?`, never 0. */
export function formatFigure(spec: Pick<FigureSpec<string>, 'format'>, v: number | null | undefined): string {
  const f = spec.format;
  if (v === null || v === undefined || Number.isNaN(v)) return f.kind === 'bytes' ? '?' : `? ${f.unit}`.trimEnd();
  if (f.kind === 'bytes') return bytes(v);
  if (f.kind === 'ratio') return `${v.toFixed(2)} ${f.unit}`;
  return si(v, f.unit);
}

/** The figures of a record, without its status (e.g. to copy into a plain object). */
export function figuresOf(r: NodeFigures): NodeFigures {
  return { macs: r.macs, flops: r.flops, params: r.params, weightBytes: r.weightBytes, activationBytes: r.activationBytes, intensity: r.intensity };
}

/** A copy of a node's record (figures, known, runs, note); a node the cost model did not see is unknown and uncounted. */
export function recordOf(r: NodeFigureRecord | undefined): NodeFigureRecord {
  if (!r) return { macs: null, flops: null, params: 0, weightBytes: 0, activationBytes: null, intensity: null, known: false, runs: 0 };
  return { ...figuresOf(r), known: r.known, runs: r.runs, ...(r.note ? { note: r.note } : {}) };
}

/** True when a node's MAC/FLOP figures are not both known: a total it enters is a lower bound. */
export function isIncomplete(r: NodeFigureRecord): boolean {
  return !r.known || r.macs === null || r.flops === null;
}
