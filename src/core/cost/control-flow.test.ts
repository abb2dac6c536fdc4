// The control-flow totals rule (control-flow.ts) by hand-derived counts: If branches, Loop trip counts,
// Scan lengths, model-local function calls; byOp adding up to the totals; counts past 2^53.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { Tensor } from '../ir/tensor';
import { Graph, type Value } from '../ir/graph';
import type { Model } from '../ir/model';
import { constant, declare, F, fill, opOf, run } from './test-util';

/** A body graph of `layers` MatMuls [1,8]x[8,8] reading the outer x and w. */
function matmulBody(model: Model, name: string, layers: number, x: Value, w: Value): Graph {
  const g = new Graph(name, model.graph, null);
  const gb = new GraphBuilder(g);
  const op = opOf(gb);
  let h = x;
  for (let i = 0; i < layers; i++) h = op('MatMul', [h, w], {}, `${name}_mm${i}`, [1, 8]);
  gb.output(op('Identity', [h], {}, `${name}_out`, [1, 8]));
  return g;
}

test('If: both branches are costed and listed; the totals count the larger one', () => {
  const { r, node } = run((b, op, model) => {
    const c = b.input('c', DataType.BOOL, []);
    const x = b.input('x', F, [1, 8]);
    const w = b.initializer('w', F, [8, 8], fill(64));
    b.output(op('If', [c], { then_branch: matmulBody(model, 'then', 1, x, w), else_branch: matmulBody(model, 'else', 3, x, w) }, 'if', [1, 8]));
  });
  // one MatMul is 1·8·8 = 64 MACs; else has 3
  assert.equal(node('then_mm0').graphPath, 'if/then_branch');
  assert.equal(node('else_mm2').graphPath, 'if/else_branch');
  assert.equal(node('then_mm0').macs, 64);
  assert.equal(node('then_mm0').runs, 0);
  assert.equal(node('else_mm0').runs, 1);
  assert.equal(r.totals.macs, 3 * 64);
  assert.match(node('if').note!, /larger branch, else_branch/);
  // params: the shared weight once, whichever branch reads it
  assert.equal(r.totals.params, 64);
});

test('If with a constant condition counts the branch it selects', () => {
  const { r } = run((b, op, model) => {
    const c = constant(b, 'cond', Tensor.fromNumbers('cond', DataType.BOOL, [], [1]));
    const x = b.input('x', F, [1, 8]);
    const w = b.initializer('w', F, [8, 8], fill(64));
    b.output(op('If', [c], { then_branch: matmulBody(model, 'then', 1, x, w), else_branch: matmulBody(model, 'else', 3, x, w) }, 'if', [1, 8]));
  });
  assert.equal(r.totals.macs, 64);
});

test('Loop: body × a constant trip count; an unknown trip count counts once with a warning', () => {
  const loopBody = (model: Model, name: string, x: Value, w: Value): Graph => {
    const g = new Graph(name, model.graph, null);
    const gb = new GraphBuilder(g);
    gb.input(`${name}_i`, DataType.INT64, []);
    const cond = gb.input(`${name}_cond`, DataType.BOOL, []);
    const op = opOf(gb);
    gb.output(op('Identity', [cond], {}, `${name}_cond_out`, [], { elemType: DataType.BOOL }));
    gb.output(op('MatMul', [x, w], {}, `${name}_mm`, [1, 8]));
    return g;
  };
  const { r, node } = run((b, op, model) => {
    const x = b.input('x', F, [1, 8]);
    const w = b.initializer('w', F, [8, 8], fill(64));
    const m = b.initializer('M', DataType.INT64, [], [5]);
    const [, scan] = b.node('Loop', [m, null], { body: loopBody(model, 'fixed', x, w) }, { name: 'loop5', outputs: 2 });
    b.output(declare(scan, [5, 1, 8]));
    const n = b.input('n', DataType.INT64, []);
    const [, scan2] = b.node('Loop', [n, null], { body: loopBody(model, 'open', x, w) }, { name: 'loopN', outputs: 2 });
    b.output(declare(scan2, ['n', 1, 8]));
  });
  // 64 MACs per iteration: 5·64 + 1·64
  assert.equal(node('fixed_mm').runs, 5);
  assert.equal(node('open_mm').runs, 1);
  assert.equal(r.totals.macs, 6 * 64);
  assert.equal(r.byOp.find((o) => o.opType === 'MatMul')!.macs, 6 * 64);
  assert.ok(r.warnings.some((s) => s.includes("Loop 'loopN'") && s.includes('counted once')), r.warnings.join('\n'));
  assert.equal(r.totalsIncomplete, true);
});

