import { GraphTree, SECTION_SIZE } from '../../../webview/tree';
import { eq, ok, spec } from './spec';
import { chain, graph, model, op } from './fixtures';

const scoped = () =>
  model(
    graph(
      [op(0, '/a/b/x', 'Conv', 10), op(1, '/a/b/y', 'Relu', 0), op(2, '/a/c/z', 'Conv', 5), op(3, '/top', 'Add', 1), op(4, 'Constant_0', 'Constant'), op(5, '/k/Constant', 'Constant')],
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [4, 3],
        [5, 0],
      ],
    ),
  );

spec('tree: groups nest by name scope, children in file order', () => {
  const t = new GraphTree(scoped());
  eq(t.item('root').children, ['#g/a', '#n3'], 'root');
  eq(t.item('#g/a').children, ['#g/a/b', '#g/a/c'], '/a');
  eq(t.item('#g/a/b').children, ['#n0', '#n1'], '/a/b');
  eq(t.opCount('#g/a'), 3, 'op nodes in /a');
});

spec('tree: an edge is filed under the lowest container holding both ends', () => {
  const t = new GraphTree(scoped());
  eq((t.edgesAt.get('#g/a/b') ?? []).map((e) => [e.from, e.to]), [[0, 1]], 'inside /a/b');
  eq((t.edgesAt.get('#g/a') ?? []).map((e) => [e.from, e.to]), [[1, 2]], 'between /a/b and /a/c');
  eq((t.edgesAt.get('root') ?? []).map((e) => [e.from, e.to]), [[2, 3]], 'out of /a');
});

spec('tree: Constant nodes are hidden with their edges, and a scope of only Constants disappears', () => {
  const t = new GraphTree(scoped());
  eq(t.hiddenConstants, 2, 'hidden');
  ok(!t.items.has('#n4') && !t.items.has('#g/k'), 'no Constant item, no empty /k group');
  const all = [...t.edgesAt.values()].flat();
  ok(!all.some((e) => e.from === 4 || e.from === 5), 'no edge from a Constant');
});

spec('tree: a wide container is split into ordered sections of SECTION_SIZE, labelled by their first and last node', () => {
  const t = new GraphTree(chain(2 * SECTION_SIZE + 10));
  const root = t.item('root');
  eq(root.children.length, 3, 'sections');
  eq(root.children.map((k) => t.item(k).children.length), [SECTION_SIZE, SECTION_SIZE, 10], 'sizes');
  eq(t.item(root.children[1]!).label, `part 2/3: Relu_${SECTION_SIZE} … Relu_${2 * SECTION_SIZE - 1}`, 'label');
  eq(t.pathTo(`#n${SECTION_SIZE + 1}`), ['root', root.children[1]], 'path to a node');
});

spec('tree: very wide containers get sections of sections', () => {
  const n = SECTION_SIZE * SECTION_SIZE + 1;
  const t = new GraphTree(chain(n));
  const root = t.item('root');
  eq(root.children.length, 2, 'two super-sections');
  eq(t.item(root.children[0]!).children.length, SECTION_SIZE, 'sections in the first');
  eq(t.opCount('root'), n, 'every node counted once');
});

spec('tree: findByPath matches display names with or without the leading slash', () => {
  const t = new GraphTree(scoped());
  eq(t.findByPath('a/b/y'), ['#n1']);
  eq(t.findByPath('/a/b/y'), ['#n1']);
  eq(t.findByPath('top'), ['#n3']);
});

spec('tree: If bodies become containers under their node on first expansion', () => {
  const body = graph([op(0, 'inner_mm', 'MatMul', 7), op(1, 'inner_relu', 'Relu', 0)], [[0, 1]]);
  const m = model(graph([op(0, 'cond', 'Equal'), op(1, 'If_0', 'If', null, { subgraphs: [{ attribute: 'then_branch', graph: body }, { attribute: 'else_branch', graph: body }] })], [[0, 1]]));
  const t = new GraphTree(m);
  ok(t.hasBodies('#n1'), 'expandable');
  const bodies = t.bodiesOf('#n1');
  eq(bodies, ['#n1>0', '#n1>1'], 'one container per branch');
  eq(t.item('#n1>0').label, 'then_branch', 'label');
  eq(t.item('#n1>0').children, ['#n1>0#n0', '#n1>0#n1'], 'the body’s own nodes');
  eq((t.edgesAt.get('#n1>0') ?? []).length, 1, 'the body’s edge');
});
