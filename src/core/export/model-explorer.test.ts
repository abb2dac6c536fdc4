// Model Explorer node data on the hostile test model: the node ids the ONNX adapter gives (derived
// by hand from onnx_ir's NameFixPass and the adapter's EmbedIfPass, see model-explorer.ts), and the
// file checked field by field against the types Model Explorer reads it with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeModel } from '../analysis/analyze';
import { GraphBuilder, newModel } from '../ir/builder';
import { DataType } from '../ir/data-type';
import { Graph, type Value } from '../ir/graph';
import { figureTree, type FigureTree } from '../analysis/figure-tree';
import { modelExplorerIds, toModelExplorer } from './model-explorer';
import { graphsOf, safeJson } from './rows';
import { NAMES, exportModel } from './test-model';

const { tree } = exportModel();

const MAIN = NAMES.graph;
const LOOP_BODY = `${NAMES.loop}/body`;
const FN = '[function]local::Block';

/**
 * A checker of the file as Model Explorer's UI reads it (src/ui/src/components/visualizer/common/types.ts:
 * NodeDataProviderData, NodeDataProviderGraphData, NodeDataProviderResultData, GradientItem,
 * ThresholdItem) and as the Python builder writes it (node_data_builder.py: value is a number).
 */
function checkModelExplorerSchema(data: unknown): void {
  assert.equal(typeof data, 'object');
  assert.ok(data && !Array.isArray(data));
  const top = data as Record<string, unknown>;
  // The loader (getNodeDataProviderData) takes a file as one graph's data when `results` is at the top
  // and `results.results` is not; ours is keyed by graph id, so it must not look like that.
  assert.ok(!(top['results'] != null && (top['results'] as Record<string, unknown>)['results'] == null), 'read as graph-id keyed');
  const graphFields = new Set(['name', 'results', 'thresholds', 'gradient', 'hideInAggregatedStatsTable', 'hideInChildrenStatsTable', 'hideAggregatedStats', 'showExpandedSummaryOnGroupNode', 'showLabelCountColumnsInChildrenStatsTable']);
  for (const [graphId, g] of Object.entries(top)) {
    assert.equal(typeof graphId, 'string');
    const gd = g as Record<string, unknown>;
    for (const k of Object.keys(gd)) assert.ok(graphFields.has(k), `unknown graph field ${k}`);
    if ('name' in gd) assert.equal(typeof gd['name'], 'string');
    assert.ok(gd['results'] && typeof gd['results'] === 'object' && !Array.isArray(gd['results']), 'results is an object');
    for (const [nodeId, r] of Object.entries(gd['results'] as Record<string, unknown>)) {
      assert.equal(typeof nodeId, 'string');
      const res = r as Record<string, unknown>;
      for (const k of Object.keys(res)) assert.ok(['value', 'bgColor', 'textColor'].includes(k), `unknown result field ${k}`);
      assert.equal(typeof res['value'], 'number', 'NodeDataResult.value: Num');
      assert.ok(Number.isFinite(res['value']));
    }
    const color = (c: unknown): void => assert.ok(typeof c === 'string' && /^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|[a-z]+)$/.test(c), `hex or named colour: ${String(c)}`);
    if ('gradient' in gd) {
      const items = gd['gradient'] as Record<string, unknown>[];
      assert.ok(Array.isArray(items));
      for (const it of items) {
        for (const k of Object.keys(it)) assert.ok(['stop', 'bgColor', 'textColor'].includes(k), `unknown gradient field ${k}`);
        assert.ok(typeof it['stop'] === 'number' && it['stop'] >= 0 && it['stop'] <= 1);
        if ('bgColor' in it) color(it['bgColor']);
        if ('textColor' in it) color(it['textColor']);
      }
      // "Stops for 0 and 1 should always be provided."
      assert.ok(items.some((i) => i['stop'] === 0) && items.some((i) => i['stop'] === 1));
    }
    if ('thresholds' in gd) for (const t of gd['thresholds'] as Record<string, unknown>[]) assert.ok(typeof t['value'] === 'number' && typeof t['bgColor'] === 'string');
  }
}

