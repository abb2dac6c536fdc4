// The structural rules ONNX Runtime enforces at load (structure-check.ts, and the reader's cycle
// check), each on a crafted model loaded by both ORT (onnxruntime-node, the oracle: it must refuse,
// with the error quoted in the test) and LayerLens (which must refuse with a typed error naming the
// node or tensor, or accept with a warning where ORT only warns).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ort } from '../../../test/support/ort';
import {
  boolInfo,
  floatInit,
  identityBranch,
  ifNode,
  modelBytes,
  nestedIfModel,
  node,
  tensorInfo,
  type GraphInit,
} from '../../../test/support/craft';
import { analyzeModel } from '../analysis/analyze';
import { ModelGraphError, ModelLimitError } from '../errors';
import { readModel } from './reader';

async function ortRefuses(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  await assert.rejects(ort.InferenceSession.create(bytes), (e: Error) => {
    assert.match(e.message, pattern);
    return true;
  });
}

async function ortLoads(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
}

function weRefuse(bytes: Uint8Array, pattern: RegExp, cls: new (...a: never[]) => Error = ModelGraphError): void {
  assert.throws(
    () => readModel(bytes),
    (e: unknown) => {
      assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

const x2 = tensorInfo('x', [2]);
const ifModel = (thenBranch: GraphInit, elseBranch: GraphInit, before: GraphInit['node'] = [], extra: Partial<GraphInit> = {}): Uint8Array =>
  modelBytes({ input: [x2, boolInfo('c')], output: [tensorInfo('y', [2])], node: [...(before ?? []), ifNode('c', ['y'], thenBranch, elseBranch, 'the_if')], ...extra } as GraphInit);

test('a node reading its own output is a cycle (ORT: "the graph is not acyclic")', async () => {
  const selfLoop = modelBytes({ input: [x2], output: [tensorInfo('a', [2])], node: [node('Add', ['x', 'a'], ['a'], { name: 'loop' })] });
  await ortRefuses(selfLoop, /the graph is not acyclic/);
  weRefuse(selfLoop, /the graph has a cycle through node Add 'loop' \(a node reading its own output.*"the graph is not acyclic"/);

  const inBranch = ifModel({ name: 'b', output: [tensorInfo('t', [2])], node: [node('Add', ['x', 't'], ['t'], { name: 'inner' })] }, identityBranch('x', 'u'));
  await ortRefuses(inBranch, /the graph is not acyclic/);
  weRefuse(inBranch, /cycle through node Add 'inner'/);

  // The If's branch reads the If's own output: a cycle through the subgraph.
  const throughBranch = ifModel(identityBranch('y', 't'), identityBranch('x', 'u'));
  await ortRefuses(throughBranch, /the graph is not acyclic/);
  weRefuse(throughBranch, /cycle through node If 'the_if'/);
});

test('a graph input declared twice (ORT: "Duplicate definition-site")', async () => {
  const main = modelBytes({ input: [x2, x2], output: [tensorInfo('y', [2])], node: [node('Relu', ['x'], ['y'])] });
  await ortRefuses(main, /Duplicate definition-site for \(x\)/);
  weRefuse(main, /graph input 'x' is declared twice in the main graph/);

  const i64 = (name: string): ReturnType<typeof tensorInfo> => tensorInfo(name, [], 7);
  const body: GraphInit = {
    name: 'body',
    input: [i64('i'), boolInfo('i'), x2],
    output: [boolInfo('co'), tensorInfo('xo', [2])],
    node: [node('Identity', ['i'], ['co']), node('Relu', ['x'], ['xo'])],
  };
  const loop = modelBytes({
    input: [x2],
    output: [tensorInfo('y', [2])],
    initializer: [{ name: 'M', dims: [], dataType: 7, int64Data: [2n] }, { name: 'go', dims: [], dataType: 9, int32Data: [1] }],
    node: [node('Loop', ['M', 'go', 'x'], ['y'], { attribute: [{ name: 'body', type: 5, g: body }] })],
  });
  await ortRefuses(loop, /Duplicate definition-site for \(i\)/);
  weRefuse(loop, /graph input 'i' is declared twice in subgraph Loop_0\/body/);
});

test('two nodes of one graph with one name (ORT: "two nodes with same node name"); across graphs is fine', async () => {
  const main = modelBytes({ input: [x2], output: [tensorInfo('z', [2])], node: [node('Relu', ['x'], ['y'], { name: 'n' }), node('Abs', ['y'], ['z'], { name: 'n' })] });
  await ortRefuses(main, /two nodes with same node name \(n\)/);
  weRefuse(main, /two nodes of the main graph are named 'n' \(Relu and Abs\)/);

  const twice: GraphInit = { name: 'b', output: [tensorInfo('t2', [2])], node: [node('Identity', ['x'], ['t1'], { name: 'n' }), node('Identity', ['t1'], ['t2'], { name: 'n' })] };
  const inBranch = ifModel(twice, identityBranch('x', 'u'));
  await ortRefuses(inBranch, /two nodes with same node name \(n\)/);
  weRefuse(inBranch, /two nodes of subgraph the_if\/then_branch are named 'n'/);

  const named = (n: string, i: string, o: string): GraphInit => ({ name: 'b', output: [tensorInfo(o, [2])], node: [node('Identity', [i], [o], { name: n })] });
  const across = modelBytes({ input: [x2, boolInfo('c')], output: [tensorInfo('y', [2])], node: [ifNode('c', ['y'], named('n', 'x', 't'), named('n', 'x', 'u'), 'n')] });
  await (await ortLoads(across)).release();
  assert.equal(readModel(across).warnings.length, 0);
});

test('a subgraph output reusing a name in scope (ORT: "single static assignment (SSA) form")', async () => {
  const ssa = /Graph must be in single static assignment \(SSA\) form, however '(\w+)' has been used as output names multiple times/;
  // An output of an earlier node, a graph input, an initializer of the enclosing graph.
  const ofNode = ifModel(identityBranch('x', 't'), identityBranch('x', 'u'), [node('Relu', ['x'], ['t'], { name: 'early' })], { output: [tensorInfo('y', [2]), tensorInfo('t', [2])] });
  await ortRefuses(ofNode, ssa);
  weRefuse(ofNode, /'t' is produced by node Identity '.*' in subgraph the_if\/then_branch and is also the output of node Relu 'early', which runs before If 'the_if'.*SSA/);
  const ofInput = ifModel(identityBranch('c', 'x'), identityBranch('x', 'u'));
  await ortRefuses(ofInput, ssa);
  weRefuse(ofInput, /'x' is produced by .* and is also an input of the main graph/);
  const ofInit = ifModel(identityBranch('x', 'w'), identityBranch('x', 'u'), [], { initializer: [floatInit('w', [2])] });
  await ortRefuses(ofInit, ssa);
  weRefuse(ofInit, /'w' is produced by .* and is also an initializer of the main graph/);

  // Accepted by ORT: the If's own output, a node that must run after the If, sibling branches.
  const ownOutput = ifModel(identityBranch('x', 'y'), identityBranch('x', 'u'));
  const afterIf = modelBytes({
    input: [x2, boolInfo('c')],
    output: [tensorInfo('t', [2])],
    node: [ifNode('c', ['y'], identityBranch('x', 't'), identityBranch('x', 'u'), 'the_if'), node('Relu', ['y'], ['t'], { name: 'late' })],
  });
  const siblings = ifModel(identityBranch('x', 't'), identityBranch('x', 't'));
  for (const bytes of [ownOutput, afterIf, siblings]) {
    await (await ortLoads(bytes)).release();
    assert.deepEqual(readModel(bytes).warnings, []);
  }
  // ORT checks nodes reading no other node first, in file order: 'other' before the If, which waits for 'z'.
  const firstBatch = modelBytes({
    input: [x2, boolInfo('c')],
    output: [tensorInfo('y', [2]), tensorInfo('t', [2])],
    node: [ifNode('c', ['y'], identityBranch('z', 't'), identityBranch('x', 'u'), 'the_if'), node('Relu', ['x'], ['t'], { name: 'other' }), node('Relu', ['x'], ['z'])],
  });
  await ortRefuses(firstBatch, ssa);
  weRefuse(firstBatch, /'t' is produced by .* and is also the output of node Relu 'other', which runs before If 'the_if'/);
  // Two nodes that both read 'a' and not each other: ORT's depth-first order decides (it refuses the
  // first file order and accepts the second), so LayerLens warns on both rather than guess.
  const branch: GraphInit = { name: 'b', output: [tensorInfo('t', [2])], node: [node('Identity', ['a'], ['t'])] };
  const theIf = ifNode('c', ['y'], branch, identityBranch('x', 'u'), 'the_if');
  const abs = node('Abs', ['a'], ['t'], { name: 'abs' });
  const relu = node('Relu', ['x'], ['a']);
  const orders = [[relu, theIf, abs], [relu, abs, theIf]].map((nodes) => modelBytes({ input: [x2, boolInfo('c')], output: [tensorInfo('y', [2]), tensorInfo('t', [2])], node: nodes }));
  await ortRefuses(orders[0]!, ssa);
  await (await ortLoads(orders[1]!)).release();
  for (const bytes of orders) {
    const w = readModel(bytes).warnings;
    assert.equal(w.length, 1);
    assert.match(w[0]!, /'t' is produced by node Identity .* and is also the output of node Abs 'abs' in the main graph: .*SSA.* when it runs Abs 'abs' before If 'the_if'/);
  }
});

test('an initializer defined twice: ORT warns and uses the last one, so does LayerLens', async () => {
  const bytes = modelBytes({ input: [x2], output: [tensorInfo('y', [2])], initializer: [floatInit('w', [2], 1), floatInit('w', [2], 2)], node: [node('Add', ['x', 'w'], ['y'])] });
  const session = await ortLoads(bytes);
  const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([10, 20]), [2]) });
  await session.release();
  assert.deepEqual([...(out.y!.data as Float32Array)], [12, 22]); // ORT used w = [2, 2]
  const model = readModel(bytes);
  assert.deepEqual([...model.graph.nodes[0]!.inputs[1]!.constant!.toNumbers()], [2, 2]);
  const { report } = analyzeModel(model);
  assert.ok(report.warnings.some((m) => /initializer 'w' is defined 2 times in the main graph: ONNX Runtime uses the last one/.test(m)), report.warnings.join('\n'));
  assert.equal(report.totals.params, 2, 'the weight counted once');
});

test('If nested 31 deep loads in ORT and LayerLens; 32 deep is refused by both, as beyond the nesting limit', async () => {
  const ok = nestedIfModel(31);
  const session = await ortLoads(ok);
  const r = await session.run({ x: new ort.Tensor('float32', new Float32Array([3, 4]), [2]), c: new ort.Tensor('bool', new Uint8Array([1]), []) });
  await session.release();
  assert.deepEqual([...(r.o0!.data as Float32Array)], [3, 4]);
  const m = readModel(ok);
  let depth = 0;
  for (let g = m.graph; g.nodes[0]?.opType === 'If'; g = g.nodes[0].attrGraph('then_branch')!) depth++;
  assert.equal(depth, 31);

  const deep = nestedIfModel(32);
  await ortRefuses(deep, /protobuf parsing failed/i);
  weRefuse(deep, /nests protobuf messages deeper than the limit of 100 levels at byte \d+ \(If\/Loop\/Scan subgraphs nested 32 deep there\).*ONNX Runtime applies too.*not corrupt/, ModelLimitError);
  assert.throws(() => readModel(nestedIfModel(60)), (e: unknown) => e instanceof ModelLimitError && !/truncated|corrupt protobuf/.test(e.message));
});
