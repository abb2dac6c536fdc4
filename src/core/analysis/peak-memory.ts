// Peak activation memory: the largest total of activation tensors alive at once while the model runs,
// the figure that decides whether a model fits a device's RAM (a microcontroller's SRAM). Definition
// and examples: docs/peak-memory.md. In short:
//  - nodes run in ONNX Runtime's default order (execution-order.ts); while a node runs, every buffer
//    still needed and the node's new outputs are live: that total is the step's live bytes, and the
//    peak is the largest step;
//  - graph inputs are live throughout (the caller owns them), graph outputs from their node to the
//    end; any other buffer is freed after its last reader (an output nobody reads, right after its
//    node). Weights (initializers, Constant nodes) are not activations and are not counted;
//  - buffers are shared where ORT's CPU kernels share them: output 0 of Reshape, Squeeze, Unsqueeze,
//    Flatten and Identity is input 0's buffer (kernel Alias(0,0)); output 0 of the unary
//    activations (Relu, LeakyRelu, Elu, Selu, Sigmoid, HardSigmoid, Tanh, Softplus, Softsign,
//    ThresholdedRelu) and of Scatter/ScatterElements takes over input 0's buffer when this node is
//    that buffer's last reader, reads it once, and the two have the same element size and shape
//    (MayInplace(0,0), ORT's allocation planner). A graph output never shares (ORT allocates it);
//  - an If/Loop/Scan node adds, while it runs, the peak of its largest body (counted the same way;
//    values it reads from the outer graph are counted outside, and its outputs are the node's
//    outputs, counted once, outside: ORT has a body write its outputs into the node's);
//  - a TFLite model runs its operators in their stored order (the TFLite interpreter's), and none of
//    ORT's buffer sharing applies to its ops: its tensors are counted as they are;
//  - a tensor of unknown size adds nothing to the sum and makes the figure a lower bound (said so,
//    with the tensors named); if no size is known at all the peak is null, never 0.
// Not modelled: ORT's re-use of freed buffers for new tensors of the same size (it recycles memory,
// it does not lower the live total), arena rounding and fragmentation, kernels' scratch buffers,
// graph optimizations (the figure is for the graph as written, as ORT runs it with optimizations
// off), and the bodies of model-local functions (a call makes the figure a lower bound).
import { storageBytes } from '../ir/data-type';
import type { Graph, Node, Value } from '../ir/graph';
import type { Model } from '../ir/model';
import { formatShape, isConcrete, type Shape } from '../ir/shape';
import type { ShapeInference } from '../shape/types';
import { TFLITE_DOMAIN } from '../tflite/domains';
import { implicitInputs, isConstantNode, ortExecutionOrder } from './execution-order';

/** Ops whose output 0 always is input 0's buffer (ORT CPU kernels declared Alias(0, 0)). */
export const ALIAS_OPS: ReadonlySet<string> = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);
/** Ops whose output 0 may take over input 0's buffer at its last use (ORT CPU kernels declared MayInplace(0, 0)). */
export const IN_PLACE_OPS: ReadonlySet<string> = new Set([
  'Relu', 'LeakyRelu', 'Elu', 'Selu', 'Sigmoid', 'HardSigmoid', 'Tanh', 'Softplus', 'Softsign', 'ThresholdedRelu', 'Scatter', 'ScatterElements',
]);

/** One node of the main graph, in execution order. */
export interface MemoryStep {
  /** The node's display name. */
  node: string;
  opType: string;
  /** Bytes of the buffers the node allocates (outputs that neither alias nor take over an input). */
  allocatedBytes: number;
  /** Live activation bytes while the node runs (its inputs, its new outputs, everything still needed, its largest body's peak). */
  liveBytes: number;
  /** Live bytes after the node, once the buffers it read last are freed. */
  afterBytes: number;
  /** Live buffers of unknown size during the step (left out of liveBytes: it is then a lower bound). */
  unknownLive: number;
  /** How output 0 got its memory: 'alias' (input 0's buffer), 'in-place' (took input 0's buffer over); absent: a new buffer. */
  reuse?: 'alias' | 'in-place';
}

