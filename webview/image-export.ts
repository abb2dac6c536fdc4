// The graph as a stand-alone image: the live SVG is cloned with the theme's computed colours and
// fonts written onto each element (so it looks the same outside VS Code), framed to the whole scene;
// PNG is that SVG drawn onto a canvas at 2×.
const PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-family', 'font-size', 'font-weight', 'visibility'];

export function sceneSvg(svg: SVGSVGElement, layer: SVGGElement, width: number, height: number, background: string): string {
  const margin = 16;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const live = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  live.forEach((el, i) => {
    const c = copies[i] as SVGElement;
    if (!(el instanceof SVGElement) || !c) return;
    // Presentation attributes, not a style attribute: they need no CSP exception and apply once the
    // classes (whose rules stay behind in the webview) are gone.
    const cs = getComputedStyle(el);
    for (const p of PROPS) c.setAttribute(p, cs.getPropertyValue(p));
    c.removeAttribute('class');
    c.removeAttribute('style');
  });
  const cloneLayer = clone.querySelector(`#${layer.id}`);
  cloneLayer?.setAttribute('transform', `translate(${margin},${margin})`);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.ceil(width + 2 * margin)));
  clone.setAttribute('height', String(Math.ceil(height + 2 * margin)));
  clone.setAttribute('viewBox', `0 0 ${Math.ceil(width + 2 * margin)} ${Math.ceil(height + 2 * margin)}`);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  clone.insertBefore(bg, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** Draws SVG text onto a canvas; resolves to the PNG as base64 (no data: prefix). */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be drawn'));
      img.src = url;
    });
    // Canvas size limits of browsers (~16k per side, 268 M pixels): scale down rather than fail.
    const s = Math.min(scale, 16000 / Math.max(width, height), Math.sqrt(2.5e8 / Math.max(1, width * height)));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.floor(width * s));
    canvas.height = Math.max(1, Math.floor(height * s));
    const ctx = canvas.getContext('2d')!;
    ctx.scale(s, s);
    ctx.drawImage(img, 0, 0, width, height);
    return canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The scene as shown, as SVG text or a PNG in base64, on the theme's editor background. */
export async function sceneImage(svg: SVGSVGElement, layer: SVGGElement, scene: { width: number; height: number }, format: 'svg' | 'png'): Promise<string> {
  const bg = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || '#ffffff';
  const text = sceneSvg(svg, layer, scene.width, scene.height, bg);
  return format === 'svg' ? text : svgToPng(text, scene.width + 32, scene.height + 32);
}
