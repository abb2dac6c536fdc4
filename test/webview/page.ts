// The built webview (dist/webview) in a real Chromium, served over http with the same HTML shell and
// Content-Security-Policy as in VS Code (src/extension/webview-shell.ts). VS Code itself is not here:
// a small host script stands in for the webview API (acquireVsCodeApi) and only records what the page
// posts and forwards what the test sends, and keeps the webview's state (getState/setState) in
// window.__state — the real extension host is exercised by test/vscode.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import { shellHtml } from '../../src/extension/webview-shell';
import type { ProfileResult } from '../../src/protocol/requests';
import type { ViewModel } from '../../src/protocol/view-model';
import type { ColorMetric, ToWebview } from '../../src/protocol/webview';
import { ROOT } from '../support/models';
import { launchChromium, type Browser } from '../vscode/harness/browser';

const HOST_STUB = `
window.__posted = [];
window.acquireVsCodeApi = () => ({
  postMessage: (m) => { window.__posted.push(m); },
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html', '.map': 'application/json' };

export interface WebviewPage {
  page: Page;
  browser: Browser;
  origin: string;
  /** Sends a message as the extension host would. */
  send(m: ToWebview): Promise<void>;
  /** Everything the page has posted to its host. */
  posted(): Promise<{ type: string; [k: string]: unknown }[]>;
  close(): Promise<void>;
}

export async function openWebview(entry: 'graph' | 'compare', o: { viewport?: { width: number; height: number } } = {}): Promise<WebviewPage> {
  const dist = join(ROOT, 'dist', 'webview');
  const nonce = randomBytes(12).toString('hex');
  let origin = '';
  // Large messages are served as JSON and posted by the page itself: handing megabytes through
  // page.evaluate costs the test far more than the webview.
  const messages = new Map<string, string>();
  let nextMessage = 1;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(shellHtml({ cspSource: origin, nonce, resource: (f) => `${origin}/${f}`, entry, title: 'LayerLens test', preludeScripts: [`${origin}/__host.js`] }));
      return;
    }
    if (url.pathname.startsWith('/__msg/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(messages.get(url.pathname.slice('/__msg/'.length)) ?? 'null');
      return;
    }
    if (url.pathname === '/__host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(HOST_STUB);
      return;
    }
    const file = normalize(join(dist, url.pathname));
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const browser = await launchChromium(join(tmpdir(), `ll-webview-${process.pid}-${Date.now()}`), o);
  const page = browser.page;
  page.on('response', (r) => r.status() >= 400 && browser.consoleErrors.push(`HTTP ${r.status()} ${r.url()}`));
  await page.goto(`${origin}/`);
  return {
    page,
    browser,
    origin,
    async send(m) {
      const id = String(nextMessage++);
      messages.set(id, JSON.stringify(m));
      await page.evaluate((u) => fetch(u).then((r) => r.json()).then((msg) => window.postMessage(msg, '*')), `${origin}/__msg/${id}`);
      messages.delete(id);
    },
    posted: () => page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted),
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The graph view's page, once its app has said `ready` to its host. */
export async function openGraphView(o: { viewport?: { width: number; height: number } } = {}): Promise<WebviewPage> {
  const w = await openWebview('graph', o);
  await w.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((p) => p.type === 'ready'));
  return w;
}

/** Sends a model as the host does and waits for its first painted scene (failing with the page's errors). */
export async function showModel(w: WebviewPage, view: ViewModel, fileName: string, o: { metric?: ColorMetric; profile?: ProfileResult | null } = {}): Promise<void> {
  await w.page.evaluate(() => delete document.body.dataset.ready);
  await w.send({ type: 'model', fileName, view, colorMetric: o.metric ?? 'macs', profile: o.profile ?? null, dims: {} });
  await w.page.waitForSelector('body[data-ready=true]', { timeout: 30_000 }).catch((e: Error) => {
    throw new Error(`${e.message}\nbrowser errors: ${w.browser.consoleErrors.join(' | ')}`);
  });
}