export interface PeakMemory {
  /** The largest live total over the execution order, bytes; null when no tensor size is known. */
  peakBytes: number | null;
  /** Some tensor's size is unknown: the true peak is at least peakBytes. */
  lowerBound: boolean;
  /** The node during which the peak is reached; null when the graph inputs alone are the peak. */
  peakNode: string | null;
  /** Buffers live at the peak, largest first, named by the tensor that opened each (at most 10). */
  liveAtPeak: { tensor: string; bytes: number | null }[];
  /** Bytes of the main graph's inputs (live in every step). */
  inputBytes: number | null;
  /** Tensors of unknown size: how many, and the first few with why. */
  unknown: { count: number; examples: string[] };
  /** The execution order used: ONNX Runtime's (execution-order.ts), or the stored order of a TFLite model. */
  order: 'onnxruntime-default' | 'tflite-stored';
  /** One entry per node of the main graph that runs, in execution order. */
  timeline: MemoryStep[];
}

interface Buffer {
  tensor: string;
  bytes: number | null;
  /** ORT's use count: reads still to come, plus one for the production; pinned buffers are never freed. */
  remaining: number;
  pinned: boolean;
}

interface Ctx {
  model: Model;
  /** A TFLite model: operators run in stored order. */
  stored: boolean;
  shapes: ShapeInference;
  unknown: Map<string, string>;
}

interface GraphMemory {
  peak: number;
  /** Some buffer had an unknown size (or a body was not modelled). */
  partial: boolean;
  peakNode: Node | null;
  liveAtPeak: Buffer[];
  inputBytes: number | null;
  timeline: MemoryStep[];
}

function isDefaultDomain(n: Node): boolean {
  return n.domain === '' || n.domain === 'ai.onnx';
}

/** A constant tensor (initializer, Constant node output, or an initializer that is also a graph input): a weight. */
function isWeight(v: Value): boolean {
  return !!v.initializer || !!v.sparseInitializer || v.constant !== null;
}

function sizeOf(v: Value, ctx: Ctx): number | null {
  const t = ctx.shapes.typeOf(v) ?? v.type;
  let why: string;
  if (!t) why = 'its type is unknown';
  else if (t.kind !== 'tensor' && t.kind !== 'sparse_tensor') why = `it is a ${t.kind}, whose size is not known before running`;
  else if (!isConcrete(t.shape)) why = `its shape is ${formatShape(t.shape)}` + (t.shape?.some((d) => typeof d === 'string') ? ' (bind its symbolic dims)' : '');
  else {
    const n = t.shape.reduce((a, d) => a * d, 1);
    const b = Number.isSafeInteger(n) ? storageBytes(t.elemType, n) : undefined;
    if (b !== undefined && Number.isSafeInteger(b)) return b;
    why = Number.isSafeInteger(n) ? 'its element type has no fixed size' : `its shape ${formatShape(t.shape)} holds more elements than can be counted exactly (2^53)`;
  }
  if (!ctx.unknown.has(v.name)) ctx.unknown.set(v.name, `'${v.name}': ${why}`);
  return null;
}

/** ORT's SameSize: same element size (not strings) and the same dims, concrete or the same symbol. */
function sameSize(a: Value, b: Value, ctx: Ctx): boolean {
  const ta = ctx.shapes.typeOf(a) ?? a.type;
  const tb = ctx.shapes.typeOf(b) ?? b.type;
  if (ta?.kind !== 'tensor' || tb?.kind !== 'tensor' || !ta.shape || !tb.shape) return false;
  const ea = storageBytes(ta.elemType, 1);
  if (ea === undefined || ea !== storageBytes(tb.elemType, 1)) return false;
  const same = (x: Shape, y: Shape): boolean => x.length === y.length && x.every((d, i) => d !== null && d !== '' && d === y[i]);
  return same(ta.shape, tb.shape);
}

