// What the graph view shows first and how it reads (issue #13): operators, not closed boxes, in the
// first view of a large model (and every operator of a model up to 1,000 nodes); a heat scale of one
// value drawn in the middle colour; weight shapes inside nodes on request; legend figures with their
// real minimum; the minimap beside, not over, the legend and readable for tall graphs; group headers
// that keep their figures whole with edges passing under them. The built bundle in real Chromium.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DataType } from '../../src/core/ir/data-type';
import { newModel } from '../../src/core/ir/builder';
import type { Value } from '../../src/core/ir/graph';
import type { Model } from '../../src/core/ir/model';
import type { ViewModel } from '../../src/protocol/view-model';
import { realModelPath } from '../support/models';
import { openGraphView, type WebviewPage } from './page';
import { viewOfFile, viewOfModel } from './views';

let w: WebviewPage;

before(async () => {
  w = await openGraphView({ viewport: { width: 1400, height: 900 } });
});
after(() => w.close());

async function show(view: ViewModel, fileName: string): Promise<void> {
  await w.page.evaluate(() => {
    delete document.body.dataset.ready;
    delete document.body.dataset.completeMs;
  });
  await w.send({ type: 'model', fileName, view, colorMetric: 'macs', profile: null, dims: {} });
  // The first view, and for a small model its opening whole after that.
  await w.page.waitForSelector('body[data-complete-ms]', { timeout: 60_000 });
}

/** A flat chain of Conv and Add without name scopes (ONNX Runtime-style names `Conv_0`, `Add_1`). */
function flatModel(nodes: number): Model {
  const { model, b } = newModel('flat', [{ domain: '', version: 17 }]);
  let x: Value = b.input('x', DataType.FLOAT, [1, 8, 16, 16]);
  const wt = b.initializer('conv.weight', DataType.FLOAT, [8, 8, 3, 3], new Float32Array(576).fill(0.01));
  for (let i = 0; model.graph.nodes.length < nodes; i += 2) {
    const [c] = b.node('Conv', [x, wt], { pads: [1, 1, 1, 1] }, { name: `Conv_${i}` });
    const [a] = b.node('Add', [c!, x], {}, { name: `Add_${i + 1}` });
    x = a!;
  }
  b.output(x, DataType.FLOAT, [1, 8, 16, 16]);
  return model;
}

const keyOf = (view: ViewModel, name: string) => `#n${view.nodes.find((n) => n.name === name)!.id}`;

test('a flat 20,000-node graph opens on its operators from the input, within the first scene’s budget', async () => {
  const { view } = viewOfModel(flatModel(20000));
  await show(view, 'flat.onnx');
  const ops = await w.page.locator('svg.graph g.kind-node').count();
  const items = await w.page.locator('svg.graph g.box').count();
  assert.ok(ops >= 60, `operators drawn in the first view: ${ops}`);
  assert.ok(items <= 400, `a bounded first scene: ${items} items`);
  // The chain from the input: the first operators are drawn as nodes, on screen.
  for (const name of ['Conv_0', 'Add_1', 'Conv_2']) {
    const box = await w.page.locator(`svg.graph [data-key="${keyOf(view, name)}"]`).boundingBox();
    assert.ok(box && box.y >= 0 && box.y < 900, `${name} is on the first screen (${JSON.stringify(box)})`);
  }
});

test('the scoped 20,000-node graph opens on operators too; open headers draw their whole figures and edges pass under them', async () => {
  const { buildLargeModel } = await import('../../bench/large-model');
  const { view } = viewOfModel(buildLargeModel(20000), { batch: 1, seq: 16 });
  await show(view, 'large.onnx');
  const ops = await w.page.locator('svg.graph g.kind-node').count();
  assert.ok(ops >= 60, `operators drawn in the first view: ${ops}`);
  assert.ok(await w.page.locator(`svg.graph [data-key="${keyOf(view, '/encoder/layer.0/ln/mean')}"]`).isVisible());
  // Headers: the drawn title is the whole description (name · count · sum), nothing cut.
  const headers = await w.page.locator('svg.graph g.box-header').evaluateAll((gs) =>
    gs.map((g) => ({ label: document.querySelector(`g.box[data-key="${(g as SVGGElement).dataset.header}"]`)?.getAttribute('aria-label'), title: g.querySelector('.title')?.textContent })),
  );
  assert.ok(headers.length >= 3);
  for (const h of headers) assert.equal(h.title, h.label);
  // Where an edge runs through a header, the header is what is seen (and hit) there, not the edge.
  const checked = await w.page.evaluate(() => {
    const rects = [...document.querySelectorAll('svg.graph g.box-header rect.header')].map((r) => r.getBoundingClientRect());
    let n = 0;
    const over: string[] = [];
    for (const path of document.querySelectorAll<SVGPathElement>('svg.graph .edges path')) {
      const m = path.getScreenCTM()!;
      const len = path.getTotalLength();
      for (let d = 0; d <= len; d += 3) {
        const p = path.getPointAtLength(d).matrixTransform(m);
        if (p.x < 0 || p.y < 0 || p.x > innerWidth || p.y > innerHeight) continue;
        if (!rects.some((r) => p.x > r.left + 2 && p.x < r.right - 2 && p.y > r.top + 2 && p.y < r.bottom - 2)) continue;
        n++;
        const top = document.elementFromPoint(p.x, p.y);
        if (top?.closest('.edges')) over.push(`${p.x.toFixed(0)},${p.y.toFixed(0)}`);
      }
    }
    return { n, over };
  });
  assert.ok(checked.n > 0, 'some edge runs through a header in this view');
  assert.deepEqual(checked.over, [], 'edges drawn over headers');
});

