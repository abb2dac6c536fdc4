// cloneModel: the copy encodes to the very same bytes as the original (every real model and every
// libonnx-testdata model, functions and subgraphs included), its links point only into the copy, and
// editing the copy leaves the original's encoding unchanged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { manifest, realModelPath } from '../../../test/support/models';
import { testCases } from '../../../test/support/testdata';
import { loadModelFile } from '../../node/model-file';
import { readModel } from '../onnx/reader';
import { writeModel } from '../onnx/writer';
import { cloneModel } from './clone';
import type { Graph } from './graph';
import type { Model } from './model';

function graphsOf(m: Model): Graph[] {
  const out: Graph[] = [];
  const walk = (g: Graph): void => {
    out.push(g);
    for (const n of g.nodes) for (const s of n.subgraphs()) walk(s);
  };
  walk(m.graph);
  for (const f of m.functions) walk(f.body);
  return out;
}

/** Every link of `copy` stays inside `copy` and agrees with itself. */
function assertLinked(original: Model, copy: Model): void {
  const originals = new Set(graphsOf(original));
  const copies = new Set(graphsOf(copy));
  for (const g of copies) {
    assert.ok(!originals.has(g));
    for (const n of g.nodes) {
      assert.equal(n.graph, g);
      n.inputs.forEach((v, i) => {
        if (!v) return;
        assert.ok(copies.has(v.graph), `${n} input ${i} '${v.name}' is in the copy`);
        assert.ok(v.uses.some((u) => u.node === n && u.index === i), `${n} is among the uses of '${v.name}'`);
      });
      for (const v of n.outputs) if (v) assert.equal(v.producer, n);
    }
    for (const v of g.values.values()) {
      assert.equal(v.graph, g);
      for (const u of v.uses) assert.equal(u.node.inputs[u.index], v);
    }
  }
}

test('cloneModel: real models encode identically, links stay inside the copy', () => {
  for (const m of manifest()) {
    const { model } = loadModelFile(realModelPath(m.file));
    const copy = cloneModel(model);
    assert.deepEqual(writeModel(copy), writeModel(model), m.file);
    assertLinked(model, copy);
  }
});

test('cloneModel: every libonnx-testdata model encodes identically (subgraphs, functions, sparse and typed fields)', () => {
  let n = 0;
  for (const c of testCases()) {
    let model: Model;
    try {
      model = readModel(readFileSync(c.modelPath));
    } catch {
      continue;
    }
    const copy = cloneModel(model);
    assert.deepEqual(writeModel(copy), writeModel(model), c.name);
    assertLinked(model, copy);
    n++;
  }
  assert.ok(n > 1000, `${n} models`);
});

test('cloneModel: editing the copy (nodes, values, attributes, initializers, types) leaves the original as it was', () => {
  const { model } = loadModelFile(realModelPath('silero-vad-v5.onnx'));
  const before = writeModel(model);
  const copy = cloneModel(model);
  const ifNode = copy.graph.nodes.find((n) => n.opType === 'If')!;
  const body = ifNode.attrGraph('then_branch')!;
  body.nodes.pop();
  body.nodes[0]!.attributes = [];
  copy.graph.nodes.splice(0, 1);
  copy.graph.inputs[0]!.type = null;
  copy.graph.outputs[0]!.name = 'renamed';
  copy.opsetImports[0]!.version = 99;
  copy.graph.initializers.length = 0;
  for (const g of graphsOf(copy)) for (const t of g.initializers) t.name = `${t.name}_x`;
  assert.deepEqual(writeModel(model), before);
  assert.notDeepEqual(writeModel(copy), before);
});
