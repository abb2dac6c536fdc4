// A small decoder-style transformer built with LayerLens's own builder, for quantization tests and
// benchmarks: a token embedding table read by Gather (and a positional table), `layers` blocks of
// LayerNormalization, single-head attention (q/k/v/out projections, Q·Kᵀ and softmax·V — two
// products of computed tensors) and an MLP, then a language-model head to `vocab` logits.
// The defaults give a 5.12 MB embedding table ([5000, 256] float) like the model.
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Value } from '../../src/core/ir/graph';
import type { Model } from '../../src/core/ir/model';

const F = DataType.FLOAT;

export interface TinyTransformerOptions {
  vocab?: number;
  dim?: number;
  seq?: number;
  layers?: number;
}

export function tinyTransformer(o: TinyTransformerOptions = {}): Model {
  const { vocab = 5000, dim = 256, seq = 128, layers = 2 } = o;
  const { model, b } = newModel('tiny-transformer', [{ domain: '', version: 17 }]);
  let seed = 7;
  const rand = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const w = (name: string, dims: number[], scale: number): Value => b.initializer(name, F, dims, Array.from({ length: dims.reduce((a, d) => a * d, 1) }, () => rand() * scale));
  const ones = (name: string): Value => b.initializer(name, F, [dim], new Array(dim).fill(1));
  const zeros = (name: string): Value => b.initializer(name, F, [dim], new Array(dim).fill(0));
  const ids = b.input('input_ids', DataType.INT64, [1, seq]);
  const [tok] = b.node('Gather', [w('embed.tokens', [vocab, dim], 0.2), ids], { axis: 0 }, { name: '/embed/tokens' });
  const positions = b.initializer('positions', DataType.INT64, [1, seq], Array.from({ length: seq }, (_, i) => i));
  const [pos] = b.node('Gather', [w('embed.positions', [seq, dim], 0.2), positions], { axis: 0 }, { name: '/embed/positions' });
  let [x] = b.node('Add', [tok!, pos!], {}, { name: '/embed/add' });
  const linear = (s: string, inp: Value, k: number, n: number): Value => {
    const [m] = b.node('MatMul', [inp, w(`${s}.weight`, [k, n], 2 / Math.sqrt(k))], {}, { name: `${s}/MatMul` });
    const [a] = b.node('Add', [m!, w(`${s}.bias`, [n], 0.02)], {}, { name: `${s}/Add` });
    return a!;
  };
  const norm = (s: string, inp: Value): Value => b.node('LayerNormalization', [inp, ones(`${s}.weight`), zeros(`${s}.bias`)], { axis: -1, epsilon: 1e-5 }, { name: s, floatAttrs: ['epsilon'] })[0]!;
  for (let l = 0; l < layers; l++) {
    const s = `/layers.${l}`;
    const h = norm(`${s}/ln1`, x!);
    const q = linear(`${s}/attn/q`, h, dim, dim);
    const k = linear(`${s}/attn/k`, h, dim, dim);
    const v = linear(`${s}/attn/v`, h, dim, dim);
    const [kt] = b.node('Transpose', [k], { perm: [0, 2, 1] }, { name: `${s}/attn/Transpose` });
    const [sc] = b.node('MatMul', [q, kt!], {}, { name: `${s}/attn/scores` });
    const [scaled] = b.node('Mul', [sc!, b.initializer(`${s}/attn/scale`, F, [], [1 / Math.sqrt(dim)])], {}, { name: `${s}/attn/scale` });
    const [p] = b.node('Softmax', [scaled!], { axis: -1 }, { name: `${s}/attn/Softmax` });
    const [ctx] = b.node('MatMul', [p!, v], {}, { name: `${s}/attn/context` });
    const o1 = linear(`${s}/attn/out`, ctx!, dim, dim);
    const [r1] = b.node('Add', [x!, o1], {}, { name: `${s}/attn/residual` });
    const h2 = norm(`${s}/ln2`, r1!);
    const [act] = b.node('Relu', [linear(`${s}/mlp/up`, h2, dim, 4 * dim)], {}, { name: `${s}/mlp/Relu` });
    const down = linear(`${s}/mlp/down`, act!, 4 * dim, dim);
    [x] = b.node('Add', [r1!, down], {}, { name: `${s}/mlp/residual` });
  }
  const [logits] = b.node('MatMul', [norm('/final_norm', x!), w('lm_head.weight', [dim, vocab], 2 / Math.sqrt(dim))], {}, { name: '/lm_head/MatMul', outputs: ['logits'] });
  b.output(logits!, F, [1, seq, vocab]);
  return model;
}
