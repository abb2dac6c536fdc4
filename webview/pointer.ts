// Mouse and keyboard events of the graph's SVG, turned into what they mean: a click on an item (or on
// its header / toggle), a double click, a hover that lasted 120 ms, a context menu, a key, and the
// user moving the view (from then on the first view no longer follows the pane's size).
import type { Viewport } from './viewport';

export interface PointerActions {
  /** A click on the item `key`; `onToggle` when on its header or toggle. */
  click(key: string, onToggle: boolean): void;
  /** A click on the background. */
  background(): void;
  dblclick(key: string): void;
  /** The pointer rests on `key` (null: on nothing). */
  hover(key: string | null, x: number, y: number): void;
  /** Right-click on `key`; true when a menu was opened (the browser's is then suppressed). */
  contextmenu(key: string, x: number, y: number): boolean;
  key(e: KeyboardEvent): void;
  /** Escape anywhere in the page. */
  escape(): void;
  moved(): void;
}

const keyOf = (e: Event) => (e.target as Element).closest<SVGGElement>('[data-key]')?.dataset.key ?? null;

export function bindPointer(svg: SVGSVGElement, viewport: Viewport, act: PointerActions): void {
  let hoverTimer = 0;
  svg.addEventListener('click', (e) => {
    if (viewport.suppressClick) return act.background();
    const key = keyOf(e);
    if (!key) return act.background();
    const cls = (e.target as Element).classList;
    act.click(key, cls.contains('toggle') || cls.contains('header'));
  });
  svg.addEventListener('dblclick', (e) => {
    const key = keyOf(e);
    if (key) act.dblclick(key);
  });
  svg.addEventListener('pointerover', (e) => {
    const key = keyOf(e);
    clearTimeout(hoverTimer);
    if (!key) return act.hover(null, 0, 0);
    hoverTimer = window.setTimeout(() => act.hover(key, e.clientX, e.clientY), 120);
  });
  svg.addEventListener('pointerleave', () => {
    clearTimeout(hoverTimer);
    act.hover(null, 0, 0);
  });
  svg.addEventListener('contextmenu', (e) => {
    const key = keyOf(e);
    if (key && act.contextmenu(key, e.clientX, e.clientY)) e.preventDefault();
  });
  svg.addEventListener('keydown', (e) => act.key(e));
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'f') {
      e.preventDefault();
      (document.getElementById('search') as HTMLElement | null)?.focus();
    }
    if (e.key === 'Escape') act.escape();
  });
  svg.addEventListener('wheel', () => act.moved(), { passive: true });
  svg.addEventListener('pointerup', () => viewport.suppressClick && act.moved());
}
