// Writes samples/tiny-cnn.onnx with LayerLens's own IR and writer: a small image classifier with
// the patterns the tools act on (Conv+BatchNormalization pairs, a Gemm head). Deterministic.
import { writeFileSync, mkdirSync } from 'node:fs';
import { DataType } from '../src/core/ir/data-type';
import { newModel } from '../src/core/ir/builder';
import { writeModel } from '../src/core/onnx/writer';

let seed = 12345;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
}
const values = (n: number, scale: number, offset = 0): number[] => Array.from({ length: n }, () => offset + rand() * scale);

const { model, b } = newModel('tiny-cnn', [{ domain: '', version: 17 }]);
model.docString = 'LayerLens sample: a tiny CNN classifier (3x32x32 -> 10 classes), made by scripts/make-sample.ts';
const x = b.input('image', DataType.FLOAT, ['batch', 3, 32, 32]);

function convBnRelu(inp: typeof x, cin: number, cout: number, scope: string) {
  const w = b.initializer(`${scope}/conv.weight`, DataType.FLOAT, [cout, cin, 3, 3], values(cout * cin * 9, 0.4));
  const bias = b.initializer(`${scope}/conv.bias`, DataType.FLOAT, [cout], values(cout, 0.1));
  const [c] = b.node('Conv', [inp, w, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: `${scope}/conv` });
  const scale = b.initializer(`${scope}/bn.weight`, DataType.FLOAT, [cout], values(cout, 0.2, 1));
  const shift = b.initializer(`${scope}/bn.bias`, DataType.FLOAT, [cout], values(cout, 0.2));
  const mean = b.initializer(`${scope}/bn.running_mean`, DataType.FLOAT, [cout], values(cout, 0.2));
  const variance = b.initializer(`${scope}/bn.running_var`, DataType.FLOAT, [cout], values(cout, 0.2, 1));
  const [bn] = b.node('BatchNormalization', [c!, scale, shift, mean, variance], { epsilon: 1e-5 }, { name: `${scope}/bn`, floatAttrs: ['epsilon'] });
  const [r] = b.node('Relu', [bn!], {}, { name: `${scope}/relu` });
  return r!;
}

const s1 = convBnRelu(x, 3, 16, '/features/block1');
const [p1] = b.node('MaxPool', [s1], { kernel_shape: [2, 2], strides: [2, 2] }, { name: '/features/pool1' });
const s2 = convBnRelu(p1!, 16, 32, '/features/block2');
const [p2] = b.node('MaxPool', [s2], { kernel_shape: [2, 2], strides: [2, 2] }, { name: '/features/pool2' });
const s3 = convBnRelu(p2!, 32, 64, '/features/block3');
const [gap] = b.node('GlobalAveragePool', [s3], {}, { name: '/head/gap' });
const [flat] = b.node('Flatten', [gap!], { axis: 1 }, { name: '/head/flatten' });
const fw = b.initializer('/head/fc.weight', DataType.FLOAT, [10, 64], values(640, 0.3));
const fb = b.initializer('/head/fc.bias', DataType.FLOAT, [10], values(10, 0.1));
const [logits] = b.node('Gemm', [flat!, fw, fb], { transB: 1 }, { name: '/head/fc', outputs: ['logits'] });
const [probs] = b.node('Softmax', [logits!], { axis: 1 }, { name: '/head/softmax', outputs: ['probs'] });
b.output(probs!, DataType.FLOAT, ['batch', 10]);

mkdirSync('samples', { recursive: true });
writeFileSync('samples/tiny-cnn.onnx', writeModel(model));
console.log('wrote samples/tiny-cnn.onnx');
