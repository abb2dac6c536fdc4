// Netron attachment on the hostile test model, read back the way Netron's metadata.Attachment reads
// it (source/view.js: signature check, `<kind>::<target>` keys, a name cut at its first newline).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../analysis/analyze';
import { GraphBuilder, newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { Graph } from '../ir/graph';
import { figureTree } from '../analysis/figure-tree';
import { toNetronAttachment } from './netron';
import { safeJson } from './rows';
import { NAMES, exportModel } from './test-model';

const { tree } = exportModel();

/** Netron's lookup, written from its description: entries by `<kind>::<target>`, then by item name. */
function attach(text: string): { metrics: (kind: string, name: string) => Map<string, unknown>; metadata: (kind: string, name: string) => Map<string, unknown> } | null {
  const data = JSON.parse(text) as Record<string, unknown>;
  if (data['signature'] !== 'netron:attachment') return null;
  const container = (list: unknown): Map<string, Map<string, unknown>> => {
    const entries = new Map<string, Map<string, unknown>>();
    for (const item of Array.isArray(list) ? (list as Record<string, unknown>[]) : []) {
      if (!item['kind'] || !('target' in item)) continue;
      const key = `${String(item['kind'])}::${String(item['target'])}`;
      if (!entries.has(key)) entries.set(key, new Map());
      entries.get(key)!.set(String(item['name']), item['value']);
    }
    return entries;
  };
  const lookup = (c: Map<string, Map<string, unknown>>) => (kind: string, name: string) => (name || kind === 'model' ? c.get(`${kind}::${name.split('\n')[0]}`) : undefined) ?? new Map<string, unknown>();
  return { metrics: lookup(container(data['metrics'])), metadata: lookup(container(data['metadata'])) };
}

const exported = toNetronAttachment(tree, [{ name: NAMES.conv, medianUs: 20, share: 0.5 }]);
const text = safeJson(exported.data);
const netron = attach(text)!;

test('Netron: the file carries the signature Netron checks and only the two lists', () => {
  assert.ok(netron, 'signature netron:attachment');
  const data = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(data).sort(), ['metadata', 'metrics', 'signature']);
  for (const list of [data['metadata'], data['metrics']] as Record<string, unknown>[][]) {
    for (const item of list) {
      assert.ok(['model', 'graph', 'node', 'value', 'tensor'].includes(item['kind'] as string));
      assert.equal(typeof item['target'], 'string');
      assert.equal(typeof item['name'], 'string');
      assert.ok(typeof item['value'] === 'number' || typeof item['value'] === 'string');
    }
  }
  assert.ok(!text.includes('<'), 'no raw <');
});

test('Netron: a named node gets its figures by its stored name, units in every metric name', () => {
  const conv = netron.metrics('node', NAMES.conv);
  assert.equal(conv.get('MACs (multiply-accumulates)'), 6912);
  assert.equal(conv.get('FLOPs (operations)'), 14080);
  assert.equal(conv.get('params (elements)'), 112);
  assert.equal(conv.get('weights (bytes)'), 448);
  assert.equal(conv.get('activations (bytes)'), 1024);
  assert.equal(conv.get('latency, median (µs)'), 20);
  assert.equal(conv.get('latency share (% of measured node time)'), 50);
  assert.equal(netron.metrics('node', NAMES.relu).get('FLOPs (operations)'), 256);
  // a name with a newline is found by its first line, as Netron cuts it
  assert.equal(netron.metrics('node', NAMES.gap).get('FLOPs (operations)'), 260);
  // nodes in bodies by name, with their graph in the metadata
  assert.equal(netron.metrics('node', NAMES.loopMm).get('runs (times counted in the model totals)'), 3);
  assert.equal(netron.metadata('node', NAMES.loopMm).get('LayerLens graph'), '@loop/body');
});

test('Netron: unknown figures are absent (the note says why), never 0', () => {
  const call = netron.metrics('node', NAMES.call);
  assert.equal(call.has('MACs (multiply-accumulates)'), false);
  assert.equal(call.get('params (elements)'), 0);
  assert.match(String(netron.metadata('node', NAMES.call).get('LayerLens note')), /local\.Block/);
});

test('Netron: an unnamed node cannot be found by name; its figures sit on the value it produces', () => {
  // Netron names an unnamed ONNX node '' and looks nothing up for it
  assert.equal(netron.metrics('node', '').size, 0);
  // then-branch MatMul (unnamed) produces t_mm: 1·4·4 = 16 MACs
  assert.equal(netron.metrics('value', 't_mm').get('MACs (multiply-accumulates)'), 16);
  assert.match(String(netron.metadata('value', 't_mm').get('LayerLens node')), /MatMul_0 \(MatMul, unnamed in the file\)/);
  assert.equal(netron.metrics('value', 'h').get('activations (bytes)'), 16);
  assert.equal(exported.skipped.length, 0);
});

test('Netron: model totals on the empty model target', () => {
  const m = netron.metrics('model', '');
  assert.equal(m.get('total MACs (multiply-accumulates)'), 6976);
  assert.equal(m.get('total params (elements)'), 144);
  assert.equal(m.get('total weights (bytes)'), 576);
  assert.match(String(netron.metadata('model', '').get('LayerLens totals')), /lower bounds/);
});

test('Netron: two nodes of one name in different graphs share one entry: the first is kept, and it says so', () => {
  const { model: m, b } = newModel('g');
  const x = b.input('x', DataType.FLOAT, [1, 1]);
  const w10 = b.initializer('w10', DataType.FLOAT, [1, 10], new Array<number>(10).fill(1));
  const w99 = b.initializer('w99', DataType.FLOAT, [1, 99], new Array<number>(99).fill(1));
  b.output(b.node('MatMul', [x, w10], {}, { name: 'mm' })[0]!);
  const body = new Graph('body', m.graph, null);
  const gb = new GraphBuilder(body);
  gb.input('i', DataType.INT64, []);
  gb.output(gb.node('Identity', [gb.input('cond', DataType.BOOL, [])], {}, { name: 'cond_out' })[0]!);
  gb.output(gb.node('MatMul', [x, w99], {}, { name: 'mm' })[0]!);
  const trips = b.initializer('M', DataType.INT64, [], [2]);
  b.output(b.node('Loop', [trips, null], { body }, { name: 'loop', outputs: 2 })[1]!);
  const v = figureTree(m, analyzeModel(m));
  const r = toNetronAttachment(v);
  const n = attach(safeJson(r.data))!;
  assert.equal(n.metrics('node', 'mm').get('params (elements)'), 10);
  assert.match(String(n.metadata('node', 'mm').get('LayerLens')), /2 nodes share this name/);
  assert.deepEqual(r.skipped.map((s) => [s.graph, s.name]), [['loop/body', 'mm']]);
});
