// The graph as a tree of containers, built once per model: the graph root, name-scope groups
// (`/encoder/layer.3`), sections that split very wide containers into ordered parts, op nodes, and
// bodies (If/Loop/Scan subgraphs, called functions) under the node that holds them. Each edge is
// filed under the lowest container holding both ends, so laying out one container needs only its
// own edges. Which containers are expanded is view state, kept apart (see layout.ts).
import type { ViewEdge, ViewGraph, ViewGroup, ViewModel, ViewNode } from '../src/protocol/view-model';

export type ItemKind = 'root' | 'group' | 'section' | 'node' | 'body';

export interface Item {
  key: string;
  kind: ItemKind;
  parent: string | null;
  /** Items inside (containers; an op node's children are its bodies). */
  children: string[];
  label: string;
  /** The graph this item belongs to (a body's own items belong to the body's graph). */
  graphKey: string;
  node?: ViewNode;
  group?: ViewGroup;
  /** Smallest node id inside, for keeping file (topological) order. */
  order: number;
  depth: number;
}

export interface TreeEdge extends ViewEdge {
  graphKey: string;
  /** Items of the two ends. */
  fromKey: string;
  toKey: string;
}

/** Containers with more children than this are split into sections. */
export const SECTION_SIZE = 60;

export class GraphTree {
  readonly items = new Map<string, Item>();
  /** Edges by the key of the lowest container holding both ends. */
  readonly edgesAt = new Map<string, TreeEdge[]>();
  readonly graphs = new Map<string, ViewGraph>();
  /** Constant nodes are not drawn: their tensors are shown as weights of the nodes reading them. */
  hiddenConstants = 0;
  /** Items of op nodes by normalised scope path (`features/block2/conv`), for text-view lookups. */
  private readonly byPath = new Map<string, string[]>();

  constructor(readonly model: ViewModel) {
    this.addGraph('', model, null, 0);
  }

  item(key: string): Item {
    const it = this.items.get(key);
    if (!it) throw new Error(`no item ${key}`);
    return it;
  }

  static nodeKey(graphKey: string, id: number): string {
    return `${graphKey}#n${id}`;
  }

  /** Builds the items of one graph under `container` (null = the model's root). */
  private addGraph(graphKey: string, graph: ViewGraph, container: string | null, depth: number): string {
    this.graphs.set(graphKey, graph);
    const rootKey = container ?? 'root';
    if (!container) this.items.set(rootKey, { key: rootKey, kind: 'root', parent: null, children: [], label: 'model', graphKey, order: 0, depth: 0 });
    const groupKey = (id: string) => `${graphKey}#g${id}`;
    const groups: Item[] = [];
    const nodes: Item[] = [];
    for (const g of graph.groups) {
      const it: Item = { key: groupKey(g.id), kind: 'group', parent: g.parent ? groupKey(g.parent) : rootKey, children: [], label: g.name, graphKey, group: g, order: Infinity, depth: 0 };
      this.items.set(it.key, it);
      groups.push(it);
    }
    for (const n of graph.nodes) {
      if (n.kind === 'op' && n.opType === 'Constant') {
        this.hiddenConstants++;
        continue;
      }
      const it: Item = { key: GraphTree.nodeKey(graphKey, n.id), kind: 'node', parent: n.group ? groupKey(n.group) : rootKey, children: [], label: n.name, graphKey, node: n, order: n.id, depth: 0 };
      this.items.set(it.key, it);
      nodes.push(it);
      if (n.kind === 'op') {
        const path = n.name.split('/').filter(Boolean).join('/');
        const same = this.byPath.get(path);
        if (same) same.push(it.key);
        else this.byPath.set(path, [it.key]);
      }
    }
    // A group's order is its first node's: nodes come in file order, so the first to reach a group
    // sets it, and its ancestors were set by then too — the climb stops there.
    for (const it of nodes) {
      for (let p = it.parent; p && p !== rootKey; ) {
        const g = this.item(p);
        if (g.order !== Infinity) break;
        g.order = it.order;
        p = g.parent;
      }
    }
    for (const it of groups) this.item(it.parent!).children.push(it.key);
    for (const it of nodes) this.item(it.parent!).children.push(it.key);
    // Groups holding only Constant nodes are empty once those are hidden: drop them (deepest first).
    const live = groups.filter((g) => g.order !== Infinity);
    if (live.length !== groups.length) {
      const gone = new Set(groups.filter((g) => g.order === Infinity).map((g) => g.key));
      for (const k of gone) this.items.delete(k);
      for (const it of [...live, this.item(rootKey)]) if (it.children.some((c) => gone.has(c))) it.children = it.children.filter((c) => !gone.has(c));
    }
    const containers = [rootKey, ...live.map((i) => i.key)];
    for (const c of containers) this.sortAndSection(c);
    this.setDepths(rootKey, this.item(rootKey).depth || depth);
    this.fileEdges(graphKey, graph.edges);
    return rootKey;
  }

