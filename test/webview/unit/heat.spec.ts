import { duration } from '../../../webview/format';
import { colourAt, Heat, latencyOf } from '../../../webview/heat';
import { legendValue } from '../../../webview/legend';
import { GraphTree } from '../../../webview/tree';
import { graph, model, op } from './fixtures';
import { eq, ok, spec } from './spec';

const tree = () => new GraphTree(model(graph([op(0, '/g/a', 'Conv', 10), op(1, '/g/b', 'Conv', 1000), op(2, '/g/c', 'Conv', null), op(3, 'd', 'MatMul', 100, { intensity: 3 })], [])));

spec('heat: log scale from the smallest to the largest positive node value', () => {
  const h = new Heat(tree(), 'macs', new Map());
  eq([h.min, h.max], [10, 1000]);
  eq(h.position(10), 0);
  eq(h.position(1000), 1);
  ok(Math.abs(h.position(100) - 0.5) < 1e-12, 'the geometric mean is halfway');
  eq(h.position(0), 0);
});

spec('heat: unknown stays unknown; a container sum with an unknown inside is a lower bound', () => {
  const h = new Heat(tree(), 'macs', new Map());
  eq(h.value('#n2'), { value: 0, incomplete: true }, 'unknown node');
  eq(h.value('#g/g'), { value: 1010, incomplete: true }, 'group');
  eq(h.value('#n3'), { value: 100, incomplete: false });
});

spec('heat: intensity is not summed over containers; latency comes from the profile by node name', () => {
  eq(new Heat(tree(), 'intensity', new Map()).value('#g/g'), null);
  const lat = latencyOf({ mode: 'per-node', medianMs: 1, p10Ms: 1, p90Ms: 1, coverage: 1, nodes: [{ name: '/g/a', opType: 'Conv', medianUs: 50, share: 0.5, verdict: 'compute-bound' }] });
  const h = new Heat(tree(), 'latency', lat);
  eq(h.value('#n0'), { value: 50, incomplete: false });
  eq(h.value('#n1'), { value: 0, incomplete: true }, 'not measured');
});

spec('heat: the palette runs from pale yellow to deep red', () => {
  eq(colourAt(0), 'rgb(255, 245, 190)');
  eq(colourAt(1), 'rgb(180, 20, 40)');
  eq(colourAt(2), colourAt(1), 'clamped');
});

spec('heat: a single known value (or all equal) is the middle of the scale, not its end', () => {
  const one = new Heat(new GraphTree(model(graph([op(0, 'a', 'Conv', 500), op(1, 'b', 'Relu', null)], []))), 'macs', new Map());
  eq([one.min, one.max], [500, 500]);
  eq(one.position(500), 0.5);
  eq(colourAt(one.position(500)), 'rgb(253, 150, 70)');
});

spec('legend: durations with 3 significant digits in ns, µs, ms or s (never 0.0 µs)', () => {
  eq(legendValue('latency', 0.0412), '41.2 ns');
  eq(legendValue('latency', 0.5), '500 ns');
  eq(legendValue('latency', 4.734), '4.73 µs');
  eq(legendValue('predicted', 1234.5), '1.23 ms');
  eq(duration(2.5e6), '2.5 s');
  eq(legendValue('share', 0.000123), '0.0123 %');
});
