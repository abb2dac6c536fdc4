// The designed sample of kernel configurations `layerlens calibrate` times on a device: for each
// kernel family a grid of sizes (channels, spatial size, kernel, stride, groups; matrix shapes;
// element counts), drawn in a seeded random order so that a short budget still covers every
// family, with the patterns ORT fuses (Conv+BatchNormalization+activation, residual Add, MatMul+Add,
// decomposed LayerNorm and GELU, QDQ and dynamic int8, float16) built as they appear in exported
// models, so that the device's optimized graphs show which ones it fuses. Each sample is a small
// subgraph with its own inputs; calibrate-device.ts packs several into one model.
import { GraphBuilder } from '../../core/ir/builder';
import { DataType } from '../../core/ir/data-type';
import type { Value } from '../../core/ir/graph';
import { Tensor } from '../../core/ir/tensor';

export interface SampleConfig {
  family: string;
  /** Unique within a calibration (also the prefix of its node names). */
  id: string;
  /** Rough µs at 50 GFLOP/s and 20 GB/s, to pack batches. */
  cost: number;
  build: (b: GraphBuilder, p: string) => void;
}

/** Seeded uniform random numbers (LCG), so a calibration's sample is reproducible. */
export class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return this.s / 4294967296;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

const F = DataType.FLOAT;
const numel = (d: number[]): number => d.reduce((a, x) => a * x, 1);
const est = (flops: number, bytes: number): number => flops / 50e3 + bytes / 20e3 + 5;

function weights(b: GraphBuilder, name: string, dims: number[], rng: Rng, type: DataType = F): Value {
  const n = numel(dims);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (rng.next() - 0.5) * 0.2;
  const t = Tensor.fromNumbers(name, type, dims, v);
  b.graph.initializers.push(t);
  const val = b.graph.define(name);
  val.initializer = t;
  return val;
}

/**
 * A sample's data input, made inside the model: a one-element graph input expanded to the shape. As
 * in a real model, the tensor is then an intermediate that ORT's arena reuses (cache-warm when
 * small), not a graph input or output that sits in memory untouched since the last run.
 */
function src(b: GraphBuilder, name: string, type: DataType, dims: number[]): Value {
  const seed = b.input(`${name}_seed`, type, [1]);
  return b.node('Expand', [seed, b.initializer(`${name}_shape`, DataType.INT64, [dims.length], dims)], {}, { name: `${name}_src` })[0]!;
}

/** A sample's result, reduced to one element so that the output stays an intermediate too. */
function sink(b: GraphBuilder, p: string, y: Value, k = 0): void {
  b.output(b.node('ReduceMax', [y], { keepdims: 0 }, { name: `${p}sink${k}` })[0]!);
}

const ACTS = ['none', 'Relu', 'Clip', 'LeakyRelu', 'HardSigmoid', 'Sigmoid'] as const;

function activation(b: GraphBuilder, p: string, x: Value, act: string): Value {
  if (act === 'none') return x;
  if (act === 'Clip') {
    const lo = b.initializer(`${p}clip_lo`, F, [], [0]);
    const hi = b.initializer(`${p}clip_hi`, F, [], [6]);
    return b.node('Clip', [x, lo, hi], {}, { name: `${p}act` })[0]!;
  }
  const attrs: Record<string, number> = act === 'LeakyRelu' ? { alpha: 0.1 } : act === 'HardSigmoid' ? { alpha: 0.2, beta: 0.5 } : {};
  return b.node(act, [x], attrs, { name: `${p}act`, floatAttrs: Object.keys(attrs) })[0]!;
}

