// Helpers for the rules' gain estimates (RewriteRule.estimate), from the cost model's per-node figures:
//   a node removed saves its FLOPs and the traffic of its output (written once, read back once:
//   2 × its output bytes);
//   a chain fused into one kernel saves the traffic of its intermediates (the arithmetic stays);
//   weights stored in b bits instead of 32 save (1 − b/32) of their bytes.
// What ONNX Runtime already does when it loads a model is named here once per rewrite, so that the
// ranking can say "no latency gain with ORT"; src/core/passes/ort-at-load.test.ts checks every claim
// against the graph ORT actually runs (optimizedModelFilePath).
import type { Node } from '../ir/graph';
import type { EstimateContext, Gain } from './types';

/** FLOPs and output traffic of `nodes` removed (null when any figure is unknown). */
export function removed(nodes: readonly Node[], e: EstimateContext): { flops: number | null; traffic: number | null } {
  let flops: number | null = 0;
  let traffic: number | null = 0;
  for (const n of nodes) {
    const f = e.figures(n);
    flops = f?.flops === null || f?.flops === undefined || flops === null ? null : flops + f.flops;
    traffic = f?.activationBytes === null || f?.activationBytes === undefined || traffic === null ? null : traffic + 2 * f.activationBytes;
  }
  return { flops, traffic };
}

/** The gain of fusing `chain` (first to last) into one kernel: the intermediates' traffic; the arithmetic stays. */
export function fused(chain: readonly Node[], e: EstimateContext, ortAtLoad?: string): Gain {
  return { flops: 0, traffic: removed(chain.slice(0, -1), e).traffic, fileBytes: 0, accuracy: 'exact', ...(ortAtLoad ? { ortAtLoad } : {}) };
}

/** The gain of removing `nodes` outright (an exact rewrite). */
export function dropped(nodes: readonly Node[], e: EstimateContext, fileBytes = 0, ortAtLoad?: string): Gain {
  return { ...removed(nodes, e), fileBytes, accuracy: 'exact', ...(ortAtLoad ? { ortAtLoad } : {}) };
}

/** Weight bytes of `n` (0 when unknown). */
export function weightBytes(n: Node, e: EstimateContext): number {
  return e.figures(n)?.weightBytes ?? 0;
}

/**
 * The speed-up assumed for a product moved onto int8 kernels (MatMulInteger / QLinearConv): 2× when it
 * has at least 1 M MACs, none below (quantizing activations at run time costs about as much as it
 * saves on small products). From the bench: 0.10–0.54× latency on the MatMul stack (2 × 16.8 M
 * MACs per layer), 1.05× on hello-deepa's small Gemms.
 */
export function int8Speedup(n: Node, e: EstimateContext): Gain['faster'] | undefined {
  const f = e.figures(n);
  if (!f || f.macs === null) return { flops: null, factor: 2 };
  return f.macs >= 1e6 ? { flops: f.flops, factor: 2 } : undefined;
}

/** What ONNX Runtime does itself when it loads a model (graph optimizations on, its default). */
export const ORT_AT_LOAD = {
  convBatchNorm: 'ORT folds BatchNormalization into the Conv when it loads the model',
  convMulAdd: 'ORT folds a per-channel Mul or Add into the Conv when it loads the model',
  matmulAdd: 'ORT fuses MatMul + Add into Gemm when it loads the model',
  transposePair: 'ORT merges or cancels consecutive Transposes when it loads the model',
  transposeGemm: "ORT folds the Transpose into Gemm's transA/transB when it loads the model",
  padConv: 'ORT folds a zero Pad into the Conv or pool when it loads the model',
  layerNorm: 'ORT fuses the decomposed LayerNorm into one LayerNormalization kernel when it loads the model',
  gelu: 'ORT fuses the erf GELU into one Gelu kernel when it loads the model, at any opset',
  constantFold: 'ORT folds computations on constants when it loads the model',
  identity: 'ORT removes Identity and Dropout when it loads the model',
} as const;