test('Scan: body × scan length', () => {
  const { r, node } = run((b, op, model) => {
    const seq = b.input('seq', F, [7, 1, 8]);
    const w = b.initializer('w', F, [8, 8], fill(64));
    const g = new Graph('body', model.graph, null);
    const gb = new GraphBuilder(g);
    const xt = gb.input('xt', F, [1, 8]);
    gb.output(opOf(gb)('MatMul', [xt, w], {}, 'step', [1, 8]));
    b.output(op('Scan', [seq], { body: g, num_scan_inputs: 1 }, 'scan', [7, 1, 8]));
  });
  assert.equal(node('step').runs, 7);
  assert.equal(r.totals.macs, 7 * 64);
});

test('a call of a model-local function costs what its body costs; the body is listed with runs 0', () => {
  const { r, node } = run((b, op, model) => {
    const body = new Graph('Block', null, null);
    const gb = new GraphBuilder(body);
    const fx = gb.input('fx', F, [1, 8]);
    const fw = gb.initializer('fw', F, [8, 8], fill(64));
    const fo = opOf(gb)('MatMul', [fx, fw], {}, 'inner', [1, 8]);
    gb.output(opOf(gb)('Relu', [fo], {}, 'inner_relu', [1, 8]));
    model.functions.push({
      name: 'Block', domain: 'local', overload: '', inputs: ['fx'], outputs: ['inner_relu_out'], attributeNames: [],
      attributeDefaults: [], body, opsetImports: [{ domain: '', version: 17 }], docString: '', metadata: [],
    });
    model.opsetImports.push({ domain: 'local', version: 1 });
    const x = b.input('x', F, [1, 8]);
    const y = op('Block', [x], {}, 'call1', [1, 8], { domain: 'local' });
    b.output(op('Block', [y], {}, 'call2', [1, 8], { domain: 'local' }));
  });
  // body: MatMul 64 MACs / 128 FLOPs + Relu 8 FLOPs
  assert.equal(node('call1').macs, 64);
  assert.equal(node('call1').flops, 136);
  assert.equal(node('call1').known, true);
  assert.equal(node('inner').graphPath, 'fn:local.Block');
  assert.equal(node('inner').runs, 0);
  assert.equal(r.totals.macs, 128);
  assert.equal(r.totals.params, 64);
  assert.equal(r.unknownOps.length, 0);
});

test('byOp adds up to the totals', () => {
  const { r } = run((b, op) => {
    const x = b.input('x', F, [1, 3, 8, 8]);
    const w = b.initializer('w', F, [4, 3, 3, 3], fill(108));
    const y = op('Conv', [x, w], { pads: [1, 1, 1, 1] }, 'conv', [1, 4, 8, 8]);
    const z = op('Relu', [y], {}, 'relu', [1, 4, 8, 8]);
    b.output(op('GlobalAveragePool', [z], {}, 'gap', [1, 4, 1, 1]));
  });
  const sum = (k: 'macs' | 'flops' | 'params' | 'weightBytes' | 'activationBytes'): number => r.byOp.reduce((s, o) => s + o[k], 0);
  for (const k of ['macs', 'flops', 'params', 'weightBytes', 'activationBytes'] as const) assert.equal(sum(k), r.totals[k], k);
  // Conv 4·8·8·3·9 = 6,912 MACs
  assert.equal(r.totals.macs, 6_912);
  // 2·6,912 + Relu 256 + GAP 256 + 4
  assert.equal(r.totals.flops, 13_824 + 256 + 260);
  assert.equal(r.totalsIncomplete, false);
});

test('a count past 2^53 is unknown with the reason, never a rounded figure that looks exact', () => {
  const { r, node } = run((b, op) => {
    // [2^26, 2^26] × [2^26, 2^26]: 2^78 MACs, far past 2^53
    const a = b.input('a', F, [2 ** 26, 2 ** 26]);
    const c = b.input('c', F, [2 ** 26, 2 ** 26]);
    b.output(op('MatMul', [a, c], {}, 'huge', [2 ** 26, 2 ** 26]));
  });
  assert.equal(node('huge').macs, null);
  assert.equal(node('huge').flops, null);
  assert.match(node('huge').note!, /past 2\^53/);
  // its output is 2^52 floats = 2^54 bytes: not exact either
  assert.equal(node('huge').activationBytes, null);
  assert.equal(r.totalsIncomplete, true);
  assert.equal(r.activationBytesIncomplete, true);
  assert.ok(r.warnings.some((w) => /huge.*past 2\^53/.test(w)), r.warnings.join('\n'));
});