/** `body`: g is an If/Loop/Scan body, whose graph outputs are its node's outputs (counted outside). */
function simulate(g: Graph, ctx: Ctx, keepTimeline: boolean, body = false): GraphMemory {
  const order = ctx.stored ? g.nodes.filter((n) => !isConstantNode(n)) : ortExecutionOrder(g);
  const implicit = new Map(order.map((n) => [n, implicitInputs(n, g)]));
  const uses = new Map<Value, number>();
  const use = (v: Value | null): void => {
    if (v) uses.set(v, (uses.get(v) ?? 0) + 1);
  };
  for (const n of order) {
    n.inputs.forEach(use);
    implicit.get(n)!.forEach(use);
  }
  const graphOutputs = new Set(g.outputs);
  const bufferOf = new Map<Value, Buffer>();
  const live = new Set<Buffer>();
  let known = 0;
  let unknownLive = 0;
  let partial = false;
  const open = (v: Value, pinned: boolean): Buffer => {
    const b: Buffer = { tensor: v.name, bytes: body && graphOutputs.has(v) ? 0 : sizeOf(v, ctx), remaining: (uses.get(v) ?? 0) + 1, pinned };
    if (b.bytes === null) {
      unknownLive++;
      partial = true;
    } else known += b.bytes;
    bufferOf.set(v, b);
    live.add(b);
    return b;
  };
  const release = (v: Value | null): void => {
    const b = v ? bufferOf.get(v) : undefined;
    if (!b || b.pinned || !live.has(b)) return;
    if (--b.remaining > 0) return;
    live.delete(b);
    if (b.bytes === null) unknownLive--;
    else known -= b.bytes;
  };

  for (const v of g.inputs) if (!isWeight(v)) open(v, true);
  const inputBytes = g.inputs.some((v) => !isWeight(v) && bufferOf.get(v)?.bytes === null) ? null : known;
  let peak = known;
  let peakNode: Node | null = null;
  let liveAtPeak = [...live];
  const timeline: MemoryStep[] = [];

  for (const n of order) {
    let allocated = 0;
    let reuse: MemoryStep['reuse'];
    n.outputs.forEach((o, k) => {
      if (!o) return;
      const src = k === 0 ? n.inputs[0] : null;
      const srcBuf = src ? bufferOf.get(src) : undefined;
      if (graphOutputs.has(o) || !src || !isDefaultDomain(n)) {
        allocated += open(o, graphOutputs.has(o)).bytes ?? 0;
      } else if (ALIAS_OPS.has(n.opType)) {
        reuse = 'alias';
        if (srcBuf) {
          bufferOf.set(o, srcBuf);
          srcBuf.remaining += (uses.get(o) ?? 0) + 1;
        }
        // else: an alias of a weight (or of an outer value): no activation memory here.
      } else if (IN_PLACE_OPS.has(n.opType) && srcBuf && !srcBuf.pinned && srcBuf.remaining === 1 && sameSize(src, o, ctx)) {
        reuse = 'in-place';
        bufferOf.set(o, srcBuf);
        srcBuf.remaining += (uses.get(o) ?? 0) + 1;
      } else {
        allocated += open(o, false).bytes ?? 0;
      }
    });
    let transient = 0;
    for (const sub of n.subgraphs()) {
      const m = simulate(sub, ctx, false, true);
      transient = Math.max(transient, m.peak);
      partial ||= m.partial;
    }
    if (ctx.model.functions.length && ctx.model.findFunction(n.domain, n.opType, n.overload)) {
      partial = true;
      const key = `function ${n.domain}.${n.opType}`;
      if (!ctx.unknown.has(key)) ctx.unknown.set(key, `the body of ${key} (called by '${n.displayName}') is not modelled`);
    }
    const during = known + transient;
    if (during > peak) {
      peak = during;
      peakNode = n;
      liveAtPeak = [...live];
    }
    const unknownDuring = unknownLive;
    n.inputs.forEach(release);
    implicit.get(n)!.forEach(release);
    n.outputs.forEach(release);
    if (keepTimeline) {
      timeline.push({
        node: n.displayName,
        opType: n.opType,
        allocatedBytes: allocated,
        liveBytes: during,
        afterBytes: known,
        unknownLive: unknownDuring,
        ...(reuse ? { reuse } : {}),
      });
    }
  }
  return { peak, partial, peakNode, liveAtPeak, inputBytes, timeline };
}

/** Peak activation memory of the model's main graph (its bodies folded into their nodes' steps). */
export function peakActivationMemory(model: Model, shapes: ShapeInference): PeakMemory {
  const stored = model.opset(TFLITE_DOMAIN) !== undefined;
  const ctx: Ctx = { model, shapes, stored, unknown: new Map() };
  const m = simulate(model.graph, ctx, true);
  const lowerBound = m.partial || ctx.unknown.size > 0;
  const nothingKnown = lowerBound && m.peak === 0;
  return {
    peakBytes: nothingKnown ? null : m.peak,
    lowerBound,
    peakNode: m.peakNode?.displayName ?? null,
    liveAtPeak: m.liveAtPeak
      .map((b) => ({ tensor: b.tensor, bytes: b.bytes }))
      .sort((a, b) => (b.bytes ?? -1) - (a.bytes ?? -1))
      .slice(0, 10),
    inputBytes: m.inputBytes,
    unknown: { count: ctx.unknown.size, examples: [...ctx.unknown.values()].slice(0, 5) },
    order: stored ? 'tflite-stored' : 'onnxruntime-default',
    timeline: m.timeline,
  };
}
