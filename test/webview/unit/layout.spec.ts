import { LayoutEngine, type Box } from '../../../webview/layout';
import { layoutOne } from '../../../webview/layout-worker';
import { GraphTree } from '../../../webview/tree';
import { chain, graph, model, op } from './fixtures';
import { eq, ok, spec } from './spec';

// The worker's function run in the page itself (the worker only wraps it in messages).
let id = 0;
const run = async (req: Parameters<typeof layoutOne>[0] extends infer R ? Omit<R, 'id'> : never) => layoutOne({ ...req, id: ++id });

const nested = () =>
  new GraphTree(
    model(
      graph(
        [op(0, 'in_op', 'Conv'), op(1, '/enc/l0/a', 'MatMul'), op(2, '/enc/l0/b', 'Add'), op(3, '/enc/l1/a', 'MatMul'), op(4, '/enc/l1/b', 'Add'), op(5, 'out_op', 'Relu')],
        [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
          [4, 5],
        ],
      ),
    ),
  );

const inside = (a: Box, b: Box) => a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width + 0.01 && a.y + a.height <= b.y + b.height + 0.01;
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

spec('layout: closed groups are single boxes; an open group holds its children inside its frame', async () => {
  const t = nested();
  const e = new LayoutEngine(t, run);
  let s = await e.scene();
  eq(s.boxes.map((b) => b.key).sort(), ['#g/enc', '#n0', '#n5', 'root'], 'closed');
  e.expanded.add('#g/enc');
  e.expanded.add('#g/enc/l1');
  s = await e.scene();
  const by = new Map(s.boxes.map((b) => [b.key, b]));
  ok(inside(by.get('#g/enc/l1')!, by.get('#g/enc')!), 'l1 inside enc');
  ok(inside(by.get('#n3')!, by.get('#g/enc/l1')!) && inside(by.get('#n4')!, by.get('#g/enc/l1')!), 'nodes inside l1');
  const leaves = s.boxes.filter((b) => !b.open);
  for (let i = 0; i < leaves.length; i++) for (let j = i + 1; j < leaves.length; j++) ok(!overlap(leaves[i]!, leaves[j]!), `${leaves[i]!.key} overlaps ${leaves[j]!.key}`);
});

spec('layout: edges end at what is drawn; an edge into an open group ends at the node inside', async () => {
  const t = nested();
  const e = new LayoutEngine(t, run);
  e.expanded.add('#g/enc');
  const s = await e.scene();
  const pairs = s.edges.map((x) => `${x.fromKey}>${x.toKey}`).sort();
  eq(pairs, ['#g/enc/l0>#g/enc/l1', '#g/enc/l1>#n5', '#n0>#g/enc/l0'], 'edges between visible items');
  e.expanded.add('#g/enc/l0');
  const s2 = await e.scene();
  const into = s2.edges.find((x) => x.fromKey === '#n0')!;
  eq(into.toKey, '#n1', 'ends at the node inside the open group');
  const target = s2.boxes.find((b) => b.key === '#n1')!;
  const last = into.points[into.points.length - 1]!;
  ok(Math.abs(last.x - (target.x + target.width / 2)) < 1 && Math.abs(last.y - target.y) < 1, 'at the top centre of that node');
});

spec('layout: an unchanged scene lays nothing out again; opening a group lays out it and its ancestors only', async () => {
  const t = nested();
  const e = new LayoutEngine(t, run);
  e.expanded.add('#g/enc');
  eq((await e.scene()).laidOut, 2, 'first: root and enc');
  eq((await e.scene()).laidOut, 0, 'again: from the cache');
  e.expanded.add('#g/enc/l0');
  eq((await e.scene()).laidOut, 3, 'l0, then enc and root (sizes changed)');
});

spec('layout: autoExpand opens single children and stays within its budget', () => {
  const e = new LayoutEngine(new GraphTree(chain(500)), run);
  e.autoExpand(150);
  const n = e.visibleItems().length;
  ok(n <= 150, `visible ${n}`);
  ok(n > 60, `at least one section opened (${n})`);
  eq(e.visible('#n0'), '#n0', 'the first node is shown');
  const e2 = new LayoutEngine(nested(), run);
  e2.autoExpand(150);
  ok(e2.expanded.has('#g/enc') && e2.expanded.has('#g/enc/l0') && e2.expanded.has('#g/enc/l1'), 'a small model opens whole');
});

spec('layout: autoExpand goes depth-first along the start of a large graph (operators, not sibling boxes); a small model opens whole', () => {
  // 5,000 ops: 2 levels of sections; the first view opens the first section of sections, then its first sections.
  const e = new LayoutEngine(new GraphTree(chain(5000)), run);
  e.autoExpand(300);
  const shown = e.visibleItems();
  const ops = shown.filter((k) => e.tree.item(k).kind === 'node').length;
  ok(shown.length <= 300, `visible ${shown.length}`);
  ok(ops >= 180, `operators shown: ${ops}`);
  eq(e.visible('#n0'), '#n0');
  eq(e.expandAllIfSmall(), false, '5,000 ops: not opened whole');
  const all = new LayoutEngine(new GraphTree(chain(900)), run);
  all.autoExpand();
  eq(all.expandAllIfSmall(), true);
  eq(all.visibleItems().filter((k) => all.tree.item(k).kind === 'node').length, 900, 'every op of a 900-op model');
});

spec('layout: visible() is the outermost closed container', () => {
  const e = new LayoutEngine(nested(), run);
  eq(e.visible('#n3'), '#g/enc');
  e.expanded.add('#g/enc');
  eq(e.visible('#n3'), '#g/enc/l1');
});
