// Lazy hierarchical layout: only expanded containers are laid out, each on its own (children as
// boxes, its own edges) by the layout worker, innermost first, and cached by the sizes of their
// children, so expanding a group re-lays out that group and its ancestors only. The result is a
// scene of absolutely placed boxes and routed edges.
import type { LayoutRequest, LayoutResult, Point } from './layout-types';
import type { GraphTree, Item, TreeEdge } from './tree';

export interface Box {
  key: string;
  item: Item;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Drawn as an open container (its children are boxes too). */
  open: boolean;
}

export interface SceneEdge {
  fromKey: string;
  toKey: string;
  points: Point[];
  edges: TreeEdge[];
}

export interface SceneLabel {
  x: number;
  y: number;
  text: string;
}

export interface Scene {
  boxes: Box[];
  edges: SceneEdge[];
  labels: SceneLabel[];
  width: number;
  height: number;
  /** Containers laid out for this scene that were not in the cache. */
  laidOut: number;
}

export const PAD = 14;
export const HEADER = 26;
const CHAR = 7;

export function leafSize(it: Item, expandable: boolean): { width: number; height: number } {
  if (it.kind === 'node' && it.node) {
    const n = it.node;
    if (n.kind !== 'op') return { width: Math.min(260, Math.max(90, n.name.length * CHAR + 28)), height: 30 };
    const short = n.name.slice(n.name.lastIndexOf('/') + 1);
    return { width: Math.min(240, Math.max(96, Math.max(n.opType.length * (CHAR + 1), short.length * (CHAR - 0.5)) + 30 + (expandable ? 16 : 0))), height: 42 };
  }
  return { width: Math.min(280, Math.max(160, it.label.length * CHAR + 56)), height: 54 };
}

type Run = (req: Omit<LayoutRequest, 'id'>) => Promise<LayoutResult>;

export class LayoutEngine {
  readonly expanded = new Set<string>();
  private readonly cache = new Map<string, { sig: string; result: LayoutResult }>();
  private laidOut = 0;

  constructor(
    readonly tree: GraphTree,
    private readonly run: Run,
  ) {}

  isContainer(key: string): boolean {
    const it = this.tree.item(key);
    return it.kind !== 'node' || this.tree.hasBodies(key);
  }

  isOpen(key: string): boolean {
    const it = this.tree.item(key);
    return it.kind === 'root' || it.kind === 'body' || this.expanded.has(key);
  }

  private children(key: string): string[] {
    const it = this.tree.item(key);
    return it.kind === 'node' ? this.tree.bodiesOf(key) : it.children;
  }

  /** The item drawn for `key`: itself if visible, else its outermost closed ancestor. */
  visible(key: string): string {
    for (const c of this.tree.pathTo(key)) if (!this.isOpen(c)) return c;
    return key;
  }

  private async size(key: string): Promise<{ width: number; height: number }> {
    if (this.isOpen(key)) await this.layout(key);
    return this.sizeSync(key);
  }

  private async layout(key: string): Promise<LayoutResult> {
    const kids = this.children(key);
    const sizes = await Promise.all(kids.map((k) => this.size(k)));
    const pairs = new Map<string, { from: string; to: string; values: Set<string>; shape: string }>();
    for (const e of this.tree.edgesAt.get(key) ?? []) {
      const from = this.tree.childToward(key, e.fromKey);
      const to = this.tree.childToward(key, e.toKey);
      if (!from || !to || from === to) continue;
      const pk = `${from}\u0000${to}`;
      const p = pairs.get(pk) ?? { from, to, values: new Set(), shape: e.shape };
      p.values.add(e.value);
      pairs.set(pk, p);
    }
    const edges = [...pairs.values()].map((p) => ({ from: p.from, to: p.to, labelWidth: labelOf(p.values.size, p.shape).length * 6 }));
    const nodes = kids.map((k, i) => ({ key: k, ...sizes[i]! }));
    const sig = JSON.stringify([nodes, edges.length]);
    const hit = this.cache.get(key);
    if (hit && hit.sig === sig) return hit.result;
    const result = await this.run({ nodes, edges });
    if (result.error) throw new Error(`layout of ${key} failed: ${result.error}`);
    this.laidOut++;
    this.cache.set(key, { sig, result });
    return result;
  }

