// Keyboard navigation of the graph: with a selection, arrows follow edges (up/down) and siblings
// (left/right) and Enter opens a container; without one, arrows pan. + and − zoom, F or 0 fits,
// Escape clears the selection.
import type { LayoutEngine, Scene } from './layout';
import type { GraphTree } from './tree';

export type Direction = 'up' | 'down' | 'prev' | 'next';

/** The item reached from `key` by an edge (up: a producer, down: a consumer) or among its siblings. */
export function neighbour(tree: GraphTree, engine: LayoutEngine, scene: Scene | null, key: string, dir: Direction): string | null {
  if (dir === 'prev' || dir === 'next') {
    const p = tree.item(key).parent;
    if (!p) return null;
    const sib = tree.item(p).children;
    return sib[sib.indexOf(key) + (dir === 'next' ? 1 : -1)] ?? null;
  }
  const vis = engine.visible(key);
  const hit = (scene?.edges ?? []).find((x) => (dir === 'up' ? x.toKey === vis : x.fromKey === vis));
  return hit ? (dir === 'up' ? hit.fromKey : hit.toKey) : null;
}

export interface KeyActions {
  readonly selected: string | null;
  /** Moves the selection to `key` (null: stay). */
  go(key: string | null): void;
  neighbour(key: string, dir: Direction): string | null;
  panBy(dx: number, dy: number): void;
  zoomAt(factor: number): void;
  fit(): void;
  /** Opens or closes `key` if it is a container. */
  toggle(key: string): void;
  deselect(): void;
}

const ARROWS: Record<string, [Direction, number, number]> = {
  ArrowUp: ['up', 0, 1],
  ArrowDown: ['down', 0, -1],
  ArrowLeft: ['prev', 1, 0],
  ArrowRight: ['next', -1, 0],
};

/** Handles `e` if it is one of the graph's keys (then its default is prevented). */
export function onGraphKey(e: KeyboardEvent, act: KeyActions): void {
  const step = 60;
  const sel = act.selected;
  const arrow = ARROWS[e.key];
  if (arrow) {
    if (sel) act.go(act.neighbour(sel, arrow[0]));
    else act.panBy(arrow[1] * step, arrow[2] * step);
  } else if (e.key === 'Enter') {
    if (sel) act.toggle(sel);
  } else if (e.key === '+' || e.key === '=') act.zoomAt(1.25);
  else if (e.key === '-') act.zoomAt(0.8);
  else if (e.key === 'f' || e.key === '0') act.fit();
  else if (e.key === 'Escape') act.deselect();
  else return;
  e.preventDefault();
}
