// Builds a large synthetic transformer-like model (default ~20,000 nodes) for benchmarks: repeated
// blocks of MatMul/Add/LayerNorm-decomposition/Softmax/Reshape/Transpose under name scopes like a
// real PyTorch export (/encoder/layer.N/attn/...). Weights are small so the file stays light.
import { DataType } from '../src/core/ir/data-type';
import { newModel } from '../src/core/ir/builder';
import type { Model } from '../src/core/ir/model';
import type { Value } from '../src/core/ir/graph';

export function buildLargeModel(targetNodes = 20000, hidden = 64): Model {
  const { model, b } = newModel('bench-large', [{ domain: '', version: 18 }]); // 18: ReduceMean takes axes as an input
  let x: Value = b.input('tokens', DataType.FLOAT, ['batch', 'seq', hidden]);
  const w = (name: string, dims: number[]): Value =>
    b.initializer(name, DataType.FLOAT, dims, new Float32Array(dims.reduce((a, d) => a * d, 1)).fill(0.01));
  const axes = b.initializer('/axes_last', DataType.INT64, [1], [-1]);
  const eps = b.initializer('/eps', DataType.FLOAT, [], [1e-5]);
  const two = b.initializer('/two', DataType.FLOAT, [], [2]);
  let layer = 0;
  while (model.graph.nodes.length < targetNodes) {
    const s = `/encoder/layer.${layer}`;
    // decomposed LayerNorm (9 nodes)
    const [mean] = b.node('ReduceMean', [x, axes], {}, { name: `${s}/ln/mean` });
    const [d] = b.node('Sub', [x, mean!], {}, { name: `${s}/ln/sub` });
    const [sq] = b.node('Pow', [d!, two], {}, { name: `${s}/ln/pow` });
    const [v] = b.node('ReduceMean', [sq!, axes], {}, { name: `${s}/ln/var` });
    const [ve] = b.node('Add', [v!, eps], {}, { name: `${s}/ln/add_eps` });
    const [sd] = b.node('Sqrt', [ve!], {}, { name: `${s}/ln/sqrt` });
    const [n] = b.node('Div', [d!, sd!], {}, { name: `${s}/ln/div` });
    const [g] = b.node('Mul', [n!, w(`${s}/ln.weight`, [hidden])], {}, { name: `${s}/ln/mul` });
    const [ln] = b.node('Add', [g!, w(`${s}/ln.bias`, [hidden])], {}, { name: `${s}/ln/add` });
    // attention-ish (q, k, v projections, scores, softmax, context, out projection)
    const proj = (tag: string, inp: Value): Value => {
      const [m] = b.node('MatMul', [inp, w(`${s}/attn/${tag}.weight`, [hidden, hidden])], {}, { name: `${s}/attn/${tag}/MatMul` });
      const [a] = b.node('Add', [m!, w(`${s}/attn/${tag}.bias`, [hidden])], {}, { name: `${s}/attn/${tag}/Add` });
      return a!;
    };
    const q = proj('q', ln!);
    const k = proj('k', ln!);
    const val = proj('v', ln!);
    const [kt] = b.node('Transpose', [k], { perm: [0, 2, 1] }, { name: `${s}/attn/Transpose` });
    const [sc] = b.node('MatMul', [q, kt!], {}, { name: `${s}/attn/scores` });
    const [sm] = b.node('Softmax', [sc!], { axis: -1 }, { name: `${s}/attn/Softmax` });
    const [ctx] = b.node('MatMul', [sm!, val], {}, { name: `${s}/attn/context` });
    const o = proj('out', ctx!);
    const [res] = b.node('Add', [x, o], {}, { name: `${s}/residual` });
    const [act] = b.node('Relu', [res!], {}, { name: `${s}/mlp/Relu` });
    x = act!;
    layer++;
  }
  b.output(x, DataType.FLOAT, ['batch', 'seq', hidden]);
  return model;
}
