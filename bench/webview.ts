// `npm run bench`, graph view part: the built webview in Chromium (test/webview/page.ts: its real
// bundle, CSP and layout worker) given the view models of the real models and a generated
// 20,000-node graph. Prints, per model: the view model's size, the time from the model message to the
// first painted scene (median of 3 page loads) and to the complete view (a model of up to 1,000 ops
// is opened whole after its first scene; else the same as the first paint), how many items the
// complete view draws and how many of them are nodes (operators and graph inputs/outputs, not closed
// groups); for the 20k graph
// also the time to open a group, and frame times while panning (median and 95th percentile over 2 s
// of one pan step per animation frame). After each model's paints: its renderer's resident set and JS
// heap (bench/renderer-memory.ts), in a fresh browser per model as Netron is measured: the figures
// compared with Netron's.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../src/core/analysis/analyze';
import type { Model } from '../src/core/ir/model';
import { median } from '../src/core/profile/stats';
import { buildViewModel } from '../src/server/features/view-model';
import type { ViewModel } from '../src/protocol/view-model';
import { loadModelFile } from '../src/node/model-file';
import { openGraphView } from '../test/webview/page';
import { buildLargeModel } from './large-model';
import { rendererMemory } from './renderer-memory';

const root = join(__dirname, '..');

interface Subject {
  label: string;
  model: () => Model;
  dims: Record<string, number>;
  inputs?: Record<string, number[]>;
}

const file = (f: string) => () => loadModelFile(join(root, f)).model;
const subjects: Subject[] = [
  { label: 'sample tiny-cnn', model: file('samples/tiny-cnn.onnx'), dims: { batch: 1 } },
  { label: 'ppocr-cls', model: file('.cache/models/ppocr-cls.onnx'), dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 192 } },
  { label: 'ppocr-rec', model: file('.cache/models/ppocr-rec.onnx'), dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320 } },
  { label: 'hello-deepa', model: file('.cache/models/hello-deepa.onnx'), dims: {} },
  { label: 'silero-vad-v5', model: file('.cache/models/silero-vad-v5.onnx'), dims: {} },
  { label: 'silero-vad-legacy', model: file('.cache/models/silero-vad-legacy.onnx'), dims: { batch: 1, sequence: 512 } },
  // The models the open-path bench opens in VS Code and in Netron (bench/open-path.ts).
  { label: 'blazeface-front', model: file('.cache/models/blazeface-front.onnx'), dims: {} },
  { label: 'ppocr-det', model: file('.cache/models/ppocr-det.onnx'), dims: {}, inputs: { x: [1, 3, 640, 640] } },
  { label: 'isnet-quint8', model: file('.cache/models/isnet-quint8.onnx'), dims: {} },
  { label: 'generated 20k nodes', model: () => buildLargeModel(20000), dims: { batch: 1, seq: 128 } },
];

/** The page's drawn graph (window.layerlens.model.canvas, webview/canvas.ts). */
type App = { viewport: { panBy(dx: number, dy: number): void }; toggle(key: string): Promise<void>; scene: { boxes: { key: string; open: boolean; item: { kind: string } }[] } };

async function main(): Promise<void> {
  const rows: string[][] = [];
  // A fresh browser and page per model, as Netron is measured (bench/netron.ts).
  for (const s of subjects) {
    const w = await openGraphView({ viewport: { width: 1400, height: 900 } });
    try {
      const model = s.model();
      const view: ViewModel = buildViewModel(model, analyzeModel(model, { bindings: { dims: s.dims, ...(s.inputs ? { inputs: s.inputs } : {}) } }));
      const json = JSON.stringify(view);
      const paints: number[] = [];
      const completes: number[] = [];
      let items = 0;
      let ops = 0;
      for (let i = 0; i < 3; i++) {
        await w.page.evaluate(() => {
          delete document.body.dataset.ready;
          delete document.body.dataset.completeMs;
        });
        await w.send({ type: 'model', fileName: `${s.label}-${i}.onnx`, view, colorMetric: 'macs', profile: null, dims: s.dims });
        await w.page.waitForSelector('body[data-complete-ms]', { timeout: 120_000 });
        paints.push(Number(await w.page.evaluate(() => document.body.dataset.firstPaintMs)));
        completes.push(Number(await w.page.evaluate(() => document.body.dataset.completeMs)));
        items = await w.page.locator('svg.graph g.box').count();
        ops = await w.page.locator('svg.graph g.kind-node').count();
      }
      const mem = await rendererMemory(w.page, w.browser.profileDir);
      const row = [s.label, String(view.info.nodeCount), (json.length / 1e6).toFixed(2), median(paints).toFixed(0), String(items), String(ops), median(completes).toFixed(0), mem.rssMB?.toFixed(0) ?? '–', mem.heapMB.toFixed(0)];
      if (s.label.startsWith('generated')) {
        // Open the first closed group, then pan for 2 s, one step per frame.
        const openMs = await w.page.evaluate(async () => {
          const app = (window as unknown as { layerlens: { model: { canvas: App } } }).layerlens.model.canvas;
          const closed = app.scene.boxes.find((b) => !b.open && b.item.kind !== 'node');
          if (!closed) return NaN;
          const t0 = performance.now();
          await app.toggle(closed.key);
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          return performance.now() - t0;
        });
        const frames = await w.page.evaluate(async () => {
          const app = (window as unknown as { layerlens: { model: { canvas: App } } }).layerlens.model.canvas;
          const out: number[] = [];
          let last = performance.now();
          const end = last + 2000;
          while (performance.now() < end) {
            app.viewport.panBy(3, 2);
            await new Promise((r) => requestAnimationFrame(() => r(null)));
            const now = performance.now();
            out.push(now - last);
            last = now;
          }
          return out;
        });
        frames.sort((a, b) => a - b);
        row.push(openMs.toFixed(0), `${median(frames).toFixed(1)} / ${frames[Math.floor(frames.length * 0.95)]!.toFixed(1)}`, String(await w.page.locator('svg.graph g.box').count()));
      }
      rows.push(row);
    } finally {
      await w.close();
    }
  }
  console.log('\ngraph view in Chromium (webview bundle, real CSP, layout worker): model message → first painted scene, median of 3');
  console.log(['model', 'nodes', 'view model MB', 'first paint ms', 'items drawn', 'nodes drawn (ops + inputs/outputs)', 'opened whole ms', 'renderer RSS MB', 'JS heap MB', 'open a group ms', 'pan frame ms (median / p95)', 'items after'].join('\t'));
  for (const r of rows) console.log(r.join('\t'));
  writeFileSync(join(root, '.cache', 'bench-webview.json'), JSON.stringify(rows));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
