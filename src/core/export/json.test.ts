// LayerLens metrics JSON on the hostile test model: parsed back with JSON.parse, every field checked
// against the documented schema (docs/exports.md) and figures derived by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportMetrics } from './index';
import { METRICS_JSON_VERSION, toMetricsJson, type MetricsJson } from './json';
import { safeJson } from './rows';
import { NAMES, exportModel } from './test-model';

const { tree } = exportModel();

test('JSON: format, version, units for every figure field, hand-derived totals', () => {
  const text = exportMetrics(tree, 'json').text;
  assert.ok(!text.includes('<'), '< is escaped');
  const j = JSON.parse(text) as MetricsJson;
  assert.equal(j.format, 'layerlens.metrics');
  assert.equal(j.version, 1);
  assert.equal(METRICS_JSON_VERSION, 1);
  assert.equal(j.model.graphName, NAMES.graph);
  const figureFields = ['macs', 'flops', 'paramElements', 'weightBytes', 'activationBytes', 'intensityFlopsPerByte', 'latencyMedianUs', 'latencySharePercent'];
  assert.deepEqual(Object.keys(j.units).sort(), ['runs', ...figureFields].sort());
  for (const n of j.nodes) for (const f of figureFields) assert.ok(f in n, `node field ${f}`);
  // Conv 6,912 + then-branch MatMul 16 + Loop body 3 × 16 = 6,976 MACs; FLOPs 14,080 + Relu 256 + pool 260
  // + then (MatMul 32 + Relu 4) + Loop body 3 × 32 = 14,728; params w 108 + b 4 + w2 16 + fw 16 = 144, 4 bytes each
  assert.deepEqual(j.totals, { macs: 6976, flops: 14728, paramElements: 144, weightBytes: 576, activationBytes: tree.totals.activationBytes });
  assert.equal(j.totalsIncomplete, true);
  assert.equal(j.profile, null);
});

test('JSON: graphs table with the node and attribute holding each body; nodes name their graph by index', () => {
  const j = JSON.parse(safeJson(toMetricsJson(tree))) as MetricsJson;
  assert.deepEqual(
    j.graphs.map((g) => [g.path, g.kind, g.parent, g.ownerNode, g.attribute, g.function]),
    [
      ['', 'main', null, null, null, null],
      ['+if/then_branch', 'body', 0, 4, 'then_branch', null],
      ['+if/else_branch', 'body', 0, 4, 'else_branch', null],
      ['@loop/body', 'body', 0, 5, 'body', null],
      ['fn:local.Block', 'function', null, null, null, { domain: 'local', name: 'Block' }],
    ],
  );
  // the owner index points at the If / Loop node in its graph's nodes
  const main = j.nodes.filter((n) => n.graph === 0);
  assert.equal(main[4]!.name, NAMES.iff);
  assert.equal(main[5]!.name, NAMES.loop);
  for (const n of j.nodes) assert.equal(n.graphPath, j.graphs[n.graph]!.path);
  assert.deepEqual(j.nodes.filter((n) => n.graph === 3).map((n) => [n.index, n.name, n.runs]), [[0, 'loop_cond', 3], [1, NAMES.loopMm, 3]]);
});

test('JSON: hostile names come back exactly; unknown figures are null with a note', () => {
  const j = JSON.parse(exportMetrics(tree, 'json').text) as MetricsJson;
  for (const name of [NAMES.conv, NAMES.relu, NAMES.gap, NAMES.call]) assert.ok(j.nodes.some((n) => n.name === name), JSON.stringify(name));
  const conv = j.nodes.find((n) => n.name === NAMES.conv)!;
  assert.deepEqual(
    [conv.macs, conv.flops, conv.paramElements, conv.weightBytes, conv.activationBytes, conv.runs, conv.known, conv.note, conv.latencyMedianUs],
    [6912, 14080, 112, 448, 1024, 1, true, null, null],
  );
  assert.ok(Math.abs(conv.intensityFlopsPerByte! - 14080 / 2240) < 1e-12);
  const call = j.nodes.find((n) => n.name === NAMES.call)!;
  assert.equal(call.macs, null);
  assert.equal(call.opType, 'local.Block');
  assert.match(call.note!, /local\.Block/);
});

test('JSON: a profile adds latency in µs and share in percent, and how it was measured', () => {
  const j = toMetricsJson(tree, [{ name: NAMES.relu, medianUs: 7.25, share: 0.25 }], { profile: { mode: 'per-node', runs: 5, medianMs: 0.03, coverage: 1 }, path: 'm.onnx' });
  assert.deepEqual(j.profile, { measuredNodes: 1, mode: 'per-node', runs: 5, medianMs: 0.03, coverage: 1 });
  assert.equal(j.model.path, 'm.onnx');
  const relu = j.nodes.find((n) => n.name === NAMES.relu)!;
  assert.equal(relu.latencyMedianUs, 7.25);
  assert.equal(relu.latencySharePercent, 25);
});
