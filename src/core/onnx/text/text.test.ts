// The text form: print -> parse gives the same graph (real models, libonnx-testdata), ONNX's own
// parser (python3-onnx 1.12) accepts what we print for plain names, and malformed text gives
// diagnostics with ranges, never an exception.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SAMPLE, manifest, realModelPath } from '../../../../test/support/models';
import { testCases } from '../../../../test/support/testdata';
import { formatAttribute } from '../../ir/attribute';
import type { Graph } from '../../ir/graph';
import type { Model } from '../../ir/model';
import { formatType } from '../../ir/shape';
import { analyzeModel } from '../../analysis/analyze';
import { readModel } from '../reader';
import { writeModel } from '../writer';
import { parseModel } from './parser';
import { printModel } from './printer';

/** Structure of a graph: names, ops, domains, attributes, types, initializer types and shapes. */
function structure(m: Model): string {
  const lines = [`ir ${m.irVersion} ${JSON.stringify(m.opsetImports)}`];
  const graph = (g: Graph, indent: string): void => {
    lines.push(`${indent}in ${g.inputs.map((v) => `${v.name}:${formatType(v.type)}`)} out ${g.outputs.map((v) => `${v.name}:${formatType(v.type)}`)}`);
    for (const t of g.initializers) lines.push(`${indent}init ${t.name} ${t.dataType}[${t.dims}]`);
    for (const n of g.nodes) {
      const attrs = n.attributes.map((a) => `${a.name}=${a.kind === 'tensor' ? `tensor${a.value.dataType}[${a.value.dims}]` : formatAttribute(a)}`);
      lines.push(`${indent}${n.name}|${n.domain}.${n.opType}(${n.inputs.map((v) => v?.name ?? '')})->(${n.outputs.map((v) => v?.name ?? '')}) ${attrs.join(' ')}`);
      for (const s of n.subgraphs()) graph(s, indent + '  ');
    }
  };
  graph(m.graph, '');
  return lines.join('\n');
}

/** The one documented loss: the syntax needs a type for every graph output, so an untyped one is written as float. */
function untypedOutputsAsFloat(m: Model): Model {
  const visit = (g: Graph): void => {
    for (const v of g.outputs) v.type ??= { kind: 'tensor', elemType: 1, shape: null };
    for (const n of g.nodes) for (const s of n.subgraphs()) visit(s);
  };
  visit(m.graph);
  return m;
}

test('print -> parse keeps the structure of every real model, and small weights exactly', () => {
  for (const mm of manifest().filter((x) => x.file.endsWith('.onnx'))) {
    const m = untypedOutputsAsFloat(readModel(readFileSync(realModelPath(mm.file))));
    const { text } = printModel(m);
    const r = parseModel(text);
    assert.deepEqual(r.diagnostics, [], `${mm.file}: ${JSON.stringify(r.diagnostics.slice(0, 2))}`);
    assert.equal(structure(r.model!), structure(m), mm.file);
  }
  const sample = readModel(readFileSync(SAMPLE));
  const r = parseModel(printModel(sample, { maxElements: Infinity }).text);
  for (const t of sample.graph.initializers) {
    const back = r.model!.graph.initializers.find((x) => x.name === t.name)!;
    assert.deepEqual(Array.from(back.toNumbers()), Array.from(t.toNumbers()), t.name);
  }
});

test('print -> parse over libonnx-testdata: structure kept for (almost) every model', () => {
  let total = 0;
  let same = 0;
  const misses: string[] = [];
  for (const c of testCases()) {
    const m = untypedOutputsAsFloat(readModel(readFileSync(c.modelPath)));
    total++;
    const r = parseModel(printModel(m, { maxElements: Infinity }).text);
    if (r.model && r.diagnostics.length === 0 && structure(r.model) === structure(m)) same++;
    else misses.push(c.name);
  }
  console.log(`text round trip: ${same}/${total} testdata models; misses: ${misses.slice(0, 20).join(', ')}`);
  assert.ok(same / total >= 0.95, `${same}/${total}`);
});

test("ONNX's own parser (python3-onnx) accepts what we print for plain names", () => {
  const text = printModel(readModel(readFileSync('/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding/model.onnx')), { maxElements: Infinity }).text;
  const out = execFileSync('/usr/bin/python3', ['-c', 'import sys, onnx.parser; m = onnx.parser.parse_model(sys.stdin.read()); print(len(m.graph.node), m.graph.node[0].op_type)'], { input: text, encoding: 'utf8' });
  assert.equal(out.trim(), '1 Conv');
});

test('malformed text gives diagnostics with ranges and never throws', () => {
  const good = printModel(readModel(readFileSync(SAMPLE))).text;
  const r = parseModel(good.replace('= Relu (', '= Relu ((').replace('"/features/block2/bn_out"', 'nosuch'));
  assert.ok(r.diagnostics.length >= 1);
  for (const d of r.diagnostics) assert.ok(d.range.start.line >= 0 && d.range.end.line >= d.range.start.line);
  assert.ok(r.diagnostics.some((d) => /nosuch|expected/.test(d.message)));
  // Random edits: deletions and insertions of punctuation at random places.
  let seed = 3;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let k = 0; k < 200; k++) {
    const at = rand(good.length);
    const edited = k % 2 ? good.slice(0, at) + good.slice(at + 1 + rand(20)) : good.slice(0, at) + '<({,"=#'[rand(7)] + good.slice(at);
    const t0 = performance.now();
    assert.doesNotThrow(() => parseModel(edited));
    assert.ok(performance.now() - t0 < 2000);
  }
});

test('weights declared by shape only: costed, refused by the writer with a clear error', () => {
  const text = `<ir_version: 8, opset_import: ["" : 17]>
design (float[1,3,224,224] x) => (float[1,64,112,112] y)
   <float[64,3,7,7] w>
{
   y = Conv <kernel_shape = [7, 7], strides = [2, 2], pads = [3, 3, 3, 3]> (x, w)
}`;
  const r = parseModel(text);
  assert.deepEqual(r.diagnostics, []);
  const report = analyzeModel(r.model!).report;
  assert.equal(report.totals.macs, 64 * 112 * 112 * 3 * 7 * 7);
  assert.equal(report.totals.params, 64 * 3 * 7 * 7);
  assert.throws(() => writeModel(r.model!), /declared by type and shape only: fill its data before saving/);
});
