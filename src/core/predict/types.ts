// The vocabulary of latency prediction: the kernels ONNX Runtime is predicted to run for a model
// (plan.ts), the figures each is predicted from (features.ts), and the kernel classes that each have
// their own predictor in a device profile (device-profile.ts). docs/prediction.md explains the method.
import type { Graph, Node, Value } from '../ir/graph';

/**
 * Kernel classes: kernels of one class share a predictor. The class follows the kernel ORT runs,
 * not the op in the file: a Conv that ORT runs in its NCHWc layout is `conv-nchwc`, the same Conv in
 * plain NCHW (channels not a multiple of the block) is `conv`.
 */
export const KERNEL_CLASSES = [
  'conv-nchwc', // dense Conv in NCHWc blocks (com.microsoft.nchwc Conv), incl. the NCHW-input first conv
  'conv-nchwc-1x1', // 1×1 stride-1 Conv in NCHWc (pointwise)
  'conv-nchwc-dw', // depthwise Conv (and BatchNormalization turned into one) in NCHWc
  'conv', // Conv / FusedConv in NCHW (im2col + GEMM)
  'conv-dw', // depthwise Conv in NCHW
  'conv-transpose',
  'gemm', // MatMul, Gemm, FusedMatMul, FusedGemm (float)
  'elementwise', // cheap per-element ops (Add, Mul, Relu, Clip, Neg …), NCHWc or not
  'elementwise-math', // per-element ops with a transcendental (Exp, Erf, Sigmoid, Tanh, Pow, Gelu …)
  'softmax',
  'norm', // LayerNormalization & co., InstanceNormalization, standalone BatchNormalization
  'reduce',
  'pool', // MaxPool, AveragePool, Global*Pool (NCHW)
  'pool-nchwc',
  'resize', // Resize / Upsample (NCHW or NCHWc)
  'copy', // Concat, Split, Slice, Transpose, Gather, Pad, Expand, Tile, Where …
  'reshape', // Reshape, Squeeze, Unsqueeze, Flatten (a view or a copy)
  'reorder', // ReorderInput / ReorderOutput (NCHW <-> NCHWc)
  'cast',
  'quantize', // QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear
  'conv-int8', // QLinearConv, ConvInteger
  'matmul-int8', // QLinearMatMul, MatMulInteger, DynamicQuantizeMatMul, MatMulIntegerToFloat, QGemm
  'matmul-nbits', // MatMulNBits (int4/int8 weight-only)
  'qlinear', // other QLinear* ops (Add, Mul, Sigmoid, Concat, pools)
  'recurrent', // LSTM, GRU, RNN
  'control', // If / Loop / Scan (their own time, without their bodies)
  'other', // anything else: predicted by the roofline fallback only
] as const;
export type KernelClass = (typeof KERNEL_CLASSES)[number];

/** The figures a kernel's time is predicted from; all per run of the kernel. */
export interface KernelFeatures {
  /** FLOPs of the original nodes it computes (docs/cost-model.md); 0 for layout kernels. */
  flops: number;
  /** Bytes it reads and writes: non-constant inputs + weights + outputs (NCHWc tensors padded to the block). */
  bytes: number;
  /** Elements of its outputs. */
  outElements: number;
}

export type PlannedRole = 'compute' | 'layout';

/** One kernel ORT is predicted to run. */
export interface PlannedKernel {
  /** The name ORT gives it where that is predictable (`<output>_nchwc`, the node's name), else a made-up one. */
  name: string;
  /** Predicted op type and domain of the kernel ('Conv' in 'com.microsoft.nchwc', 'FusedConv' in 'com.microsoft' …). */
  op: string;
  domain: string;
  cls: KernelClass;
  role: PlannedRole;
  /** compute: the original nodes it computes; layout: none (its time goes to `chargedTo`'s nodes). */
  nodes: Node[];
  /** layout kernels: the compute kernel whose nodes carry its time. */
  chargedTo?: PlannedKernel;
  /** layout kernels: the original tensor they convert. */
  tensor?: Value;
  /** Null when a shape it needs is unknown (unbound symbolic dims): it cannot be predicted. */
  features: KernelFeatures | null;
  /** The graph it runs in (a body of If/Loop/Scan for nested kernels). */
  graph: Graph;
  /** How many times it runs per model run (the cost model's control-flow rule); 0 = a branch not counted. */
  runs: number;
  /** The fusion rules that made it (ids of fusion-rules.ts), for the profile's observations. */
  rules: string[];
}

/** What a plan needs to know of the target's ONNX Runtime build. */
export interface PlanOptions {
  /** NCHWc block size (8 with AVX2, 16 with AVX-512, 1 = no NCHWc layout, as on ARM). */
  nchwcBlock: number;
  /** Fusion rules the target's ORT does not apply (learned from its optimized graphs). */
  disabledRules?: ReadonlySet<string>;
  /** Ops with a native float16 CPU kernel on the target; others run in float between inserted Casts. */
  fp16Ops?: ReadonlySet<string>;
}

export interface KernelPlan {
  kernels: PlannedKernel[];
  /** Nodes that run as no kernel: folded constants, removed no-ops (Identity, Dropout …), by reason. */
  folded: { node: Node; why: string }[];
  /** Per original node, the compute kernel that computes it. */
  kernelOf: Map<Node, PlannedKernel>;
}
