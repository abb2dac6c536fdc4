// `npm run bench`, open-path part (issue 13): a model opened in the LayerLens graph editor in real
// VS Code (code-server + Debian's Chromium, test/vscode/harness), from the click in quick open to the
// first painted graph (the webview's body[data-ready]: its first scene laid out, drawn and an animation
// frame later). Runnable alone: `npm run build && node --import tsx bench/open-path.ts`.
//
// Each window is a fresh code-server and browser (workspace with copies of the models, LayerLens not
// yet active): the first open there is COLD (activation, language server and model worker start),
// then a second model is opened WARM (server running, that file not loaded before). Each model is
// opened cold and warm LAYERLENS_BENCH_OPEN_RUNS times (default 3); medians are printed.
// Phases come from timing marks: the extension's (src/extension/open-trace.ts, LAYERLENS_OPEN_TRACE),
// the model worker's (GraphViewText.timing) and the webview's (an init script records when the model
// message arrives and when body[data-ready] is set); all are epoch ms on this one machine's clock.
// LAYERLENS_BENCH_OPEN_MODELS=sample,ppocr-det picks models by label substring;
// LAYERLENS_BENCH_OPEN_COLD_ONLY=1 skips the warm opens. LAYERLENS_NETRON_DIR:
// see bench/netron.ts.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { median } from '../src/core/profile/stats';
import { CodeServer } from '../test/vscode/harness/code-server';
import { REPO } from '../test/vscode/harness/paths';
import { Workbench } from '../test/vscode/harness/workbench';
import { NETRON_REFERENCE, timeNetron } from './netron';
import { CACHE, largeModelFile, ROOT } from './subjects';

interface OpenModel {
  label: string;
  file: string;
}

const models = (large: string): OpenModel[] => [
  { label: 'sample tiny-cnn', file: join(ROOT, 'samples/tiny-cnn.onnx') },
  { label: 'blazeface-front', file: join(CACHE, 'models/blazeface-front.onnx') },
  { label: 'ppocr-det', file: join(CACHE, 'models/ppocr-det.onnx') },
  { label: 'isnet-quint8', file: join(CACHE, 'models/isnet-quint8.onnx') },
  { label: 'generated 20k nodes', file: large },
];

/** One open, its phases in ms (null: did not happen in this open, e.g. no server start when warm). */
interface Sample {
  model: string;
  cold: boolean;
  nodes: number;
  total: number;
  toEditor: number;
  serverStart: number | null;
  load: number;
  analyze: number;
  view: number;
  toHost: number;
  viewAtHost: number;
  webviewDoc: number;
  webviewReady: number;
  waitWebview: number;
  relay: number;
  paint: number;
  /** Of `paint`: decompressing and parsing the view model (the rest is the scene: tree, layout, SVG). */
  decode: number;
  heapMB: number | null;
  bytes: number;
  /** What crossed stdio and the relay: the view model gzip-compressed (GraphViewGzip). */
  gzipBytes: number;
}

type Mark = { ev: string; t: number; uri?: string; [k: string]: unknown };

// Runs in every frame before its scripts. VS Code writes the webview's document into its frame with
// document.open(), which drops listeners and observers: a 2 ms poll re-installs them on each new
// document. In the graph webview it records when the model message arrives (capture phase, before
// the app's listener parses it) and when body[data-ready] is first set (the first scene painted).
const INIT = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const rec = (window.__llOpen = {});
  const onMessage = (e) => {
    const d = e.data;
    if (d && d.type === 'model' && rec.model === undefined) rec.model = now();
  };
  const check = () => {
    if (rec.painted === undefined && document.body && document.body.dataset.ready === 'true') {
      rec.painted = now();
      rec.title = document.title;
      rec.items = document.querySelectorAll('svg.graph g.kind-node').length;
      rec.sceneMs = Number(document.body.dataset.firstPaintMs);
    }
  };
  let root = null;
  const iv = setInterval(() => {
    if (document.documentElement !== root) {
      root = document.documentElement;
      window.addEventListener('message', onMessage, true);
      if (root) new MutationObserver(check).observe(root, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
    }
    if (rec.doc === undefined && document.getElementById('app')) rec.doc = now();
    check();
    if (rec.painted !== undefined) clearInterval(iv);
  }, 2);
})();`;

/** sceneMs: the app's own figure from the decoded model to the painted scene (body[data-first-paint-ms]). */
type Rec = { doc?: number; model?: number; painted?: number; title?: string; items?: number; sceneMs?: number };

/** Quick open (Ctrl+P) up to the result row; returns the click's epoch ms. */
async function quickOpen(page: Page, name: string): Promise<number> {
  const box = page.locator('.quick-input-widget .quick-input-box input');
  for (let i = 0; i < 20 && !(await box.isVisible().catch(() => false)); i++) {
    await page.keyboard.press('Control+P');
    await page.waitForTimeout(200);
  }
  await page.keyboard.type(name, { delay: 5 });
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${name.replace(/\./g, '\\.')}\\s*$`) }) }).first();
  await row.waitFor({ timeout: 60_000 });
  const t0 = performance.timeOrigin + performance.now();
  await row.click();
  return t0;
}

