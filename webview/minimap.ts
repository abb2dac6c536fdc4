// The overview: the whole scene drawn small on a canvas with the visible area outlined; clicking or
// dragging in it moves the view there.
import type { Scene } from './layout';
import type { Viewport } from './viewport';

export class Minimap {
  readonly canvas: HTMLCanvasElement;
  private scene: Scene | null = null;
  private scale = 1;

  constructor(private readonly viewport: Viewport) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'minimap';
    this.canvas.width = 200;
    this.canvas.height = 140;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Overview of the graph; click to move the view');
    let down = false;
    const go = (e: PointerEvent) => {
      if (!this.scene) return;
      const r = this.canvas.getBoundingClientRect();
      this.viewport.centerOn((e.clientX - r.left) / this.scale, (e.clientY - r.top) / this.scale, this.viewport.k);
    };
    this.canvas.addEventListener('pointerdown', (e) => {
      down = true;
      this.canvas.setPointerCapture(e.pointerId);
      go(e);
    });
    this.canvas.addEventListener('pointermove', (e) => down && go(e));
    this.canvas.addEventListener('pointerup', () => (down = false));
  }

  setScene(scene: Scene): void {
    this.scene = scene;
    this.draw();
  }

  draw(): void {
    const c = this.canvas.getContext('2d');
    const sc = this.scene;
    if (!c || !sc) return;
    const css = getComputedStyle(this.canvas);
    this.scale = Math.min(this.canvas.width / Math.max(sc.width, 1), this.canvas.height / Math.max(sc.height, 1));
    c.clearRect(0, 0, this.canvas.width, this.canvas.height);
    c.fillStyle = css.getPropertyValue('--minimap-box').trim() || '#888';
    let drawn = 0;
    for (const b of sc.boxes) {
      if (b.open || drawn > 20000) continue;
      c.fillRect(b.x * this.scale, b.y * this.scale, Math.max(1, b.width * this.scale), Math.max(1, b.height * this.scale));
      drawn++;
    }
    const v = this.viewport.visible();
    c.strokeStyle = css.getPropertyValue('--minimap-view').trim() || '#0af';
    c.lineWidth = 1.5;
    c.strokeRect(v.x * this.scale, v.y * this.scale, v.width * this.scale, v.height * this.scale);
  }
}
