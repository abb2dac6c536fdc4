// The overview: the scene drawn small on a canvas with the visible area outlined; clicking or
// dragging in it moves the view there. The canvas keeps the scene's aspect (no empty box for a tall
// graph) up to a maximum height; a graph too tall to show whole at a readable scale is shown as a
// window that follows the view, at a scale where the view's rectangle stays readable.
import type { Scene } from './layout';
import type { Viewport } from './viewport';

const WIDTH = 200;
const MAX_HEIGHT = 320;
/** The view's outline is never smaller than this (CSS px) along its longer side. */
const READABLE = 24;

export class Minimap {
  readonly canvas: HTMLCanvasElement;
  private scene: Scene | null = null;
  private scale = 1;
  private oy = 0;

  constructor(private readonly viewport: Viewport) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'minimap';
    this.canvas.width = WIDTH;
    this.canvas.height = 140;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Overview of the graph; click to move the view');
    let down = false;
    const go = (e: PointerEvent) => {
      if (!this.scene) return;
      const r = this.canvas.getBoundingClientRect();
      this.viewport.centerOn((e.clientX - r.left) / this.scale, (e.clientY - r.top + this.oy) / this.scale, this.viewport.k);
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
    const sw = Math.max(sc.width, 1);
    const sh = Math.max(sc.height, 1);
    const v = this.viewport.visible();
    const maxH = Math.max(60, Math.min(MAX_HEIGHT, (this.canvas.parentElement?.clientHeight || 600) * 0.45));
    const fit = Math.min(WIDTH / sw, maxH / sh);
    // Too small to read whole: the scene at most 80 % of the width, the view's outline at most a
    // quarter of the height, and never below READABLE px.
    const readable = Math.max(READABLE / Math.max(v.width, v.height, 1), Math.min((0.8 * WIDTH) / sw, (0.25 * maxH) / Math.max(v.height, 1)));
    this.scale = Math.max(fit, Math.min(WIDTH / sw, readable));
    const height = Math.round(Math.max(40, Math.min(maxH, sh * this.scale)));
    if (this.canvas.height !== height) {
      this.canvas.height = height;
      this.canvas.style.height = `${height}px`;
    }
    // A window on a graph taller than the canvas: centred on the view, within the scene.
    const full = sh * this.scale;
    this.oy = full <= height ? 0 : Math.max(0, Math.min(full - height, (v.y + v.height / 2) * this.scale - height / 2));
    const css = getComputedStyle(this.canvas);
    c.clearRect(0, 0, this.canvas.width, this.canvas.height);
    c.fillStyle = css.getPropertyValue('--minimap-box').trim() || '#888';
    let drawn = 0;
    for (const b of sc.boxes) {
      if (b.open || drawn > 20000) continue;
      const y = b.y * this.scale - this.oy;
      if (y > height || y + b.height * this.scale < 0) continue;
      c.fillRect(b.x * this.scale, y, Math.max(1, b.width * this.scale), Math.max(1, b.height * this.scale));
      drawn++;
    }
    c.strokeStyle = css.getPropertyValue('--minimap-view').trim() || '#0af';
    c.lineWidth = 1.5;
    const r = [v.x * this.scale, v.y * this.scale - this.oy, v.width * this.scale, v.height * this.scale];
    c.strokeRect(r[0]!, r[1]!, r[2]!, r[3]!);
    // The outline as drawn (canvas px), for tests and tools.
    this.canvas.dataset.view = r.map((x) => x.toFixed(1)).join(',');
  }
}
