// Netron side by side (issue 13), when a web build of Netron is at hand: LAYERLENS_NETRON_DIR is a
// folder holding Netron's index.html and its scripts (Netron has no npm or PyPI package this machine
// can install, so the bench cannot fetch it). The folder is served on 127.0.0.1, each model is given
// to Netron's file input in the same Debian Chromium the VS Code figures use, and the time from
// handing it the file to its first drawn node (`#canvas g.node`, or LAYERLENS_NETRON_NODE) is the
// median of 3 fresh page loads, with the renderer's resident set and JS heap after the paint
// (bench/renderer-memory.ts). Without the folder the
// issue's figures are printed as a reference, not measured here.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { median } from '../src/core/profile/stats';
import { launchChromium } from '../test/vscode/harness/browser';
import { makeRunDir } from '../test/vscode/harness/paths';
import { rendererMemory, type RendererMemory } from './renderer-memory';

/** Issue 13's figures (2 cores, medians of 3; Netron 9.2.1 served locally, same Chromium). */
export const NETRON_REFERENCE: [string, string][] = [
  ['ResNet-style CNN, 98 nodes', '0.59 s'],
  ['PaddleOCR-class detector, 672 nodes', '2.20 s'],
  ['int8 segmentation model, 1,084 nodes', '7.24 s'],
  ['flat 20,000-node graph', '45.8 s; renderer 1.0–1.7 GB'],
];

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

export async function timeNetron(models: { label: string; file: string }[]): Promise<void> {
  const dir = process.env.LAYERLENS_NETRON_DIR;
  if (!dir) return;
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`LAYERLENS_NETRON_DIR=${dir} has no index.html (a Netron web build is expected)`);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^([/\\])+/, '');
    const file = join(dir, path || 'index.html');
    if (!file.startsWith(normalize(dir)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`;
  const nodeSelector = process.env.LAYERLENS_NETRON_NODE ?? '#canvas g.node';
  const browser = await launchChromium(makeRunDir('netron'));
  console.log(`\nNetron (${dir}), same Chromium, file → first drawn node, median of 3:`);
  try {
    for (const m of models) {
      const times: number[] = [];
      let memory: RendererMemory | null = null;
      for (let i = 0; i < 3; i++) {
        const page = await browser.context.newPage();
        await page.goto(url, { waitUntil: 'load' });
        // Netron's web page asks for consent to its usage cookies once per browser profile; until it is
        // answered the page stays on its welcome screen.
        await page.locator('body.welcome:not(.spinner)').waitFor({ state: 'attached', timeout: 30_000 });
        if ((await page.locator('body.notification').count()) > 0) await page.getByText('Accept', { exact: true }).click();
        await page.locator('body.welcome:not(.spinner):not(.notification)').waitFor({ state: 'attached', timeout: 30_000 });
        const input = page.locator('input[type=file]').first();
        await input.waitFor({ state: 'attached', timeout: 30_000 });
        const t0 = performance.now();
        await input.setInputFiles(m.file);
        // Netron builds every node's SVG before it lays the graph out, then switches the page from its
        // spinner to the graph (body class "default"): a drawn node under that class is the painted
        // graph. (Its page overrides window.eval, so no animation frame is awaited in it.)
        await page.locator(`body.default ${nodeSelector}`).first().waitFor({ state: 'attached', timeout: 300_000 });
        times.push(performance.now() - t0);
        memory = await rendererMemory(page, browser.profileDir);
        await page.close();
      }
      console.log(`  ${m.label}: ${median(times).toFixed(0)} ms, renderer RSS ${memory?.rssMB?.toFixed(0) ?? '–'} MB, JS heap ${memory?.heapMB.toFixed(0) ?? '–'} MB`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}
