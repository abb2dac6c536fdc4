// Pan and zoom of the graph: one transform on the scene layer, applied once per animation frame, so
// panning stays smooth however large the scene. Wheel pans (Ctrl/⌘ + wheel or pinch zooms at the
// pointer), dragging the background pans, and the app binds keys to the same operations.
export class Viewport {
  x = 0;
  y = 0;
  k = 1;
  private frame = 0;
  private drag: { px: number; py: number; x: number; y: number; id: number; moved: boolean } | null = null;
  /** Set when the last pointer gesture panned the view, so the click that ends it is not a click. */
  suppressClick = false;
  onChange: () => void = () => undefined;

  constructor(
    readonly svg: SVGSVGElement,
    private readonly layer: SVGGElement,
  ) {
    svg.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        if (e.ctrlKey || e.metaKey) this.zoomAt(Math.exp(-e.deltaY * 0.0025), e.clientX, e.clientY);
        else this.panBy(-e.deltaX, -e.deltaY);
      },
      { passive: false },
    );
    // Dragging anywhere pans; it becomes a drag (and captures the pointer) only after it moves a
    // few pixels, so clicks on boxes and headers stay clicks.
    svg.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      this.suppressClick = false;
      this.drag = { px: e.clientX, py: e.clientY, x: this.x, y: this.y, id: e.pointerId, moved: false };
    });
    svg.addEventListener('pointermove', (e) => {
      if (!this.drag || e.pointerId !== this.drag.id) return;
      if (!this.drag.moved) {
        if (Math.hypot(e.clientX - this.drag.px, e.clientY - this.drag.py) < 4) return;
        this.drag.moved = true;
        svg.setPointerCapture(e.pointerId);
        svg.classList.add('panning');
      }
      this.x = this.drag.x + e.clientX - this.drag.px;
      this.y = this.drag.y + e.clientY - this.drag.py;
      this.schedule();
    });
    const end = (e: PointerEvent) => {
      if (!this.drag || e.pointerId !== this.drag.id) return;
      this.suppressClick = this.drag.moved;
      this.drag = null;
      svg.classList.remove('panning');
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointercancel', end);
  }

  private cachedSize: { width: number; height: number } | null = null;

  /** The view's size, measured once and then kept up to date by a ResizeObserver (no forced layouts). */
  size(): { width: number; height: number } {
    if (!this.cachedSize) {
      const r = this.svg.getBoundingClientRect();
      this.cachedSize = { width: r.width || 800, height: r.height || 600 };
      new ResizeObserver(([e]) => {
        if (e && e.contentRect.width > 0) this.cachedSize = { width: e.contentRect.width, height: e.contentRect.height };
      }).observe(this.svg);
    }
    return this.cachedSize;
  }

  panBy(dx: number, dy: number): void {
    this.x += dx;
    this.y += dy;
    this.schedule();
  }

  zoomAt(factor: number, clientX?: number, clientY?: number): void {
    const r = this.svg.getBoundingClientRect();
    const cx = (clientX ?? r.left + r.width / 2) - r.left;
    const cy = (clientY ?? r.top + r.height / 2) - r.top;
    const k = Math.max(0.02, Math.min(8, this.k * factor));
    const f = k / this.k;
    this.x = cx - (cx - this.x) * f;
    this.y = cy - (cy - this.y) * f;
    this.k = k;
    this.schedule();
  }

  /** Shows the rectangle (scene units) whole, not enlarged beyond 1.5×. */
  fit(x: number, y: number, w: number, h: number, margin = 24): void {
    const { width, height } = this.size();
    this.k = Math.max(0.02, Math.min(1.5, (width - 2 * margin) / Math.max(w, 1), (height - 2 * margin) / Math.max(h, 1)));
    this.x = (width - w * this.k) / 2 - x * this.k;
    this.y = (height - h * this.k) / 2 - y * this.k;
    this.schedule();
  }

  /** Centres the view on a scene point, keeping the zoom unless given (and at least readable). */
  centerOn(x: number, y: number, k = Math.max(this.k, 0.8)): void {
    const { width, height } = this.size();
    this.k = k;
    this.x = width / 2 - x * k;
    this.y = height / 2 - y * k;
    this.schedule();
  }

  /** The visible rectangle in scene units. */
  visible(): { x: number; y: number; width: number; height: number } {
    const { width, height } = this.size();
    return { x: -this.x / this.k, y: -this.y / this.k, width: width / this.k, height: height / this.k };
  }

  applyNow(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.layer.setAttribute('transform', `translate(${this.x.toFixed(2)},${this.y.toFixed(2)}) scale(${this.k.toFixed(4)})`);
    this.onChange();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.applyNow();
    });
  }
}
