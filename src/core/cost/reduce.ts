// Reductions, pooling, normalizations and resampling: FLOPs from the input size (one operation per
// element reduced) plus a finishing operation per output (the divide of a mean). MACs are 0.
//   ReduceSum/Max/Min/Prod/L1, ArgMax/ArgMin, TopK, GlobalMaxPool: 1 per input element
//   ReduceMean, ReduceLogSum, GlobalAveragePool:                    1 per input + 1 per output element
//   ReduceSumSquare: 2 per input; ReduceL2, ReduceLogSumExp, GlobalLpPool: 2 per input + 1 per output
//   MaxPool: ∏(kernel) per output element; AveragePool, LpPool: ∏(kernel) + 1 per output element
//   BatchNormalization (inference): 4 per element (sub, div, mul, add) + 2 per channel (add ε, sqrt)
//   Layer/Instance/Group normalization: per element mean-add, sub, square, variance-add, div, scale
//   mul, bias add (7; 6 without bias) + 4 per normalized group (2 divides, add ε, sqrt)
//   RMS (Simplified)LayerNormalization: 4 per element (square, add, mul, scale) + 3 per row;
//   Skip* variants add 1 per element for the skip add and 1 for the optional bias
//   Resize/Upsample: nearest 0; linear 3 and cubic 8 per resized axis per output element
import { type CostContext, type CostFn, numel } from './context';

function reduction(perInput: number, perOutput: number): CostFn {
  return (c) => {
    const x = c.in(0);
    const y = c.out(0);
    if (!x || !y) return null;
    return { macs: 0, flops: perInput * numel(x) + perOutput * numel(y) };
  };
}

function pool(divide: boolean): CostFn {
  return (c) => {
    const k = c.node.attrInts('kernel_shape');
    const y = c.out(0);
    if (!y || !k) return null;
    return { macs: 0, flops: numel(y) * numel(k) + (divide ? numel(y) : 0) };
  };
}

const batchNorm: CostFn = (c) => {
  const x = c.in(0);
  if (!x) return null;
  return { macs: 0, flops: 4 * numel(x) + 2 * (x[1] ?? 1) };
};

/** Normalization over the dims from `axis` on; `groups(c, x)` the number of normalized groups. */
function groupNorm(groups: (c: CostContext, x: number[]) => number | null, biasInput: number | null): CostFn {
  return (c) => {
    const x = c.in(0);
    if (!x) return null;
    const g = groups(c, x);
    if (g === null) return null;
    const perElement = biasInput !== null && !c.has(biasInput) ? 6 : 7;
    return { macs: 0, flops: perElement * numel(x) + 4 * g };
  };
}

function axisGroups(defaultAxis: number): (c: CostContext, x: number[]) => number | null {
  return (c, x) => {
    let a = c.node.attrInt('axis', defaultAxis);
    if (a < 0) a += x.length;
    if (a < 0 || a > x.length) return null;
    return numel(x.slice(0, a));
  };
}

/** RMS normalization (+ skip/bias adds for the Skip variants: `adds` per element). */
function rmsNorm(adds: (c: CostContext) => number, lastAxisOnly: boolean): CostFn {
  return (c) => {
    const x = c.in(0);
    if (!x) return null;
    const rows = lastAxisOnly ? numel(x.slice(0, -1)) : axisGroups(-1)(c, x);
    if (rows === null) return null;
    return { macs: 0, flops: (4 + adds(c)) * numel(x) + 3 * rows };
  };
}

/** com.microsoft SkipLayerNormalization(input, skip, gamma, beta, bias): normalizes the last axis. */
function skipLayerNorm(c: CostContext): ReturnType<CostFn> {
  const x = c.in(0);
  if (!x) return null;
  const adds = 1 + (c.has(4) ? 1 : 0);
  const perElement = (c.has(3) ? 7 : 6) + adds;
  return { macs: 0, flops: perElement * numel(x) + 4 * numel(x.slice(0, -1)) };
}

const resize: CostFn = (c) => {
  const x = c.in(0);
  const y = c.out(0);
  if (!x || !y || x.length !== y.length) return null;
  const mode = c.node.attrString('mode', 'nearest');
  let axes = 0;
  for (let i = 0; i < y.length; i++) if (y[i] !== x[i]) axes++;
  const per = mode === 'linear' || mode === 'bilinear' ? 3 : mode === 'cubic' ? 8 : 0;
  return { macs: 0, flops: per * axes * numel(y) };
};

/** LRN: a window sum of squares (size) plus pow, mul, add, div per element. */
const lrn: CostFn = (c) => {
  const x = c.in(0);
  if (!x) return null;
  return { macs: 0, flops: numel(x) * (c.node.attrInt('size', 1) + 4) };
};

export function register(reg: Map<string, CostFn>): void {
  for (const op of ['ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ArgMax', 'ArgMin', 'TopK', 'GlobalMaxPool']) {
    reg.set(op, reduction(1, 0));
  }
  for (const op of ['ReduceMean', 'ReduceLogSum', 'GlobalAveragePool']) reg.set(op, reduction(1, 1));
  reg.set('ReduceSumSquare', reduction(2, 0));
  for (const op of ['ReduceL2', 'ReduceLogSumExp', 'GlobalLpPool']) reg.set(op, reduction(2, 1));
  reg.set('MaxPool', pool(false));
  reg.set('AveragePool', pool(true));
  reg.set('LpPool', pool(true));
  reg.set('com.microsoft:QLinearAveragePool', pool(true));
  reg.set('com.microsoft:QLinearGlobalAveragePool', reduction(1, 1));
  reg.set('BatchNormalization', batchNorm);
  reg.set('LayerNormalization', groupNorm(axisGroups(-1), 2));
  reg.set('com.microsoft:LayerNormalization', groupNorm(axisGroups(-1), 2));
  // InstanceNormalization: one group per (n, c); GroupNormalization: num_groups per sample.
  reg.set('InstanceNormalization', groupNorm((_c, x) => numel(x.slice(0, 2)), null));
  reg.set('GroupNormalization', groupNorm((c, x) => {
    const g = c.node.attrInt('num_groups');
    return g === undefined ? null : (x[0] ?? 1) * g;
  }, null));
  // MeanVarianceNormalization: (x - mean)/sqrt(var) over `axes` (default N, H, W): no scale or bias.
  reg.set('MeanVarianceNormalization', (c) => {
    const x = c.in(0);
    if (!x) return null;
    const axes = (c.node.attrInts('axes') ?? [0, 2, 3]).map((a) => (a < 0 ? a + x.length : a));
    const kept = x.filter((_, i) => !axes.includes(i));
    return { macs: 0, flops: 5 * numel(x) + 4 * numel(kept) };
  });
  reg.set('RMSNormalization', rmsNorm(() => 0, false));
  reg.set('com.microsoft:SimplifiedLayerNormalization', rmsNorm(() => 0, false));
  reg.set('com.microsoft:SkipSimplifiedLayerNormalization', rmsNorm((c) => 1 + (c.has(3) ? 1 : 0), true));
  reg.set('com.microsoft:SkipLayerNormalization', skipLayerNorm);
  reg.set('LpNormalization', reduction(3, 0));
  reg.set('LRN', lrn);
  reg.set('Resize', resize);
  reg.set('Upsample', resize);
}
