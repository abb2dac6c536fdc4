// Bundles the entry points into dist/. Native and heavy runtime packages stay external and ship in
// node_modules: onnxruntime-node is a native addon (see docs/architecture.md).
import { build } from 'esbuild';

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
  // The ONNX Runtime worker runs in its own process (src/node/ort-runtime.ts forks it).
  build({ ...common, entryPoints: { 'profile-worker': 'src/node/profile-worker.ts' }, outdir: 'dist' }),
  build({ ...common, entryPoints: { server: 'src/server/main.ts', 'text-view-worker': 'src/server/text-view-worker.ts', 'jobs-worker': 'src/server/jobs-worker.ts' }, outdir: 'dist' }),
]);