/** The graph webview's frame showing `name`, once painted. */
async function paintedFrame(page: Page, name: string, timeoutMs: number): Promise<{ frame: Frame; rec: Rec }> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      const rec = (await frame.evaluate(() => (window as unknown as { __llOpen?: Rec }).__llOpen ?? null).catch(() => null)) as Rec | null;
      if (rec?.painted && rec.title?.endsWith(name)) return { frame, rec };
    }
    await page.waitForTimeout(50);
  }
  throw new Error(`${name}: no painted graph within ${timeoutMs / 1000} s`);
}

/** JS heap used by the webview's renderer (its own process when isolated, else shared with the workbench), MB. */
let heapOf = '';
async function heapMB(page: Page, frame: Frame): Promise<number | null> {
  for (const target of [frame, page] as const) {
    try {
      const s = await page.context().newCDPSession(target);
      await s.send('HeapProfiler.collectGarbage');
      const h = (await s.send('Runtime.getHeapUsage')) as { usedSize: number };
      await s.detach();
      heapOf = target === frame ? "the webview's own renderer process (site-isolated frame)" : 'the workbench renderer, shared with the webview';
      return h.usedSize / 2 ** 20;
    } catch {
      // a frame in the page's process has no session of its own: try the page
    }
  }
  return null;
}

function phases(model: string, cold: boolean, t0: number, marks: Mark[], uri: string, rec: Rec, heap: number | null): Sample {
  const at = (ev: string, any = false): Mark => {
    const m = marks.find((x) => x.ev === ev && (any || x.uri === uri));
    if (!m) throw new Error(`${model}: no '${ev}' mark in the extension's trace`);
    return m;
  };
  const resolve = at('resolve').t;
  const server = at('server').t;
  const received = at('received');
  const ready = at('ready').t;
  const posted = at('posted').t;
  const start = cold ? marks.find((x) => x.ev === 'serverStart') : undefined;
  const up = cold ? marks.find((x) => x.ev === 'serverUp') : undefined;
  const load = Number(received.loadMs ?? NaN);
  const analyze = Number(received.analyzeMs ?? NaN);
  const view = Number(received.viewMs ?? NaN);
  return {
    model,
    cold,
    nodes: Number(received.nodes),
    total: rec.painted! - t0,
    toEditor: resolve - t0,
    serverStart: start && up ? up.t - start.t : null,
    load,
    analyze,
    view,
    toHost: received.t - server - load - analyze - view,
    viewAtHost: received.t - resolve,
    webviewDoc: rec.doc! - resolve,
    webviewReady: ready - resolve,
    waitWebview: Math.max(0, ready - received.t),
    relay: rec.model! - posted,
    paint: rec.painted! - rec.model!,
    decode: rec.painted! - rec.model! - Number(rec.sceneMs),
    heapMB: heap,
    bytes: Number(received.bytes),
    gzipBytes: Number(received.gzipBytes),
  };
}

async function oneWindow(ws: string, cold: OpenModel, warm: OpenModel | null, samples: Sample[]): Promise<void> {
  const trace = join(ws, '.open-trace.jsonl');
  writeFileSync(trace, '');
  const server = await CodeServer.start({ env: { LAYERLENS_OPEN_TRACE: trace } });
  let wb: Workbench | null = null;
  try {
    wb = await Workbench.open({ scenario: 'bench-open-path', folder: ws, server, extensionDevelopmentPath: REPO, timeoutMs: 60_000 });
    await wb.page.context().addInitScript(INIT);
    for (const [m, isCold] of [[cold, true], ...(warm ? [[warm, false]] : [])] as [OpenModel, boolean][]) {
      const name = basename(m.file);
      const t0 = await quickOpen(wb.page, name);
      const { frame, rec } = await paintedFrame(wb.page, name, 180_000);
      const heap = await heapMB(wb.page, frame);
      const marks = readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Mark);
      const uri = marks.find((x) => x.ev === 'resolve' && String(x.uri).endsWith(`/${encodeURIComponent(name)}`))?.uri ?? '';
      samples.push(phases(m.label, isCold, t0, marks, uri, rec, heap));
      if (process.env.LAYERLENS_BENCH_OPEN_VERBOSE) {
        const at = (t: number) => `+${(t - t0).toFixed(0)}`;
        const steps = [...marks.filter((x) => x.t >= t0 && (!x.uri || x.uri === uri)).map((x) => `${x.ev} ${at(x.t)}`), `webview document ${at(rec.doc!)}`, `model arrives ${at(rec.model!)}`, `painted ${at(rec.painted!)}`];
        process.stderr.write(`open-path: ${m.label} ${isCold ? 'cold' : 'warm'}: ${steps.join(', ')}\n`);
      }
    }
  } finally {
    await wb?.close();
    await server.stop();
  }
}