  private sortAndSection(key: string): void {
    const c = this.item(key);
    c.children.sort((a, b) => this.item(a).order - this.item(b).order);
    let level = c.children;
    let round = 0;
    while (level.length > SECTION_SIZE) {
      const sections: string[] = [];
      for (let i = 0; i < level.length; i += SECTION_SIZE) {
        const part = level.slice(i, i + SECTION_SIZE);
        const sk = `${key}~s${round}.${i / SECTION_SIZE}`;
        const first = this.item(part[0]!).order;
        this.items.set(sk, { key: sk, kind: 'section', parent: key, children: part, label: '', graphKey: c.graphKey, order: first, depth: 0 });
        for (const p of part) this.item(p).parent = sk;
        sections.push(sk);
      }
      sections.forEach((s, k) => {
        const it = this.item(s);
        it.label = `part ${k + 1}/${sections.length}: ${this.edgeName(it.children[0]!, 'first')} … ${this.edgeName(it.children[it.children.length - 1]!, 'last')}`;
      });
      level = sections;
      round++;
    }
    c.children = level;
  }

  /** A short name for the first or last op inside an item (section labels). */
  private edgeName(key: string, end: 'first' | 'last'): string {
    let it = this.item(key);
    while (it.kind !== 'node' && it.children.length) it = this.item(it.children[end === 'first' ? 0 : it.children.length - 1]!);
    const name = it.node?.name ?? it.label;
    return name.slice(name.lastIndexOf('/') + 1);
  }

  private setDepths(key: string, depth: number): void {
    const it = this.item(key);
    it.depth = depth;
    for (const ch of it.children) this.setDepths(ch, depth + 1);
  }

  private ancestors(key: string): string[] {
    const out: string[] = [];
    for (let k: string | null = key; k; k = this.item(k).parent) out.push(k);
    return out;
  }

  private fileEdges(graphKey: string, edges: ViewEdge[]): void {
    for (const e of edges) {
      const fromKey = GraphTree.nodeKey(graphKey, e.from);
      const toKey = GraphTree.nodeKey(graphKey, e.to);
      const a0 = this.items.get(fromKey);
      const b0 = this.items.get(toKey);
      if (!a0 || !b0) continue; // a hidden Constant
      // Lowest common container: climb the deeper side to the other's depth, then both together.
      let a: Item = this.item(a0.parent!);
      let b: Item = this.item(b0.parent!);
      while (a.depth > b.depth) a = this.item(a.parent!);
      while (b.depth > a.depth) b = this.item(b.parent!);
      while (a !== b) {
        a = this.item(a.parent!);
        b = this.item(b.parent!);
      }
      let list = this.edgesAt.get(a.key);
      if (!list) this.edgesAt.set(a.key, (list = []));
      list.push({ ...e, graphKey, fromKey, toKey });
    }
  }

  /** The child of `container` on the way down to `key` (`key` itself when it is a direct child). */
  childToward(container: string, key: string): string | undefined {
    let k: string | null = key;
    while (k) {
      const p: string | null = this.item(k).parent;
      if (p === container) return k;
      k = p;
    }
    return undefined;
  }

  /** Whether a node item can be expanded (it holds If/Loop/Scan bodies or calls a function). */
  hasBodies(key: string): boolean {
    const n = this.items.get(key)?.node;
    return !!n && (!!n.subgraphs?.length || n.callee !== undefined);
  }

  /** Creates the body containers of an op node on first expansion; returns their keys. */
  bodiesOf(key: string): string[] {
    const it = this.item(key);
    if (it.children.length || !it.node) return it.children;
    const n = it.node;
    const bodies: { label: string; graph: ViewGraph }[] = (n.subgraphs ?? []).map((s) => ({ label: s.attribute, graph: s.graph }));
    if (n.callee !== undefined) {
      const f = this.model.functions[n.callee];
      if (f) bodies.push({ label: `function ${f.domain ? f.domain + '.' : ''}${f.name}`, graph: f.graph });
    }
    bodies.forEach((b, i) => {
      const bk = `${key}>${i}`;
      this.items.set(bk, { key: bk, kind: 'body', parent: key, children: [], label: b.label, graphKey: bk, order: i, depth: it.depth + 1 });
      it.children.push(bk);
      this.addGraph(bk, b.graph, bk, it.depth + 1);
    });
    return it.children;
  }

  /** Op-node items whose display name, as a scope path, is `path` ('/a/b/c' and 'a/b/c' alike). */
  findByPath(path: string): string[] {
    return this.byPath.get(path.split('/').filter(Boolean).join('/')) ?? [];
  }

  /** Every op node of the main graph and the bodies built so far. */
  *opNodes(): Iterable<Item> {
    for (const it of this.items.values()) if (it.kind === 'node' && it.node?.kind === 'op') yield it;
  }

  private readonly counts = new Map<string, number>();

  /** Op nodes inside a container (a node counts itself; bodies are not counted). */
  opCount(key: string): number {
    const it = this.item(key);
    if (it.kind === 'node') return it.node?.kind === 'op' ? 1 : 0;
    const hit = this.counts.get(key);
    if (hit !== undefined) return hit;
    const n = it.children.reduce((a, c) => a + this.opCount(c), 0);
    this.counts.set(key, n);
    return n;
  }

  /** Containers from the root down to the parent of `key` (what must be expanded to show it). */
  pathTo(key: string): string[] {
    return this.ancestors(key).slice(1).reverse();
  }
}