  /** Lays out what is expanded and places it. */
  async scene(): Promise<Scene> {
    this.laidOut = 0;
    const root = 'root';
    const rootSize = await this.size(root);
    const boxes: Box[] = [];
    const levelEdges: { key: string; from: string; to: string; points: Point[]; labelX?: number; labelY?: number }[] = [];
    const place = (key: string, x: number, y: number, w: number, h: number): void => {
      const it = this.tree.item(key);
      const open = this.isOpen(key);
      boxes.push({ key, item: it, x, y, width: w, height: h, open });
      if (!open) return;
      const r = this.cache.get(key)!.result;
      const ox = x + (it.kind === 'root' ? 0 : PAD);
      const oy = y + (it.kind === 'root' ? 0 : HEADER + PAD);
      // Centre a laid-out graph narrower than its container's minimum width.
      const cx = ox + Math.max(0, (w - (it.kind === 'root' ? 0 : 2 * PAD) - r.width) / 2);
      const sizes = new Map<string, { width: number; height: number }>();
      for (const k of this.children(key)) sizes.set(k, this.sizeSync(k));
      for (const n of r.nodes) {
        const s = sizes.get(n.key)!;
        place(n.key, cx + n.x - s.width / 2, oy + n.y - s.height / 2, s.width, s.height);
      }
      for (const e of r.edges) levelEdges.push({ key, from: e.from, to: e.to, points: e.points.map((p) => ({ x: cx + p.x, y: oy + p.y })), ...(e.labelX !== undefined ? { labelX: cx + e.labelX, labelY: oy + e.labelY! } : {}) });
    };
    place(root, 0, 0, rootSize.width, rootSize.height);
    const byKey = new Map(boxes.map((b) => [b.key, b]));
    const edges: SceneEdge[] = [];
    const labels: SceneLabel[] = [];
    for (const le of levelEdges) {
      const under = (this.tree.edgesAt.get(le.key) ?? []).filter((e) => this.tree.childToward(le.key, e.fromKey) === le.from && this.tree.childToward(le.key, e.toKey) === le.to);
      const values = new Set(under.map((e) => e.value));
      if (le.labelX !== undefined && under.length) labels.push({ x: le.labelX, y: le.labelY!, text: labelOf(values.size, under[0]!.shape) });
      const reps = new Map<string, SceneEdge>();
      for (const e of under) {
        const a = this.visible(e.fromKey);
        const b = this.visible(e.toKey);
        const rk = `${a}\u0000${b}`;
        let se = reps.get(rk);
        if (!se) {
          const pts = [...le.points];
          const ba = byKey.get(a)!;
          const bb = byKey.get(b)!;
          if (a !== le.from) pts.unshift({ x: ba.x + ba.width / 2, y: ba.y + ba.height });
          if (b !== le.to) pts.push({ x: bb.x + bb.width / 2, y: bb.y });
          se = { fromKey: a, toKey: b, points: pts, edges: [] };
          reps.set(rk, se);
          edges.push(se);
        }
        se.edges.push(e);
      }
    }
    return { boxes, edges, labels, width: rootSize.width, height: rootSize.height, laidOut: this.laidOut };
  }

  /** Size of an item: a closed one's box, an open one's from its cached layout. */
  private sizeSync(key: string): { width: number; height: number } {
    if (!this.isOpen(key)) return leafSize(this.tree.item(key), this.isContainer(key));
    const r = this.cache.get(key)!.result;
    const header = this.tree.item(key).kind === 'root' ? 0 : HEADER;
    return { width: Math.max(r.width + 2 * PAD, 160), height: r.height + 2 * PAD + header };
  }

  /**
   * Opens containers for a first view: single children are opened down the tree, then the
   * largest closed containers while the scene stays under `budget` visible items.
   */
  autoExpand(budget = 150): void {
    let count = this.visibleItems().length;
    let changed = true;
    while (changed) {
      changed = false;
      // In file (topological) order, so a flat model shows its first layers rather than its largest part.
      for (const key of this.visibleItems()) {
        if (this.isOpen(key) || !this.isContainer(key) || this.tree.item(key).kind === 'node') continue;
        const it = this.tree.item(key);
        const siblings = this.children(it.parent!).length;
        if (siblings === 1 || count - 1 + it.children.length <= budget) {
          this.expanded.add(key);
          count += it.children.length;
          changed = true;
        }
      }
    }
  }

  /** Items currently drawn (children of open containers), excluding the root. */
  visibleItems(): string[] {
    const out: string[] = [];
    const walk = (key: string) => {
      for (const c of this.children(key)) {
        out.push(c);
        if (this.isOpen(c)) walk(c);
      }
    };
    walk('root');
    return out;
  }
}

function labelOf(values: number, shape: string): string {
  return values === 1 ? shape : `${values} tensors`;
}