function convSample(rng: Rng, id: string, kind: 'dense' | '1x1' | 'dw' | 'odd' | 'conv1d'): SampleConfig {
  let hw = rng.pick([3, 4, 6, 7, 10, 14, 20, 28, 40, 56, 80, 112, 160]);
  const k = kind === '1x1' ? 1 : rng.pick([3, 3, 3, 5, 7]);
  const stride = kind === '1x1' ? 1 : rng.pick([1, 1, 2]);
  let cin = rng.pick([3, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256]);
  let cout = rng.pick([8, 16, 24, 32, 48, 64, 96, 128, 256]);
  if (kind === 'dw') cin = cout = rng.pick([8, 16, 24, 32, 64, 96, 128, 192, 256, 384, 512]);
  if (kind === 'odd') [cin, cout] = [rng.pick([5, 6, 10, 22, 30, 50]), rng.pick([10, 22, 30, 50])];
  // Early layers of detectors and segmenters: few channels on large images, tensors beyond the caches.
  if (kind !== 'conv1d' && Math.max(cin, cout) <= 32 && rng.next() < 0.3) hw = rng.pick([224, 320]);
  else if (kind !== 'conv1d' && Math.max(cin, cout) <= 128 && rng.next() < 0.2) hw = rng.pick([160, 224]);
  const group = kind === 'dw' ? cin : 1;
  const bn = rng.next() < 0.5;
  const act = rng.pick(ACTS);
  const residual = kind !== 'conv1d' && stride === 1 && cin === cout && act === 'none' && rng.next() < 0.5;
  const rank1 = kind === 'conv1d';
  const side = rank1 ? hw * hw : hw;
  const out = Math.floor((side + 2 * Math.floor(k / 2) - k) / stride) + 1;
  const outN = rank1 ? cout * out : cout * out * out;
  const flops = 2 * outN * (cin / group) * (rank1 ? k : k * k);
  if (flops > 1.6e9) return convSample(rng, id, kind);
  return {
    family: `conv-${kind}`,
    id,
    cost: est(flops, 4 * (cin * (rank1 ? side : side * side) + outN)),
    build: (b, p) => {
      const dims = rank1 ? [1, cin, side] : [1, cin, side, side];
      const x = src(b, `${p}x`, F, dims);
      const w = weights(b, `${p}w`, rank1 ? [cout, cin / group, k] : [cout, cin / group, k, k], rng);
      const bias = weights(b, `${p}b`, [cout], rng);
      const pads = rank1 ? [k >> 1, k >> 1] : [k >> 1, k >> 1, k >> 1, k >> 1];
      let y = b.node('Conv', [x, w, bias], { kernel_shape: rank1 ? [k] : [k, k], strides: rank1 ? [stride] : [stride, stride], pads, group }, { name: `${p}conv` })[0]!;
      if (bn) {
        const c = (n: string, v: number): Value => b.initializer(`${p}${n}`, F, [cout], Array.from({ length: cout }, (_, i) => v + 0.01 * (i % 7)));
        y = b.node('BatchNormalization', [y, c('g', 1), c('be', 0), c('m', 0), c('v', 1)], { epsilon: 1e-5 }, { name: `${p}bn`, floatAttrs: ['epsilon'] })[0]!;
      }
      if (residual) y = b.node('Add', [y, x], {}, { name: `${p}add` })[0]!;
      y = activation(b, p, y, act);
      sink(b, p, y);
    },
  };
}

function gemmSample(rng: Rng, id: string, tiny = false): SampleConfig {
  const m = tiny ? rng.pick([1, 1, 2, 4]) : rng.pick([1, 1, 8, 32, 64, 128, 256, 512]);
  const kk = tiny ? rng.pick([8, 16, 32, 64, 128, 256]) : rng.pick([16, 32, 64, 128, 256, 512, 768, 1024]);
  const n = tiny ? rng.pick([8, 16, 32, 64, 128, 256]) : rng.pick([16, 32, 64, 128, 256, 512, 768, 1024]);
  const batched = rng.next() < 0.3;
  const heads = batched ? rng.pick([2, 4, 8]) : 1;
  const bias = !batched && rng.next() < 0.6;
  const flops = 2 * heads * m * kk * n;
  return {
    family: batched ? 'matmul-batched' : 'gemm',
    id,
    cost: est(flops, 4 * heads * (m * kk + kk * n + m * n)),
    build: (b, p) => {
      const a = src(b, `${p}a`, F, batched ? [heads, m, kk] : [m, kk]);
      const w = batched ? src(b, `${p}b`, F, [heads, kk, n]) : weights(b, `${p}w`, [kk, n], rng);
      let y = b.node('MatMul', [a, w], {}, { name: `${p}mm` })[0]!;
      if (bias) y = b.node('Add', [y, weights(b, `${p}bias`, [n], rng)], {}, { name: `${p}add` })[0]!;
      if (bias && rng.next() < 0.4) y = activation(b, p, y, 'Relu');
      sink(b, p, y);
    },
  };
}

