import { byOpType, onlyIn } from '../../../webview/compare';
import { h } from '../../../webview/dom';
import { metricText, siu, total } from '../../../webview/format';
import { searchNodes } from '../../../webview/search';
import { COLUMNS, sortRows } from '../../../webview/table';
import { GraphTree } from '../../../webview/tree';
import { graph, model, op } from './fixtures';
import { eq, spec, throws } from './spec';

spec('format: SI prefixes glued to the unit, MACs and FLOPs never mixed, unknown totals shown as ?', () => {
  eq(siu(2_800_000, 'MACs'), '2.80 MMACs');
  eq(siu(24, 'MACs'), '24 MACs');
  eq(siu(null, 'FLOPs'), '? FLOPs');
  eq(total(0, 'MACs', true), '? MACs');
  eq(total(5e9, 'MACs', true), '≥5.00 GMACs');
  eq(metricText('share', 0.123), '12.3 %');
  eq(metricText('flops', 1500), '1.50 kFLOPs');
});

spec('dom: strings are text, event-handler and style attributes are refused', () => {
  const el = h('div', {}, '<img src=x onerror=alert(1)>');
  eq(el.children.length, 0, 'no element parsed from text');
  eq(el.textContent, '<img src=x onerror=alert(1)>');
  throws(() => h('div', { onclick: 'x()' }), /not set from code/, 'onclick');
  throws(() => h('div', { style: 'color:red' }), /not set from code/, 'style');
});

spec('table: sorts by a column either way, unknown values always last', () => {
  const rows = [op(0, 'a', 'Conv', 5), op(1, 'b', 'Conv', null), op(2, 'c', 'Conv', 50)].map((n) => ({ key: `#n${n.id}`, node: n }));
  const macs = COLUMNS.find((c) => c.id === 'macs')!;
  eq(sortRows(rows, macs, new Map(), true).map((r) => r.node.name), ['c', 'a', 'b']);
  eq(sortRows(rows, macs, new Map(), false).map((r) => r.node.name), ['a', 'c', 'b']);
  const name = COLUMNS.find((c) => c.id === 'name')!;
  eq(sortRows(rows, name, new Map(), false).map((r) => r.node.name), ['a', 'b', 'c']);
});

spec('search: exact op type first, then names and tensors containing the query', () => {
  const n0 = op(0, '/enc/conv', 'Conv');
  const n1 = op(1, '/enc/convert_me', 'Cast');
  const n2 = op(2, '/x', 'Relu', 0, { inputs: [{ name: 'conv_out', type: 'float[1]' }] });
  const t = new GraphTree(model(graph([n0, n1, n2], [])));
  eq(searchNodes(t, 'conv'), ['#n0', '#n1', '#n2']);
  eq(searchNodes(t, 'CAST'), ['#n1']);
  eq(searchNodes(t, '  '), []);
});

spec('compare: per-op-type counts and MACs × runs (each side\'s byOp), nodes found on one side only', () => {
  const a = model(graph([op(0, 'c1', 'Conv', 10), op(1, 'bn', 'BatchNormalization', 1), op(2, 'loop_mm', 'MatMul', 4, { runs: 3 })], []));
  const b = model(graph([op(0, 'c1', 'Conv', 10), op(1, 'loop_mm', 'MatMul', 4, { runs: 3 })], []));
  // byOp as the analysis gives it: MACs are sums of runs × node MACs (the MatMul runs 3 times: 12).
  const o = (opType: string, count: number, macs: number) => ({ opType, domain: '', count, macs, flops: 2 * macs, params: 0, weightBytes: 0, activationBytes: 0, incomplete: false });
  a.byOp = [o('Conv', 1, 10), o('BatchNormalization', 1, 1), o('MatMul', 1, 12)];
  b.byOp = [o('Conv', 1, 10), o('MatMul', 1, 12)];
  const rows = byOpType(a, b);
  eq(rows.map((r) => [r.op, r.count, r.macs]), [
    ['MatMul', [1, 1], [12, 12]],
    ['Conv', [1, 1], [10, 10]],
    ['BatchNormalization', [1, 0], [1, 0]],
  ]);
  eq(onlyIn(a, b), [['bn'], []]);
});
