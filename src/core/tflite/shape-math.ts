// Output shapes of TFLite operators computed from their math (input shapes, options, constant inputs),
// to check the shapes a file stores. TFLite files store every tensor's shape and LayerLens costs from
// those; a stored shape that the op's math contradicts means a corrupt or mislabelled file. Window
// sizes follow TensorFlow's padding rule: SAME -> ceil(in / stride), VALID -> ceil((in - dilated
// kernel + 1) / stride); a transposed convolution inverts it: SAME -> in·stride, VALID ->
// (in - 1)·stride + kernel. Returns null for ops it has no rule for, or when an input is not concrete.
import type { Node, Value } from '../ir/graph';
import { isConcrete } from '../ir/shape';

type Shape = number[];

function shapeOf(v: Value | null | undefined): Shape | null {
  const t = v?.type;
  if (!t || (t.kind !== 'tensor' && t.kind !== 'sparse_tensor') || !isConcrete(t.shape)) return null;
  return [...t.shape];
}

/** Values of a small constant integer input (RESHAPE's shape, PAD's paddings, MEAN's axes...). */
function constInts(v: Value | null | undefined): number[] | null {
  const t = v?.initializer;
  if (!t || t.elementCount > 4096) return null;
  try {
    return Array.from(t.toNumbers());
  } catch {
    return null;
  }
}

function prod(s: readonly number[]): number {
  return s.reduce((a, b) => a * b, 1);
}

function windowOut(size: number, k: number, stride: number, dilation: number, padding: string): number {
  const eff = (k - 1) * dilation + 1;
  return padding === 'VALID' ? Math.ceil((size - eff + 1) / stride) : Math.ceil(size / stride);
}

function transposedOut(size: number, k: number, stride: number, padding: string): number {
  return padding === 'VALID' ? (size - 1) * stride + k : size * stride;
}

