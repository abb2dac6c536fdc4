// A small ResNet-style model made in code for attribution tests: Conv+BatchNormalization+Relu
// stages, residual blocks joined by Add, and a two-branch block joined by Concat — the joins ORT
// must not be charged across. Weights are seeded pseudo-random values; every node is named.
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Value } from '../../src/core/ir/graph';
import { writeModel } from '../../src/core/onnx/writer';

export function resnetLike(opts: { channels?: number; size?: number; blocks?: number } = {}): Uint8Array {
  const C = opts.channels ?? 32;
  const S = opts.size ?? 56;
  const { model, b } = newModel('resnet-like');
  let seed = 7;
  const rand = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const weights = (name: string, dims: number[], scale: number): Value =>
    b.initializer(name, DataType.FLOAT, dims, Array.from({ length: dims.reduce((a, d) => a * d, 1) }, () => rand() * scale));
  const convBn = (name: string, x: Value, cin: number, cout: number, k: number, relu: boolean): Value => {
    const w = weights(`${name}.w`, [cout, cin, k, k], 2 / Math.sqrt(cin * k * k));
    const [c] = b.node('Conv', [x, w], { kernel_shape: [k, k], pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0] }, { name: `${name}/conv`, outputs: [`${name}/conv_out`] });
    const bn = ['scale', 'bias', 'mean', 'var'].map((p) => b.initializer(`${name}.bn.${p}`, DataType.FLOAT, [cout], Array.from({ length: cout }, () => (p === 'var' || p === 'scale' ? 1 + rand() * 0.2 : rand() * 0.1))));
    const [y] = b.node('BatchNormalization', [c!, ...bn], { epsilon: 1e-5 }, { name: `${name}/bn`, outputs: [`${name}/bn_out`], floatAttrs: ['epsilon'] });
    if (!relu) return y!;
    const [r] = b.node('Relu', [y!], {}, { name: `${name}/relu`, outputs: [`${name}/relu_out`] });
    return r!;
  };
  const input = b.input('image', DataType.FLOAT, [1, 3, S, S]);
  let x = convBn('stem', input, 3, C, 3, true);
  for (let i = 0; i < (opts.blocks ?? 3); i++) {
    const h = convBn(`block${i}/a`, x, C, C, 3, true);
    const y = convBn(`block${i}/b`, h, C, C, 3, false);
    const [sum] = b.node('Add', [y, x], {}, { name: `block${i}/add`, outputs: [`block${i}/add_out`] });
    const [r] = b.node('Relu', [sum!], {}, { name: `block${i}/out`, outputs: [`block${i}/out_relu`] });
    x = r!;
  }
  const left = convBn('branch/left', x, C, C / 2, 1, true);
  const right = convBn('branch/right', x, C, C / 2, 3, true);
  const [cat] = b.node('Concat', [left, right], { axis: 1 }, { name: 'branch/concat', outputs: ['branch/concat_out'] });
  const merged = convBn('merge', cat!, C, C, 1, true);
  const [pool] = b.node('GlobalAveragePool', [merged], {}, { name: 'head/pool', outputs: ['head/pool_out'] });
  const [flat] = b.node('Flatten', [pool!], { axis: 1 }, { name: 'head/flatten', outputs: ['head/flat'] });
  const fcW = weights('head.fc.w', [C, 10], 0.2);
  const fcB = weights('head.fc.b', [10], 0.1);
  const [mm] = b.node('MatMul', [flat!, fcW], {}, { name: 'head/matmul', outputs: ['head/mm'] });
  const [logits] = b.node('Add', [mm!, fcB], {}, { name: 'head/bias', outputs: ['logits'] });
  b.output(logits!, DataType.FLOAT, [1, 10]);
  return writeModel(model);
}