const f0 = (n: number | null): string => (n === null || Number.isNaN(n) ? '–' : n.toFixed(0));

function table(samples: Sample[], order: OpenModel[]): string[] {
  const head = ['model', 'nodes', 'open', 'open → painted ms', 'open → editor ms', 'server start ms', 'load ms', 'analysis ms', 'view model ms', 'to host ms', 'editor → view at host ms', 'webview document ms', 'webview ready ms', 'model waits ms', 'relay ms', 'webview paint ms', 'of which decode ms', 'webview heap MB', 'view MB', 'sent MB'];
  const rows = [head, head.map(() => '---')];
  for (const m of order) {
    for (const cold of [true, false]) {
      const s = samples.filter((x) => x.model === m.label && x.cold === cold);
      if (!s.length) continue;
      const med = (k: keyof Sample) => {
        const v = s.map((x) => x[k]).filter((x): x is number => typeof x === 'number' && !Number.isNaN(x));
        return v.length ? median(v) : null;
      };
      rows.push([m.label, String(s[0]!.nodes), `${cold ? 'cold' : 'warm'} (${s.length})`, f0(med('total')), f0(med('toEditor')), f0(med('serverStart')), f0(med('load')), f0(med('analyze')), f0(med('view')), f0(med('toHost')), f0(med('viewAtHost')), f0(med('webviewDoc')), f0(med('webviewReady')), f0(med('waitWebview')), f0(med('relay')), f0(med('paint')), f0(med('decode')), f0(med('heapMB')), ((med('bytes') ?? 0) / 1e6).toFixed(2), ((med('gzipBytes') ?? 0) / 1e6).toFixed(2)]);
    }
  }
  return rows.map((r) => `| ${r.join(' | ')} |`);
}

async function main(): Promise<void> {
  const runs = Number(process.env.LAYERLENS_BENCH_OPEN_RUNS ?? 3);
  const pick = process.env.LAYERLENS_BENCH_OPEN_MODELS?.split(',').map((s) => s.trim()).filter(Boolean);
  const all = models(largeModelFile()).filter((m) => !pick || pick.some((p) => m.label.includes(p)));
  const missing = all.filter((m) => !existsSync(m.file));
  if (missing.length) throw new Error(`missing: ${missing.map((m) => m.file).join(', ')} (node scripts/fetch-models.mjs --tier bench)`);
  const ws = mkdtempSync(join(tmpdir(), 'layerlens-bench-open-'));
  mkdirSync(join(ws, '.vscode'));
  writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'layerlens.dims': { batch: 1, seq: 128 } }));
  for (const m of all) copyFileSync(m.file, join(ws, basename(m.file)));
  const samples: Sample[] = [];
  const load0 = loadavg()[0]!;
  try {
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < all.length; k++) {
        const warm = all.length > 1 && !process.env.LAYERLENS_BENCH_OPEN_COLD_ONLY ? all[(k + 1) % all.length]! : null;
        await oneWindow(ws, all[k]!, warm, samples);
        process.stderr.write(`open-path: run ${r + 1}/${runs}, ${all[k]!.label} cold${warm ? `, ${warm.label} warm` : ''}\n`);
      }
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
  console.log(`\n## open path in VS Code (code-server ${'4.100.3'}, Chromium; medians; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)})\n`);
  for (const l of table(samples, all)) console.log(l);
  if (heapOf) console.log(`\nwebview heap: JS heap used after a GC in ${heapOf}, MB of 2^20 bytes.`);
  await timeNetron(all.map((m) => ({ label: m.label, file: m.file })));
  if (!process.env.LAYERLENS_NETRON_DIR) {
    console.log('\nNetron, reference, not measured here (issue 13: Netron 9.2.1, same machine class, file → painted graph):');
    for (const [label, s] of NETRON_REFERENCE) console.log(`  ${label}: ${s}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