/** Numpy broadcasting of two shapes; null when they do not broadcast. */
export function broadcast(a: Shape, b: Shape): Shape | null {
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

const BINARY = new Set([
  'ADD', 'SUB', 'MUL', 'DIV', 'MAXIMUM', 'MINIMUM', 'POW', 'SQUARED_DIFFERENCE', 'FLOOR_DIV', 'FLOOR_MOD',
  'EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL', 'LOGICAL_AND', 'LOGICAL_OR', 'PRELU', 'ATAN2',
]);

const SAME_AS_INPUT = new Set([
  'RELU', 'RELU6', 'RELU_N1_TO_1', 'RELU_0_TO_1', 'LEAKY_RELU', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'ELU', 'GELU',
  'SOFTMAX', 'LOG_SOFTMAX', 'DEQUANTIZE', 'QUANTIZE', 'CAST', 'NEG', 'ABS', 'SIGN', 'FLOOR', 'CEIL', 'ROUND', 'SQRT',
  'RSQRT', 'EXP', 'LOG', 'SIN', 'COS', 'SQUARE', 'LOGICAL_NOT', 'DENSIFY', 'L2_NORMALIZATION',
  'LOCAL_RESPONSE_NORMALIZATION', 'ZEROS_LIKE', 'FAKE_QUANT', 'CUMSUM',
]);

function conv(n: Node, x: Shape, w: Shape, channels: number): Shape | null {
  if (x.length !== 4 || w.length !== 4) return null;
  const pad = n.attrString('padding', 'SAME');
  const oh = windowOut(x[1]!, w[1]!, n.attrInt('stride_h', 1), n.attrInt('dilation_h_factor', 1), pad);
  const ow = windowOut(x[2]!, w[2]!, n.attrInt('stride_w', 1), n.attrInt('dilation_w_factor', 1), pad);
  return [x[0]!, oh, ow, channels];
}

function pool(n: Node, x: Shape): Shape | null {
  if (x.length !== 4) return null;
  const pad = n.attrString('padding', 'SAME');
  const fh = n.attrInt('filter_height');
  const fw = n.attrInt('filter_width');
  if (fh === undefined || fw === undefined) return null;
  return [x[0]!, windowOut(x[1]!, fh, n.attrInt('stride_h', 1), 1, pad), windowOut(x[2]!, fw, n.attrInt('stride_w', 1), 1, pad), x[3]!];
}

function transposeConv(n: Node, x: Shape, w: Shape): Shape | null {
  if (x.length !== 4 || w.length !== 4) return null;
  const pad = n.attrString('padding', 'SAME');
  return [x[0]!, transposedOut(x[1]!, w[1]!, n.attrInt('stride_h', 1), pad), transposedOut(x[2]!, w[2]!, n.attrInt('stride_w', 1), pad), w[0]!];
}

function reshape(n: Node, x: Shape): Shape | null {
  const target = constInts(n.inputs[1]) ?? n.attrInts('new_shape') ?? null;
  if (!target) return null;
  const known = prod(target.filter((d) => d !== -1));
  return target.map((d) => (d === -1 ? prod(x) / known : d));
}

function reduceShape(n: Node, x: Shape): Shape | null {
  const axes = constInts(n.inputs[1]);
  if (!axes) return null;
  const norm = new Set(axes.map((a) => (a < 0 ? a + x.length : a)));
  const keep = n.attrInt('keep_dims', 0) === 1;
  return keep ? x.map((d, i) => (norm.has(i) ? 1 : d)) : x.filter((_, i) => !norm.has(i));
}

function fullyConnected(n: Node, x: Shape, w: Shape): Shape | null {
  if (w.length !== 2) return null;
  const [units, k] = w as [number, number];
  if (n.attrInt('keep_num_dims', 0) === 1) return [...x.slice(0, -1), units];
  return [prod(x) / k, units];
}

function batchMatmul(n: Node, x: Shape, y: Shape): Shape | null {
  if (x.length < 2 || y.length < 2) return null;
  const batch = broadcast(x.slice(0, -2), y.slice(0, -2));
  if (!batch) return null;
  const m = n.attrInt('adj_x', 0) === 1 ? x[x.length - 1]! : x[x.length - 2]!;
  const cols = n.attrInt('adj_y', 0) === 1 ? y[y.length - 2]! : y[y.length - 1]!;
  return [...batch, m, cols];
}

function concat(n: Node): Shape | null {
  const shapes = n.inputs.map(shapeOf);
  if (shapes.some((s) => !s) || shapes.length === 0) return null;
  const first = shapes[0]!;
  let axis = n.attrInt('axis', 0);
  if (axis < 0) axis += first.length;
  const out = [...first];
  out[axis] = shapes.reduce((s, x) => s + x![axis]!, 0);
  return out;
}

function pad(n: Node, x: Shape): Shape | null {
  const p = constInts(n.inputs[1]);
  if (!p || p.length !== 2 * x.length) return null;
  return x.map((d, i) => d + p[2 * i]! + p[2 * i + 1]!);
}

function resize(n: Node, x: Shape): Shape | null {
  const size = constInts(n.inputs[1]);
  if (!size || size.length !== 2 || x.length !== 4) return null;
  return [x[0]!, size[0]!, size[1]!, x[3]!];
}

function depthToSpace(n: Node, x: Shape, inverse: boolean): Shape | null {
  const b = n.attrInt('block_size');
  if (!b || x.length !== 4) return null;
  return inverse ? [x[0]!, x[1]! / b, x[2]! / b, x[3]! * b * b] : [x[0]!, x[1]! * b, x[2]! * b, x[3]! / (b * b)];
}

function transpose(n: Node, x: Shape): Shape | null {
  const perm = constInts(n.inputs[1]);
  return perm && perm.length === x.length ? perm.map((p) => x[p]!) : null;
}

/** Output shapes of `node` by its op's math, or null when there is no rule or an input is not concrete. */
export function inferOutputShapes(node: Node): Shape[] | null {
  const x = shapeOf(node.inputs[0]);
  const op = node.domain === 'tflite.custom' ? `custom:${node.opType}` : node.opType;
  const one = (s: Shape | null): Shape[] | null => (s ? [s] : null);
  if (SAME_AS_INPUT.has(op)) return one(x);
  if (BINARY.has(op)) {
    const y = shapeOf(node.inputs[1]);
    return one(x && y ? broadcast(x, y) : null);
  }
  if (!x && op !== 'CONCATENATION' && op !== 'TRANSPOSE_CONV') return null;
  const w = shapeOf(node.inputs[1]);
  switch (op) {
    case 'CONV_2D':
      return one(w ? conv(node, x!, w, w[0]!) : null);
    case 'DEPTHWISE_CONV_2D':
      return one(w ? conv(node, x!, w, w[3]!) : null);
    case 'TRANSPOSE_CONV': {
      const input = shapeOf(node.inputs[2]);
      return one(w && input ? transposeConv(node, input, w) : null);
    }
    case 'custom:Convolution2DTransposeBias':
      return one(w ? transposeConv(node, x!, w) : null);
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D':
    case 'L2_POOL_2D':
      return one(pool(node, x!));
    case 'custom:MaxPoolingWithArgmax2D': {
      const s = pool(node, x!);
      return s ? [s, s] : null;
    }
    case 'FULLY_CONNECTED':
      return one(w ? fullyConnected(node, x!, w) : null);
    case 'BATCH_MATMUL':
      return one(w ? batchMatmul(node, x!, w) : null);
    case 'RESHAPE':
      return one(reshape(node, x!));
    case 'CONCATENATION':
      return one(concat(node));
    case 'PAD':
    case 'PADV2':
    case 'MIRROR_PAD':
      return one(pad(node, x!));
    case 'RESIZE_BILINEAR':
    case 'RESIZE_NEAREST_NEIGHBOR':
      return one(resize(node, x!));
    case 'DEPTH_TO_SPACE':
      return one(depthToSpace(node, x!, false));
    case 'SPACE_TO_DEPTH':
      return one(depthToSpace(node, x!, true));
    case 'MEAN':
    case 'SUM':
    case 'REDUCE_MAX':
    case 'REDUCE_MIN':
    case 'REDUCE_PROD':
    case 'REDUCE_ANY':
    case 'REDUCE_ALL':
      return one(reduceShape(node, x!));
    case 'TRANSPOSE':
      return one(transpose(node, x!));
    default:
      return null;
  }
}

/** Nodes whose stored output shapes differ from their op's math: `node`, output index, stored, inferred. */
export function checkStoredShapes(nodes: Iterable<Node>): { node: Node; output: number; stored: Shape | null; inferred: Shape }[] {
  const out: { node: Node; output: number; stored: Shape | null; inferred: Shape }[] = [];
  for (const n of nodes) {
    const inferred = inferOutputShapes(n);
    if (!inferred) continue;
    inferred.forEach((s, i) => {
      const stored = shapeOf(n.outputs[i]);
      if (!stored || stored.length !== s.length || stored.some((d, k) => d !== s[k])) out.push({ node: n, output: i, stored, inferred: s });
    });
  }
  return out;
}
