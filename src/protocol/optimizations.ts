// Whole-model optimizations offered by the editor, listed once here: "Optimize Model…" and the graph
// view's toolbar offer them all; the text view's source actions offer the quantize and prune ones
// (its fuse rules come as per-rule "everywhere" fixes where they apply). Each is a rule id of the core
// registry with the options it is run with; a test checks that every id here is registered
// (src/protocol/optimizations.test.ts).
export interface Optimization {
  label: string;
  detail: string;
  ruleId: string;
  options?: Record<string, unknown>;
  family: 'fuse' | 'quantize' | 'prune';
}

export const OPTIMIZATIONS: readonly Optimization[] = [
  { family: 'fuse', label: 'Fuse Conv + BatchNormalization', detail: 'exact: BN folded into the Conv weights and bias', ruleId: 'fuse-conv-batchnorm' },
  { family: 'fuse', label: 'Fuse Conv + per-channel Mul/Add', detail: 'exact: the affine folded into the Conv', ruleId: 'fuse-conv-affine' },
  { family: 'fuse', label: 'Fuse MatMul + Add into Gemm', detail: 'exact', ruleId: 'fuse-matmul-add' },
  { family: 'fuse', label: 'Merge Transpose pairs', detail: 'exact', ruleId: 'fuse-transpose-pair' },
  { family: 'fuse', label: 'Fold Transpose into Gemm', detail: 'exact', ruleId: 'fuse-transpose-gemm' },
  { family: 'fuse', label: 'Fold zero Pad into Conv/AveragePool', detail: 'exact', ruleId: 'fuse-pad-conv' },
  { family: 'fuse', label: 'Decomposed LayerNorm → LayerNormalization', detail: 'exact up to rounding', ruleId: 'fuse-layernorm' },
  { family: 'fuse', label: 'erf GELU → Gelu', detail: 'exact up to rounding', ruleId: 'fuse-gelu' },
  { family: 'fuse', label: 'Fold constant shape arithmetic', detail: 'exact', ruleId: 'fuse-constant-fold' },
  { family: 'fuse', label: 'Remove Identity/Dropout', detail: 'exact', ruleId: 'fuse-identity' },
  { family: 'fuse', label: 'Remove dead nodes and unused initializers', detail: 'exact', ruleId: 'cleanup-dead-code' },
  { family: 'quantize', label: 'Quantize model: int8 dynamic (MatMul/Gemm weights, Gather tables)', detail: 'about 4× smaller weights; activations quantized at run time', ruleId: 'quantize-int8-dynamic' },
  { family: 'quantize', label: 'Quantize model: int4 weight-only (MatMulNBits, block 32)', detail: 'about 8× smaller MatMul weights', ruleId: 'quantize-int4-weight', options: { blockSize: 32, symmetric: true } },
  { family: 'quantize', label: 'Quantize model: float16 (float interface)', detail: 'float16 inside, float interface', ruleId: 'quantize-fp16-compute' },
  { family: 'quantize', label: 'Quantize model: float16 weight storage', detail: 'weights stored as float16, computed in float', ruleId: 'quantize-fp16' },
  { family: 'prune', label: 'Prune model: 50 % of Conv channels (L1)', detail: 'structured: fewer MACs and params', ruleId: 'prune-channel', options: { ratio: 0.5 } },
  { family: 'prune', label: 'Prune model: 50 % of weights to zero (per layer)', detail: 'unstructured: compresses well, same MACs', ruleId: 'prune-unstructured', options: { ratio: 0.5 } },
];