test('Model Explorer ids: NameFixPass names, If branches flattened with their If name, Loop body and function graphs', () => {
  const ids = modelExplorerIds(tree);
  const graphs = graphsOf(tree);
  const flat = new Map<string, string>();
  graphs.forEach((g, gi) => {
    let k = 0;
    for (const n of g.graph.nodes) flat.set(`${g.path}|${n.name}`, JSON.stringify(ids[gi]![k++]));
  });
  const at = (graph: string, nodeId: string): string => JSON.stringify({ graphId: graph, nodeId });
  // main graph: named nodes keep their names; the unnamed Flatten is the first unnamed node -> `node`
  assert.equal(flat.get(`|${NAMES.conv}`), at(MAIN, NAMES.conv));
  assert.equal(flat.get(`|${NAMES.gap}`), at(MAIN, NAMES.gap));
  assert.equal(flat.get('|Flatten_3'), at(MAIN, 'node'));
  // then branch (its own used-name set, the shared counter): MatMul `node`, Relu `node_1` (counter 1);
  // else branch: Identity `node`; all moved into the main graph as `+if/<attribute>/<name>`
  assert.equal(flat.get(`${NAMES.iff}/then_branch|MatMul_0`), at(MAIN, '+if/then_branch/node'));
  assert.equal(flat.get(`${NAMES.iff}/then_branch|Relu_1`), at(MAIN, '+if/then_branch/node_1'));
  assert.equal(flat.get(`${NAMES.iff}/else_branch|Identity_0`), at(MAIN, '+if/else_branch/node'));
  // the last unnamed main-graph node: `node` is taken, the counter is at 1 -> `node_2`
  assert.equal(flat.get('|Sigmoid_7'), at(MAIN, 'node_2'));
  // the Loop body is its own graph `<Loop>/body`
  assert.equal(flat.get(`${LOOP_BODY}|${NAMES.loopMm}`), at(LOOP_BODY, NAMES.loopMm));
  assert.equal(flat.get(`${LOOP_BODY}|loop_cond`), at(LOOP_BODY, 'loop_cond'));
  // the function body: a fresh counter -> its unnamed Relu is `node`
  assert.equal(flat.get('fn:local.Block|inner'), at(FN, 'inner'));
  assert.equal(flat.get('fn:local.Block|Relu_1'), at(FN, 'node'));
});

test('ids come from the names stored in the file, not the display names', () => {
  // An unnamed node shown as Flatten_3 is keyed by the adapter's name for it, not the display name.
  const main = graphsOf(tree)[0]!.graph.nodes;
  const k = main.findIndex((n) => n.name === 'Flatten_3');
  assert.equal(main[k]!.storedName, '');
  assert.notDeepEqual(modelExplorerIds(tree)[0]![k], { graphId: MAIN, nodeId: 'Flatten_3' });
});

test('Model Explorer node data: MACs per node id, unknown left out, schema as Model Explorer reads it', () => {
  const { data, skipped } = toModelExplorer(tree, undefined, { metric: 'macs' });
  const text = safeJson(data);
  assert.ok(!text.includes('<'), 'no raw < in the text');
  const parsed = JSON.parse(text) as Record<string, { name: string; results: Record<string, { value: number }> }>;
  checkModelExplorerSchema(parsed);
  assert.deepEqual(Object.keys(parsed).sort(), [FN, LOOP_BODY, MAIN].sort());
  const main = parsed[MAIN]!;
  assert.equal(main.name, 'MACs (multiply-accumulates)');
  assert.equal(main.results[NAMES.conv]!.value, 6912);
  assert.equal(main.results[NAMES.gap]!.value, 0);
  assert.equal(main.results['+if/then_branch/node']!.value, 16);
  assert.equal(main.results['node']!.value, 0);
  // `__proto__` is an ordinary key, and its MACs are unknown: no entry at all (never 0)
  assert.equal(Object.prototype.hasOwnProperty.call(main.results, NAMES.call), false);
  assert.equal(Object.prototype.hasOwnProperty.call(main.results, 'node_2'), false);
  assert.deepEqual(Object.keys(main.results).sort(), [NAMES.conv, NAMES.relu, NAMES.gap, 'node', NAMES.iff, NAMES.loop, '+if/then_branch/node', '+if/then_branch/node_1', '+if/else_branch/node'].sort());
  assert.deepEqual(parsed[LOOP_BODY]!.results, { loop_cond: { value: 0 }, '-mm': { value: 16 } });
  assert.deepEqual(parsed[FN]!.results, { fw_const: { value: 0 } });
  assert.deepEqual(skipped.map((s) => s.name).sort(), [NAMES.call, 'Sigmoid_7', 'inner', 'Relu_1'].sort());
  assert.ok(skipped.every((s) => s.reason === 'macs unknown'));
});

