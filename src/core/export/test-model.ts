// TEST-ONLY: the small model the export tests run on, built with the IR builder and analysed with
// the real shape inference and cost model. Its node names are hostile on purpose (a comma and a
// quote, a spreadsheet formula, a newline and a script tag, `+`/`@`/`-` leads, `__proto__`, unnamed
// nodes), and it holds every kind of nested graph: an If with a run-time condition, a Loop with a
// constant trip count, and a call of a model-local function. The figures are derived by hand in
// the tests that use it.
import { analyzeModel } from '../analysis/analyze';
import { GraphBuilder, newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { Graph } from '../ir/graph';
import type { Model } from '../ir/model';
import { readModel } from '../onnx/reader';
import { writeModel } from '../onnx/writer';
import { Tensor } from '../ir/tensor';
import { figureTree, type FigureTree } from '../analysis/figure-tree';

const F = DataType.FLOAT;
const fill = (n: number): number[] => Array.from({ length: n }, (_, i) => ((i % 7) - 3) / 8);

export const NAMES = {
  graph: 'tiny, "cnn"',
  conv: 'conv,"1"',
  relu: "=cmd|' /C calc'!A0",
  gap: 'gap\n<script>alert(1)</script>',
  iff: '+if',
  loop: '@loop',
  loopMm: '-mm',
  call: '__proto__',
} as const;

export function exportModel(): { model: Model; tree: FigureTree } {
  const { model, b } = newModel(NAMES.graph, [{ domain: '', version: 17 }, { domain: 'local', version: 1 }]);
  const x = b.input('x', F, [1, 3, 8, 8]);
  const c = b.input('c', DataType.BOOL, []);
  const w = b.initializer('w', F, [4, 3, 3, 3], fill(108));
  const bias = b.initializer('b', F, [4], fill(4));
  const w2 = b.initializer('w2', F, [4, 4], fill(16));
  const [y1] = b.node('Conv', [x, w, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: NAMES.conv });
  const [y2] = b.node('Relu', [y1!], {}, { name: NAMES.relu });
  const [y3] = b.node('GlobalAveragePool', [y2!], {}, { name: NAMES.gap });
  const [h] = b.node('Flatten', [y3!], {}, { name: '', outputs: ['h'] });

  // If on a run-time condition: then = MatMul + Relu (both unnamed), else = Identity (unnamed).
  const thenG = new Graph('then', model.graph, null);
  const tb = new GraphBuilder(thenG);
  const [tm] = tb.node('MatMul', [h!, w2], {}, { name: '', outputs: ['t_mm'] });
  const [tr] = tb.node('Relu', [tm!], {}, { name: '', outputs: ['t_out'] });
  tb.output(tr!);
  const elseG = new Graph('else', model.graph, null);
  const eb = new GraphBuilder(elseG);
  const [ei] = eb.node('Identity', [h!], {}, { name: '', outputs: ['e_out'] });
  eb.output(ei!);
  const [ifOut] = b.node('If', [c], { then_branch: thenG, else_branch: elseG }, { name: NAMES.iff, outputs: ['if_out'] });

  // Loop with a constant trip count of 3: each iteration one MatMul, stacked as a scan output.
  const m = b.initializer('M', DataType.INT64, [], [3]);
  const body = new Graph('body', model.graph, null);
  const lb = new GraphBuilder(body);
  lb.input('i', DataType.INT64, []);
  const cond = lb.input('cond', DataType.BOOL, []);
  const [condOut] = lb.node('Identity', [cond], {}, { name: 'loop_cond', outputs: ['cond_out'] });
  const [lm] = lb.node('MatMul', [h!, w2], {}, { name: NAMES.loopMm, outputs: ['l_mm'] });
  lb.output(condOut!);
  lb.output(lm!);
  const [scan] = b.node('Loop', [m, null], { body }, { name: NAMES.loop, outputs: ['scan'] });

  // A model-local function local.Block: Constant 'fw_const', MatMul 'inner', an unnamed Relu.
  const fnBody = new Graph('Block', null, null);
  const fb = new GraphBuilder(fnBody);
  const fx = fb.input('fx', F, [1, 4]);
  // (functions hold no initializers: the weight is a Constant node)
  const [fw] = fb.node('Constant', [], { value: Tensor.fromNumbers('fw', F, [4, 4], fill(16)) }, { name: 'fw_const', outputs: ['fw'] });
  const [fm] = fb.node('MatMul', [fx, fw!], {}, { name: 'inner', outputs: ['f_mm'] });
  const [fr] = fb.node('Relu', [fm!], {}, { name: '', outputs: ['f_out'] });
  fb.output(fr!);
  model.functions.push({
    name: 'Block', domain: 'local', overload: '', inputs: ['fx'], outputs: ['f_out'], attributeNames: [], attributeDefaults: [],
    body: fnBody, opsetImports: [{ domain: '', version: 17 }], docString: '', metadata: [],
  });
  const [callOut] = b.node('Block', [ifOut!], {}, { name: NAMES.call, domain: 'local', outputs: ['call_out'] });
  const [out] = b.node('Sigmoid', [callOut!], {}, { name: '', outputs: ['y'] });
  b.output(out!);
  b.output(scan!);
  // Through the writer and the reader, as a file would be: the reader gives unnamed nodes ONNX Runtime's names.
  const read = readModel(writeModel(model));
  return { model: read, tree: figureTree(read, analyzeModel(read)) };
}
