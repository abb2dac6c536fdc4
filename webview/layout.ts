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

/** Laid-out items of the first scene of a large model (layout.ts autoExpand; bench/webview.ts measures it). */
export const FIRST_SCENE_BUDGET = 200;
/** Models with at most this many op nodes open with every container expanded. */
export const EXPAND_ALL_UP_TO = 1000;

export const PAD = 14;
export const HEADER = 26;
const CHAR = 7;

/** Height of one weight line drawn inside an op node when weights are shown (render.ts). */
export const WEIGHT_LINE = 14;

/** A weight input as drawn inside its node: a short name and the shape, `weight⟨32×3×7×7⟩`. */
export function weightLabel(name: string, type: string): string {
  const short = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('.'), name.lastIndexOf(':')) + 1) || name;
  const dims = /\[(.*)\]/.exec(type)?.[1];
  return `${short.length > 12 ? short.slice(0, 11) + '…' : short}⟨${dims === undefined ? '?' : dims === '' ? 'scalar' : dims.split(',').join('×')}⟩`;
}

/** The weight lines of an op node (none for other items). */
export function weightLines(it: Item): string[] {
  const n = it.node;
  if (!n || n.kind !== 'op') return [];
  return n.inputs.filter((t) => t.weight).map((t) => weightLabel(t.name, t.type));
}

export function leafSize(it: Item, expandable: boolean, weights = false, count = 0): { width: number; height: number } {
  if (it.kind === 'node' && it.node) {
    const n = it.node;
    if (n.kind !== 'op') return { width: Math.min(260, Math.max(90, n.name.length * CHAR + 28)), height: 30 };
    const short = n.name.slice(n.name.lastIndexOf('/') + 1);
    const lines = weights ? weightLines(it) : [];
    const text = Math.max(n.opType.length * (CHAR + 1), short.length * (CHAR - 0.5), ...lines.map((l) => l.length * 6.2));
    return { width: Math.min(lines.length ? 280 : 240, Math.max(96, text + 30 + (expandable ? 16 : 0))), height: 42 + lines.length * WEIGHT_LINE + (lines.length ? 4 : 0) };
  }
  // A closed container: its name, and `1380 nodes · ≥17.69 MMACs` whole below it.
  const sub = `${count} nodes · ≥999.99 MMACs`.length * 6.6 + 24;
  return { width: Math.min(280, Math.max(160, it.label.length * CHAR + 56, sub)), height: 54 };
}

/** Average width of a header title's character (12 px, bold). */
export const HEADER_CHAR = 7.2;

/** Room the header of an open container needs for its name, node count and a metric sum (`59.01 MMACs`). */
export function headerWidth(it: Item, count: number): number {
  const title = it.kind === 'node' && it.node ? `${it.node.opType} ${it.node.name}` : `${it.label} · ${count} nodes · ≥999.99 MMACs`;
  return Math.min(560, title.length * HEADER_CHAR + 34);
}

type Run = (req: Omit<LayoutRequest, 'id'>) => Promise<LayoutResult>;

export class LayoutEngine {
  readonly expanded = new Set<string>();
  private readonly cache = new Map<string, { sig: string; result: LayoutResult }>();
  private laidOut = 0;

  constructor(
    readonly tree: GraphTree,
    private readonly run: Run,
    /** Op nodes draw their weight inputs with shapes (taller boxes). */
    public weights = false,
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
    const it = this.tree.item(key);
    if (!this.isOpen(key)) return leafSize(it, this.isContainer(key), this.weights, it.kind === 'node' ? 0 : this.tree.opCount(key));
    const r = this.cache.get(key)!.result;
    if (it.kind === 'root') return { width: Math.max(r.width + 2 * PAD, 160), height: r.height + 2 * PAD };
    const header = headerWidth(it, this.tree.opCount(key));
    return { width: Math.max(r.width + 2 * PAD, 160, header), height: r.height + 2 * PAD + HEADER };
  }

  /**
   * Opens every group and section when the model has at most `all` op nodes (after the first
   * scene: see GraphCanvas.completeFirstView); returns whether anything was opened.
   */
  expandAllIfSmall(all = EXPAND_ALL_UP_TO): boolean {
    if (this.tree.opCount('root') > all) return false;
    const before = this.expanded.size;
    for (const it of this.tree.items.values()) if (it.kind === 'group' || it.kind === 'section') this.expanded.add(it.key);
    return this.expanded.size > before;
  }

  /**
   * Opens containers for a first view that shows operators, not boxes: depth-first in file
   * (topological) order — the first group, its first child, … — while the scene stays within
   * `budget` laid-out items, so the first screen shows the operator chain from the graph's inputs.
   * (docs/extension.md, "First view")
   */
  autoExpand(budget = FIRST_SCENE_BUDGET): void {
    let count = this.visibleItems().length;
    const visit = (key: string): void => {
      const kids = this.children(key);
      for (const c of kids) {
        const it = this.tree.item(c);
        if (it.kind !== 'group' && it.kind !== 'section') continue;
        if (kids.length === 1 || count + it.children.length <= budget) {
          this.expanded.add(c);
          count += it.children.length;
          visit(c);
        }
        if (count >= budget) return;
      }
    };
    visit('root');
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