test('Model Explorer node data: `__proto__` as a node id with a known figure is a plain key', () => {
  const { data } = toModelExplorer(tree, undefined, { metric: 'params' });
  const parsed = JSON.parse(safeJson(data)) as Record<string, { results: Record<string, { value: number }> }>;
  // params are known for every node (0 for the call: the weights sit in the function body)
  assert.equal(Object.prototype.hasOwnProperty.call(parsed[MAIN]!.results, '__proto__'), true);
  assert.equal(parsed[MAIN]!.results['__proto__']!.value, 0);
  assert.equal(parsed[FN]!.results['inner']!.value, 16);
});

test('Model Explorer node data: latency in µs from a profile; nodes without a measurement left out', () => {
  const { data, skipped } = toModelExplorer(tree, [{ name: NAMES.conv, medianUs: 40, share: 0.8 }, { name: NAMES.relu, medianUs: 10, share: 0.2 }], { metric: 'share' });
  checkModelExplorerSchema(data);
  assert.deepEqual(Object.keys(data), [MAIN]);
  assert.deepEqual(data[MAIN]!.results, { [NAMES.conv]: { value: 80 }, [NAMES.relu]: { value: 20 } });
  assert.equal(data[MAIN]!.name, 'latency share (% of measured node time)');
  assert.ok(skipped.some((s) => s.reason === 'not measured'));
});

/** A Loop whose body holds another Loop and an If; weights of 5 and 7 elements tell the MatMuls apart. */
function nestedView(): FigureTree {
  const { model, b } = newModel('');
  const x = b.input('x', DataType.FLOAT, [1, 1]);
  const w5 = b.initializer('w5', DataType.FLOAT, [1, 5], [1, 2, 3, 4, 5]);
  const w7 = b.initializer('w7', DataType.FLOAT, [1, 7], [1, 2, 3, 4, 5, 6, 7]);
  const m = b.initializer('M', DataType.INT64, [], [2]);
  const loopBody = (name: string, fill: (gb: GraphBuilder) => void): Graph => {
    const g = new Graph(name, model.graph, null);
    const gb = new GraphBuilder(g);
    gb.input(`${name}_i`, DataType.INT64, []);
    const cond = gb.input(`${name}_c`, DataType.BOOL, []);
    gb.output(gb.node('Identity', [cond], {}, { name: `${name}_cond` })[0]!);
    fill(gb);
    return g;
  };
  const branch = (name: string, w: Value): Graph => {
    const g = new Graph(name, model.graph, null);
    const gb = new GraphBuilder(g);
    gb.output(gb.node('MatMul', [x, w], {}, { name })[0]!);
    return g;
  };
  const outer = loopBody('outer', (gb) => {
    const inner = loopBody('inner', (ib) => ib.output(ib.node('MatMul', [x, w5], {}, { name: 'deep' })[0]!));
    gb.output(gb.node('Loop', [m, null], { body: inner }, { name: 'inner_loop' })[0]!);
    const c = gb.node('Identity', [gb.graph.lookup('outer_c')!], {}, { name: 'c2' })[0]!;
    gb.output(gb.node('If', [c], { then_branch: branch('in_if', w7), else_branch: branch('in_else', w7) }, { name: 'if2' })[0]!);
  });
  b.output(b.node('Loop', [m, null], { body: outer }, { name: 'outer_loop', outputs: 2 })[1]!);
  return figureTree(model, analyzeModel(model));
}

test('Model Explorer: a body inside a body has no graph; an If inside a Loop body is flattened into it; an unnamed graph is <main>', () => {
  const { data, skipped } = toModelExplorer(nestedView(), undefined, { metric: 'params' });
  assert.deepEqual(Object.keys(data).sort(), ['<main>', 'outer_loop/body']);
  assert.deepEqual(Object.keys(data['<main>']!.results), ['outer_loop']);
  assert.deepEqual(Object.keys(data['outer_loop/body']!.results).sort(), ['c2', 'if2', 'if2/else_branch/in_else', 'if2/then_branch/in_if', 'inner_loop', 'outer_cond']);
  assert.equal(data['outer_loop/body']!.results['if2/then_branch/in_if']!.value, 7);
  assert.deepEqual(
    skipped.map((s) => [s.graph, s.name]).sort(),
    [['outer_loop/body/inner_loop/body', 'deep'], ['outer_loop/body/inner_loop/body', 'inner_cond']],
  );
  assert.ok(skipped.every((s) => s.reason === 'the ONNX adapter shows the bodies of main-graph nodes only, not bodies inside bodies'));
});
