// Bundles the entry points into dist/. Native and heavy runtime packages stay external and ship in
// node_modules: onnxruntime-node is a native addon (see docs/architecture.md).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['onnxruntime-node', 'vscode'],
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
  // The ONNX Runtime worker runs in its own process (src/node/ort/runtime.ts forks it).
  build({ ...common, entryPoints: { 'profile-worker': 'src/node/ort/worker.ts' }, outdir: 'dist' }),
  // The language server's main thread and its two worker processes (src/server/main/worker-process.ts).
  build({ ...common, entryPoints: { server: 'src/server/main/main.ts', 'jobs-worker': 'src/server/jobs/jobs-worker.ts', 'model-worker': 'src/server/model-worker/model-worker.ts' }, outdir: 'dist' }),
  // The VS Code extension (vscode is provided by the editor; the language client is bundled).
  build({ ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' }),
  // The webviews (DOM only) and their layout worker.
  build({ bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', sourcemap: true, minify: true, logLevel: 'warning', entryPoints: { graph: 'webview/graph.ts', compare: 'webview/compare.ts', 'layout-worker': 'webview/layout-worker.ts' }, outdir: 'dist/webview' }),
]);

// Static webview resources: our styles and the codicon font (also used by vscode-elements' icons).
mkdirSync('dist/webview', { recursive: true });
copyFileSync('webview/webview.css', 'dist/webview/webview.css');
copyFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/webview/codicon.css');
copyFileSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf');