const ELEMENTWISE = ['Add', 'Mul', 'Sub', 'Div', 'AddBroadcast', 'Relu', 'Clip', 'LeakyRelu', 'HardSigmoid', 'Neg', 'Max'] as const;
const MATH = ['Sigmoid', 'Tanh', 'Exp', 'Erf', 'Sqrt', 'Pow'] as const;

function elementwiseSample(rng: Rng, id: string, math: boolean, tiny = false): SampleConfig {
  const op = math ? rng.pick(MATH) : rng.pick(ELEMENTWISE);
  const c = tiny ? rng.pick([1, 4, 16]) : rng.pick([8, 16, 32, 64, 128]);
  const hw = tiny ? rng.pick([1, 2, 4, 8, 16]) : rng.pick([4, 8, 16, 28, 56, 80, 112, 160]);
  const dims = [1, c, hw, hw];
  const n = numel(dims);
  return {
    family: math ? 'elementwise-math' : 'elementwise',
    id,
    cost: est(4 * n, 12 * n),
    build: (b, p) => {
      const x = src(b, `${p}x`, F, dims);
      let y: Value;
      if (['Add', 'Mul', 'Sub', 'Div', 'Max'].includes(op)) y = b.node(op, [x, src(b, `${p}y`, F, dims)], {}, { name: `${p}op` })[0]!;
      else if (op === 'AddBroadcast') y = b.node('Add', [x, src(b, `${p}y`, F, [1, c, 1, 1])], {}, { name: `${p}op` })[0]!;
      else if (op === 'Pow') y = b.node('Pow', [x, b.initializer(`${p}e`, F, [], [2])], {}, { name: `${p}op` })[0]!;
      else if (op === 'Sqrt') y = b.node('Sqrt', [b.node('Abs', [x], {}, { name: `${p}abs` })[0]!], {}, { name: `${p}op` })[0]!;
      else y = activation(b, p, x, op);
      sink(b, p, y);
    },
  };
}

