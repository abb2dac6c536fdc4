// A transformer-like, MatMul-heavy model for quantization tests and benchmarks.
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Value } from '../../src/core/ir/graph';
import type { Model } from '../../src/core/ir/model';

const F = DataType.FLOAT;

/** A transformer-like MatMul-heavy stack: 4 × (MatMul 256→1024, Relu, MatMul 1024→256, Add residual). */
export function mlpStack(opset = 17): Model {
  const { model, b } = newModel('mlp', [{ domain: '', version: opset }]);
  let x: Value = b.input('x', F, [1, 64, 256]);
  let seed = 1;
  const w = (name: string, dims: number[]): Value =>
    b.initializer(name, F, dims, Array.from({ length: dims[0]! * dims[1]! }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.1));
  for (let l = 0; l < 4; l++) {
    const [h] = b.node('MatMul', [x, w(`l${l}.up`, [256, 1024])], {}, { name: `/layer.${l}/up` });
    const [r] = b.node('Relu', [h!], {}, { name: `/layer.${l}/relu` });
    const [d] = b.node('MatMul', [r!, w(`l${l}.down`, [1024, 256])], {}, { name: `/layer.${l}/down` });
    const [s] = b.node('Add', [x, d!], {}, { name: `/layer.${l}/residual` });
    x = s!;
  }
  b.output(x, F, [1, 64, 256]);
  return model;
}

