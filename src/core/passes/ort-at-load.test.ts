// Every rule's claim that ONNX Runtime already does its rewrite when it loads a model (Gain.ortAtLoad,
// which makes the ranking say "no latency gain with ORT") is checked against the graph ORT actually
// runs: each pattern is loaded with ORT's default graph optimizations and the optimized graph it
// writes out (optimizedModelFilePath) is read back. A rewrite ORT does not do (Conv + Sub/Div, dead
// code) must keep its nodes there, and its estimate must not claim it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildLargeModel } from '../../../bench/large-model';
import { ort } from '../../../test/support/ort';
import { geluModel, rule, vals } from '../../../test/support/rules';
import { newModel, type GraphBuilder } from '../ir/builder';
import { DataType } from '../ir/data-type';
import type { Value } from '../ir/graph';
import type { Model } from '../ir/model';
import { readModel } from '../onnx/reader';
import { writeModel } from '../onnx/writer';
import { contextFor, listSites } from './index';

const F = DataType.FLOAT;

/** The op types of the graph ORT runs for `m` (default optimizations: 'all', as verification and profiling use). */
async function ortGraph(m: Model): Promise<string[]> {
  const path = join(mkdtempSync(join(tmpdir(), 'll-ort-opt-')), 'optimized.onnx');
  const s = await ort.InferenceSession.create(writeModel(m), { graphOptimizationLevel: 'all', optimizedModelFilePath: path });
  await s.release();
  return readModel(readFileSync(path)).graph.nodes.map((n) => n.opType);
}

/** The rule's gain claim at its first passing site of `m`. */
function claim(m: Model, id: string): string | undefined {
  const ctx = contextFor(m);
  const site = listSites([rule(id)], ctx).find((s) => s.check.ok);
  assert.ok(site, `${id} applies to its pattern`);
  return rule(id).estimate!(site.site, { figures: () => undefined, rule: ctx }).ortAtLoad;
}

function conv(b: GraphBuilder, x: Value, name = 'conv', cin = 3): Value {
  return b.node('Conv', [x, b.initializer(`${name}.w`, F, [4, cin, 3, 3], vals(36 * cin)), b.initializer(`${name}.b`, F, [4], vals(4, 2))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name })[0]!;
}

function affine(op: string): Model {
  const { model, b } = newModel(op);
  const x = b.input('x', F, [1, 3, 8, 8]);
  const [y] = b.node(op, [conv(b, x), b.initializer('k', F, [4, 1, 1], [1.5, 2, 0.5, 3])], {}, { name: 'op' });
  b.output(y!, F, null);
  return model;
}