function simpleSample(rng: Rng, id: string, family: string): SampleConfig {
  const c = rng.pick([16, 32, 64, 128]);
  const hw = rng.pick([8, 14, 28, 56, 80, 112]);
  const rows = rng.pick([16, 64, 256, 1024]);
  const cols = rng.pick([16, 64, 256, 1024]);
  const n = family === 'softmax' || family === 'layernorm' || family === 'reduce' ? rows * cols : c * hw * hw;
  return {
    family,
    id,
    cost: est(8 * n, 16 * n),
    build: (b, p) => {
      const img = (): Value => src(b, `${p}x`, F, [1, c, hw, hw]);
      const mat = (): Value => src(b, `${p}x`, F, [1, rows, cols]);
      let y: Value;
      switch (family) {
        case 'softmax': y = b.node('Softmax', [mat()], { axis: -1 }, { name: `${p}op` })[0]!; break;
        case 'reduce': y = b.node(rng.pick(['ReduceMean', 'ReduceMax', 'ReduceL2']), [mat()], { axes: [-1], keepdims: 1 }, { name: `${p}op` })[0]!; break;
        case 'layernorm': y = layerNorm(b, p, mat(), cols, rng); break;
        case 'pool': {
          const op = rng.pick(['MaxPool', 'AveragePool', 'GlobalAveragePool']);
          const x = rng.next() < 0.5 ? img() : src(b, `${p}x`, F, [1, c + 4, hw, hw]);
          y = b.node(op, [x], op === 'GlobalAveragePool' ? {} : { kernel_shape: [2, 2], strides: [2, 2] }, { name: `${p}op` })[0]!;
          break;
        }
        case 'resize': {
          const nearest = rng.next() < 0.5;
          const scales = b.initializer(`${p}s`, F, [4], [1, 1, 2, 2]);
          const attrs: Record<string, string> = nearest ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } : { mode: 'linear' };
          y = b.node('Resize', [img(), b.initializer(`${p}roi`, F, [0], []), scales], attrs, { name: `${p}op` })[0]!;
          break;
        }
        case 'copy': {
          const op = rng.pick(['Concat', 'Transpose', 'Slice', 'Split', 'Pad', 'Gather']);
          const x = img();
          if (op === 'Concat') y = b.node('Concat', [x, src(b, `${p}y`, F, [1, c, hw, hw])], { axis: 1 }, { name: `${p}op` })[0]!;
          else if (op === 'Transpose') y = b.node('Transpose', [x], { perm: rng.pick([[0, 2, 3, 1], [0, 2, 1, 3]]) }, { name: `${p}op` })[0]!;
          else if (op === 'Slice') y = b.node('Slice', [x, b.initializer(`${p}st`, DataType.INT64, [1], [0]), b.initializer(`${p}en`, DataType.INT64, [1], [c / 2]), b.initializer(`${p}ax`, DataType.INT64, [1], [1])], {}, { name: `${p}op` })[0]!;
          else if (op === 'Split') {
            const outs = b.node('Split', [x], { axis: 1 }, { name: `${p}op`, outputs: [`${p}s0`, `${p}s1`] });
            sink(b, p, outs[1]!, 1);
            y = outs[0]!;
          } else if (op === 'Pad') y = b.node('Pad', [x, b.initializer(`${p}pd`, DataType.INT64, [8], [0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'constant' }, { name: `${p}op` })[0]!;
          else y = b.node('Gather', [weights(b, `${p}tab`, [256, c * 4], rng), b.input(`${p}i`, DataType.INT64, [1, hw])], { axis: 0 }, { name: `${p}op` })[0]!;
          break;
        }
        case 'reshape': y = b.node('Reshape', [img(), b.initializer(`${p}sh`, DataType.INT64, [3], [1, c, hw * hw])], {}, { name: `${p}op` })[0]!; break;
        case 'cast': {
          const half = rng.next() < 0.5;
          const x = half ? src(b, `${p}x`, DataType.FLOAT16, [1, c, hw, hw]) : img();
          y = b.node('Cast', [x], { to: half ? F : DataType.FLOAT16 }, { name: `${p}op` })[0]!;
          break;
        }
        default: throw new Error(`unknown sample family ${family}`);
      }
      sink(b, p, y);
    },
  };
}

/** LSTM or GRU over a short sequence, as in voice-activity and keyword models. */
function recurrentSample(rng: Rng, id: string): SampleConfig {
  const op = rng.pick(['LSTM', 'GRU']);
  const seq = rng.pick([1, 1, 4, 16]);
  const input = rng.pick([16, 32, 64, 128]);
  const hidden = rng.pick([16, 32, 64, 128]);
  const gates = op === 'LSTM' ? 4 : 3;
  const flops = 2 * seq * gates * hidden * (input + hidden);
  return {
    family: 'recurrent',
    id,
    cost: est(flops, 4 * gates * hidden * (input + hidden)),
    build: (b, p) => {
      const x = src(b, `${p}x`, F, [seq, 1, input]);
      const w = weights(b, `${p}W`, [1, gates * hidden, input], rng);
      const r = weights(b, `${p}R`, [1, gates * hidden, hidden], rng);
      const bias = weights(b, `${p}B`, [1, 2 * gates * hidden], rng);
      const y = b.node(op, [x, w, r, bias], { hidden_size: hidden }, { name: `${p}op`, outputs: op === 'LSTM' ? [`${p}y`, `${p}h`, `${p}c`] : [`${p}y`, `${p}h`] })[0]!;
      sink(b, p, y);
    },
  };
}

/** ReduceMean -> Sub -> Pow -> ReduceMean -> Add -> Sqrt -> Div -> Mul -> Add, as exporters write LayerNorm. */
function layerNorm(b: GraphBuilder, p: string, x: Value, d: number, rng: Rng): Value {
  const mean = b.node('ReduceMean', [x], { axes: [-1], keepdims: 1 }, { name: `${p}m1` })[0]!;
  const sub = b.node('Sub', [x, mean], {}, { name: `${p}sub` })[0]!;
  const pow = b.node('Pow', [sub, b.initializer(`${p}two`, F, [], [2])], {}, { name: `${p}pow` })[0]!;
  const v = b.node('ReduceMean', [pow], { axes: [-1], keepdims: 1 }, { name: `${p}m2` })[0]!;
  const ve = b.node('Add', [v, b.initializer(`${p}eps`, F, [], [1e-5])], {}, { name: `${p}eps_add` })[0]!;
  const sd = b.node('Sqrt', [ve], {}, { name: `${p}sqrt` })[0]!;
  const div = b.node('Div', [sub, sd], {}, { name: `${p}div` })[0]!;
  const mul = b.node('Mul', [div, weights(b, `${p}gamma`, [d], rng)], {}, { name: `${p}mul` })[0]!;
  return b.node('Add', [mul, weights(b, `${p}beta`, [d], rng)], {}, { name: `${p}add` })[0]!;
}

export { layerNorm, weights };

/** Families and how often each is drawn (a round-robin over this list, repeated). */
export function sampleFamilies(): { family: string; make: (rng: Rng, id: string) => SampleConfig }[] {
  return [
    { family: 'conv-dense', make: (r, id) => convSample(r, id, 'dense') },
    { family: 'conv-1x1', make: (r, id) => convSample(r, id, '1x1') },
    { family: 'conv-dw', make: (r, id) => convSample(r, id, 'dw') },
    { family: 'gemm', make: gemmSample },
    { family: 'elementwise', make: (r, id) => elementwiseSample(r, id, false) },
    { family: 'conv-dense', make: (r, id) => convSample(r, id, 'dense') },
    { family: 'conv-1x1', make: (r, id) => convSample(r, id, '1x1') },
    { family: 'elementwise-math', make: (r, id) => elementwiseSample(r, id, true) },
    { family: 'pool', make: (r, id) => simpleSample(r, id, 'pool') },
    { family: 'copy', make: (r, id) => simpleSample(r, id, 'copy') },
    { family: 'conv-odd', make: (r, id) => convSample(r, id, 'odd') },
    { family: 'softmax', make: (r, id) => simpleSample(r, id, 'softmax') },
    { family: 'layernorm', make: (r, id) => simpleSample(r, id, 'layernorm') },
    { family: 'reduce', make: (r, id) => simpleSample(r, id, 'reduce') },
    { family: 'resize', make: (r, id) => simpleSample(r, id, 'resize') },
    { family: 'conv1d', make: (r, id) => convSample(r, id, 'conv1d') },
    { family: 'reshape', make: (r, id) => simpleSample(r, id, 'reshape') },
    { family: 'cast', make: (r, id) => simpleSample(r, id, 'cast') },
    { family: 'gemm-tiny', make: (r, id) => gemmSample(r, id, true) },
    { family: 'elementwise-tiny', make: (r, id) => elementwiseSample(r, id, r.next() < 0.3, true) },
    { family: 'recurrent', make: recurrentSample },
    { family: 'gemm', make: gemmSample },
  ];
}