test('a model of a few hundred nodes opens with every operator drawn', async () => {
  const { view } = viewOfFile(realModelPath('ppocr-rec.onnx'), { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320 });
  const drawable = view.nodes.filter((n) => n.kind !== 'op' || n.opType !== 'Constant').length;
  await show(view, 'ppocr-rec.onnx');
  assert.equal(await w.page.locator('svg.graph g.kind-node').count(), drawable);
});

test('one known value: the mid colour, and the legend says every known value is that one', async () => {
  const { view } = viewOfModel(flatModel(12));
  const convs = view.nodes.filter((n) => n.opType === 'Conv');
  assert.ok(convs.every((n) => n.macs === convs[0]!.macs && n.macs! > 0), 'every Conv has the same MACs');
  await show(view, 'same.onnx');
  const fill = await w.page.locator(`svg.graph [data-key="#n${convs[0]!.id}"] rect.node`).evaluate((r) => getComputedStyle(r).fill);
  assert.equal(fill, 'rgb(253, 150, 70)', 'the middle of the palette, not its darkest end');
  const legend = (await w.page.locator('.legend').textContent())!;
  assert.match(legend, new RegExp(`every known value is ${(convs[0]!.macs! / 1e3).toFixed(1)} kMACs`));
  assert.doesNotMatch(legend, /log scale/);
});

test('Weights: weight inputs drawn with their shapes inside the nodes, the layout making room; the choice is kept', async () => {
  const { view } = viewOfFile(realModelPath('mlsd-tiny.onnx'), {});
  await show(view, 'mlsd-tiny.onnx');
  const conv = view.nodes.find((n) => n.opType === 'Conv' && n.inputs.filter((t) => t.weight).length === 2)!;
  const box = w.page.locator(`svg.graph [data-key="#n${conv.id}"]`);
  const h0 = (await box.boundingBox())!.height;
  assert.equal(await box.locator('.weight').count(), 0, 'off by default');
  await w.page.locator('#toggle-weights').click();
  await w.page.waitForFunction((k) => document.querySelectorAll(`[data-key="${k}"] .weight`).length > 0, `#n${conv.id}`);
  const lines = await box.locator('.weight').allTextContents();
  const dims = conv.inputs.filter((t) => t.weight).map((t) => /\[(.*)\]/.exec(t.type)![1]!.split(',').join('×'));
  assert.deepEqual(
    lines.map((l) => /⟨(.*)⟩/.exec(l)![1]),
    dims,
    `weights of ${conv.name}: ${lines.join(' | ')}`,
  );
  assert.ok((await box.boundingBox())!.height > h0 + 20, 'the node grew');
  // No two nodes overlap after the relayout.
  const rects = await w.page.locator('svg.graph g.kind-node:not(.open)').evaluateAll((gs) => gs.map((g) => g.getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom]));
  for (let i = 0; i < rects.length; i++)
    for (let j = i + 1; j < rects.length; j++) {
      const [a, b] = [rects[i]!, rects[j]!];
      assert.ok(a[2]! <= b[0]! + 0.5 || b[2]! <= a[0]! + 0.5 || a[3]! <= b[1]! + 0.5 || b[3]! <= a[1]! + 0.5, `nodes ${i} and ${j} overlap`);
    }
  assert.deepEqual(await w.page.evaluate(() => (window as unknown as { __state?: { weights?: boolean } }).__state?.weights), true, 'kept in the webview state');
  await w.page.locator('#toggle-weights').click();
  await w.page.waitForFunction(() => document.querySelectorAll('.weight').length === 0);
});

test('the minimap of a tall graph shows the graph and the view’s outline readably, away from the legend', async () => {
  const { view } = viewOfModel(flatModel(3000));
  await show(view, 'tall.onnx');
  const outline = (await w.page.locator('canvas.minimap').getAttribute('data-view'))!.split(',').map(Number);
  assert.ok(outline[2]! >= 20 && outline[3]! >= 20, `the view's outline: ${outline.join(', ')}`);
  // The graph drawn in the minimap spans a readable width (its boxes, in pixels).
  const drawnWidth = await w.page.locator('canvas.minimap').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let lo = c.width;
    let hi = -1;
    for (let y = 0; y < c.height; y++)
      for (let x = 0; x < c.width; x++)
        if (d[(y * c.width + x) * 4 + 3]! > 0) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
    return hi - lo;
  });
  assert.ok(drawnWidth >= 40, `graph drawn ${drawnWidth} px wide in the minimap`);
  // A narrower editor: the legend's "unknown" stays clear of the minimap.
  await w.page.setViewportSize({ width: 1000, height: 700 });
  await w.page.waitForTimeout(200);
  const a = (await w.page.locator('.legend-unknown').boundingBox())!;
  const b = (await w.page.locator('canvas.minimap').boundingBox())!;
  const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  assert.ok(!overlap, `unknown label ${JSON.stringify(a)} under the minimap ${JSON.stringify(b)}`);
  await w.page.setViewportSize({ width: 1400, height: 900 });
});