/** rule id, the pattern, the op type the rewrite removes (gone from ORT's graph iff the rule claims ORT does it), a label. */
const cases: [string, () => Model, string, string?][] = [
  ['fuse-conv-batchnorm', () => {
    const { model, b } = newModel('cbn');
    const x = b.input('x', F, [1, 3, 8, 8]);
    const p = (n: string, k: number, off: number) => b.initializer(n, F, [4], vals(4, k).map((v) => v + off));
    const [y] = b.node('BatchNormalization', [conv(b, x), p('g', 2, 1), p('be', 3, 0), p('mu', 4, 0), p('var', 5, 1)], {}, { name: 'bn' });
    b.output(y!, F, null);
    return model;
  }, 'BatchNormalization'],
  ['fuse-conv-affine', () => affine('Mul'), 'Mul'],
  ['fuse-conv-affine', () => affine('Add'), 'Add'],
  ['fuse-conv-affine', () => affine('Sub'), 'Sub'],
  ['fuse-conv-affine', () => affine('Div'), 'Div'],
  ['fuse-matmul-add', () => {
    const { model, b } = newModel('mm');
    const x = b.input('x', F, [5, 6]);
    const [m] = b.node('MatMul', [x, b.initializer('w', F, [6, 4], vals(24))], {}, { name: 'mm' });
    const [y] = b.node('Add', [m!, b.initializer('c', F, [4], vals(4, 3))], {}, { name: 'add' });
    b.output(y!, F, null);
    return model;
  }, 'Add'],
  ['fuse-transpose-pair', () => {
    const { model, b } = newModel('tt');
    const x = b.input('x', F, [2, 3, 4]);
    const [r] = b.node('Relu', [x], {}, { name: 'r' });
    const [t1] = b.node('Transpose', [r!], { perm: [2, 0, 1] }, { name: 't1' });
    const [t2] = b.node('Transpose', [t1!], { perm: [1, 2, 0] }, { name: 't2' });
    const [y] = b.node('Relu', [t2!], {}, { name: 'r2' });
    b.output(y!, F, null);
    return model;
  }, 'Transpose'],
  ['fuse-transpose-gemm', () => {
    const { model, b } = newModel('tg');
    const a = b.input('a', F, [6, 5]);
    const [r] = b.node('Relu', [a], {}, { name: 'r' });
    const [t] = b.node('Transpose', [r!], { perm: [1, 0] }, { name: 't' });
    const [y] = b.node('Gemm', [t!, b.initializer('w', F, [6, 3], vals(18))], {}, { name: 'gemm' });
    b.output(y!, F, null);
    return model;
  }, 'Transpose'],
  ...(['Conv', 'MaxPool', 'AveragePool'] as const).map((op): [string, () => Model, string, string] => ['fuse-pad-conv', () => {
    const { model, b } = newModel('pad');
    const x = b.input('x', F, [1, 3, 6, 6]);
    const [r] = b.node('Relu', [x], {}, { name: 'relu' });
    const [p] = b.node('Pad', [r!, b.initializer('pads', DataType.INT64, [8], [0, 0, 1, 1, 0, 0, 1, 1])], {}, { name: 'pad' });
    const [y] = op === 'Conv' ? [conv(b, p!)] : b.node(op, [p!], { kernel_shape: [3, 3], ...(op === 'AveragePool' ? { count_include_pad: 1 } : {}) }, { name: 'pool' });
    b.output(y!, F, null);
    return model;
  }, 'Pad', `into ${op}`]),
  ['fuse-layernorm', () => buildLargeModel(20, 16), 'ReduceMean'],
  ['fuse-gelu', () => geluModel(20), 'Erf'],
  ['fuse-constant-fold', () => {
    const { model, b } = newModel('cf');
    const x = b.input('x', F, [2, 8]);
    const [s] = b.node('Shape', [x], {}, { name: 'shape' });
    const [y] = b.node('Reshape', [x, s!], {}, { name: 'reshape' });
    b.output(y!, F, null);
    return model;
  }, 'Shape'],
  ['fuse-identity', () => {
    const { model, b } = newModel('id');
    const x = b.input('x', F, [3]);
    const [r] = b.node('Relu', [x], {}, { name: 'relu' });
    const [i] = b.node('Identity', [r!], {}, { name: 'id' });
    const [y] = b.node('Exp', [i!], {}, { name: 'exp' });
    b.output(y!, F, null);
    return model;
  }, 'Identity'],
  ['cleanup-dead-code', () => {
    const { model, b } = newModel('dead');
    const x = b.input('x', F, [3]);
    const [r] = b.node('Relu', [x], {}, { name: 'relu' });
    b.node('Exp', [x], {}, { name: 'dead' });
    b.output(r!, F, null);
    return model;
  }, 'Exp'],
];

for (const [id, build, op, label] of cases) {
  test(`${id} (${label ?? op}): the gain says ORT does it at load time exactly when ORT's optimized graph no longer has the ${op}`, async () => {
    const m = build();
    const claimed = claim(m, id);
    const kept = (await ortGraph(m)).includes(op);
    assert.equal(!!claimed, !kept, `${id}: claim ${JSON.stringify(claimed)}, ORT's graph ${kept ? 'keeps' : 'drops'} the ${op}`);
  });
}

test('the erf GELU: ORT fuses it even below opset 20, where the rule itself is refused', async () => {
  assert.ok(!(await ortGraph(geluModel(13))).includes('Erf'));
});
