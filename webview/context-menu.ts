// A node's context menu: the rewrites that apply there as the server ranks them (the ones that pay off
// most first, each with its expected gain; refusals disabled with their reason), then the node's
// actions. Keyboard: arrows move, Escape closes.
import type { Fix } from '../src/protocol/webview';
import { h } from './dom';

export interface MenuActions {
  preview(fix: Fix): void;
  details(): void;
  revealInText(): void;
  copyName(): void;
  /** The menu closed itself (an item was chosen, or Escape). */
  close(refocus: boolean): void;
}

/** Opens at (x, y) of `pane`'s client area; the rules fill in when `fixes` arrives. */
export function contextMenu(pane: HTMLElement, nodeName: string, x: number, y: number, fixes: Promise<Fix[]>, act: MenuActions): HTMLElement {
  const r = pane.getBoundingClientRect();
  const menu = h('div', { class: 'context-menu', role: 'menu', 'aria-label': `Actions for ${nodeName}` }, h('div', { class: 'menu-note' }, 'checking rewrite rules…'));
  menu.style.left = `${x - r.left}px`;
  menu.style.top = `${y - r.top}px`;
  pane.append(menu);
  const item = (label: string, run: (() => void) | null, reason?: string) => {
    const b = h('button', { class: 'menu-item', role: 'menuitem', ...(run ? {} : { disabled: true, 'aria-disabled': 'true' }) }, label, reason ? h('span', { class: 'reason' }, reason) : null);
    if (run)
      b.addEventListener('click', () => {
        act.close(false);
        run();
      });
    return b;
  };
  void fixes.then((list) => {
    if (!menu.isConnected) return;
    menu.replaceChildren(
      ...list.map((f) => (f.ok ? item(`Preview: ${f.title} — ${f.headline}`, () => act.preview(f)) : item(f.title, null, f.reason))),
      ...(list.length ? [h('hr', {})] : []),
      item('Show Details', () => act.details()),
      item('Reveal in Text View', () => act.revealInText()),
      item('Copy Name', () => act.copyName()),
    );
    (menu.querySelector('button:not([disabled])') as HTMLElement | null)?.focus();
  });
  menu.addEventListener('keydown', (e) => {
    const buttons = [...menu.querySelectorAll<HTMLElement>('button:not([disabled])')];
    const i = buttons.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') buttons[(i + 1) % buttons.length]?.focus();
    if (e.key === 'ArrowUp') buttons[(i - 1 + buttons.length) % buttons.length]?.focus();
    if (e.key === 'Escape') act.close(true);
  });
  return menu;
}
