// The hover card's box in the graph pane: placed beside the pointer and kept inside the pane; it
// remembers which item it shows, so a card completed later (the fixes at a node arrive from the
// server) replaces it only while the pointer is still on that item.
import { h } from './dom';

export class Tooltip {
  private readonly el = h('div', { class: 'tooltip', role: 'tooltip', hidden: true });
  private key: string | null = null;
  private at = { x: 0, y: 0 };

  constructor(private readonly pane: HTMLElement) {
    pane.append(this.el);
  }

  show(key: string, card: HTMLElement, x: number, y: number): void {
    this.key = key;
    this.at = { x, y };
    this.place(card);
  }

  /** Replaces the card of `key` if it is still shown. */
  update(key: string, card: HTMLElement): void {
    if (!this.el.hidden && this.key === key) this.place(card);
  }

  hide(): void {
    this.el.hidden = true;
    this.key = null;
  }

  private place(card: HTMLElement): void {
    const r = this.pane.getBoundingClientRect();
    this.el.replaceChildren(card);
    this.el.hidden = false;
    this.el.dataset.key = this.key ?? '';
    this.el.style.left = `${Math.min(this.at.x - r.left + 14, r.width - 340)}px`;
    this.el.style.top = `${Math.min(this.at.y - r.top + 14, r.height - this.el.offsetHeight - 8)}px`;
  }
}
