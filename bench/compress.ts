// `npm run bench`, compression frontier: on real models, uniform compression (every layer the rule
// takes) against compression within an error budget (the sensitive layers left as they were) and
// against low-rank factorization, each verified in ONNX Runtime: size, MACs and latency after/before
// (latency: 20 interleaved runs in one worker process), the worst output's cosine and max abs error,
// and the seconds the search took. Generated inputs (seed 42), as the CLI uses without --inputs-from.
// Run alone: `npm run build && node --import tsx bench/compress.ts [model-label…]`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModel } from '../src/core/analysis/analyze';
import type { Budget } from '../src/core/compress/budget';
import { compressMethod, type CompressKind, type MethodOptions } from '../src/core/compress/methods';
import type { Model } from '../src/core/ir/model';
import { cloneModel } from '../src/core/passes/graph-edit';
import type { Bindings } from '../src/core/shape/types';
import { calibrate } from '../src/node/ort/calibrate';
import { loadSamples } from '../src/node/compress/samples';
import { compressWithinBudget } from '../src/node/compress/within-budget';
import { saveModel } from '../src/node/files/encode-model';
import { loadModelFile } from '../src/node/model-file';
import { inputSpecs } from '../src/node/ort/profile';
import { verifyRewrite } from '../src/node/ort/verify';
import { mlpStack } from '../test/support/mlp-stack';

const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'll-bench-compress-'));
const mlpPath = join(dir, 'mlp-stack.onnx');
saveModel(mlpStack(), mlpPath);

type Row = { label: string; kind: CompressKind; options?: MethodOptions; budget?: Budget; ladder?: boolean };
const subjects: { label: string; file: string; bindings: Bindings; rows: Row[] }[] = [
  {
    label: 'MatMul stack (4x 256-1024-256)',
    file: mlpPath,
    bindings: {},
    rows: [
      { label: 'int8 uniform', kind: 'int8' },
      { label: 'int8, cosine >= 0.99999', kind: 'int8', budget: { minCosine: 0.99999 } },
      { label: 'low-rank 95 % energy', kind: 'low-rank', options: { lowRank: { energy: 0.95 } } },
      { label: 'low-rank, cosine >= 0.999', kind: 'low-rank', budget: { minCosine: 0.999 }, ladder: true },
    ],
  },
  {
    label: 'ppocr-rec',
    file: join(root, '.cache/models/ppocr-rec.onnx'),
    bindings: { inputs: { x: [1, 3, 48, 320] } },
    rows: [
      { label: 'int4 uniform', kind: 'int4' },
      { label: 'int4, cosine >= 0.999', kind: 'int4', budget: { minCosine: 0.999 } },
      { label: 'int4, cosine >= 0.9995', kind: 'int4', budget: { minCosine: 0.9995 } },
      { label: 'fp16 uniform (weighted layers)', kind: 'fp16' },
      { label: 'low-rank 95 % energy', kind: 'low-rank', options: { lowRank: { energy: 0.95 } } },
      { label: 'low-rank 99 % energy', kind: 'low-rank', options: { lowRank: { energy: 0.99 } } },
      { label: 'low-rank, cosine >= 0.999', kind: 'low-rank', budget: { minCosine: 0.999 }, ladder: true },
    ],
  },
  {
    label: 'oww-embedding',
    file: join(root, '.cache/models/oww-embedding.onnx'),
    bindings: { inputs: { input_1: [1, 76, 32, 1] } },
    rows: [
      { label: 'int8-static uniform', kind: 'int8-static' },
      { label: 'int8-static, cosine >= 0.9999', kind: 'int8-static', budget: { minCosine: 0.9999 } },
      { label: 'low-rank 95 % energy', kind: 'low-rank', options: { lowRank: { energy: 0.95 } } },
      { label: 'low-rank, cosine >= 0.999', kind: 'low-rank', budget: { minCosine: 0.999 }, ladder: true },
    ],
  },
  {
    label: 'oww-hey-jarvis',
    file: join(root, '.cache/models/oww-hey-jarvis.onnx'),
    bindings: {},
    rows: [
      { label: 'int8 uniform', kind: 'int8' },
      { label: 'int8, cosine >= 0.99999', kind: 'int8', budget: { minCosine: 0.99999 } },
      { label: 'low-rank 95 % energy', kind: 'low-rank', options: { lowRank: { energy: 0.95 } } },
    ],
  },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  console.log('\ncompress: uniform vs within an error budget vs low-rank; ratios after/before (latency: 20 interleaved runs), worst output');
  console.log(['model', 'compression', 'layers', 'size', 'MACs', 'latency', 'cosine', 'max abs error', 'search s'].join('\t'));
  for (const s of subjects.filter((x) => !only.length || only.some((o) => x.label.includes(o)))) {
    const original = loadModelFile(s.file).model;
    const specs = inputSpecs(analyzeModel(original, { bindings: s.bindings }).report);
    const samples = loadSamples(specs, {});
    let ranges: MethodOptions['ranges'];
    for (const row of s.rows) {
      if (row.kind === 'int8-static' && !ranges) ranges = await calibrate(original, { method: 'minmax', samples: 8, inputs: specs, bindings: s.bindings });
      const method = compressMethod(row.kind, { ...row.options, ...(ranges ? { ranges } : {}) });
      const t0 = performance.now();
      let model: Model;
      let layers: string;
      let why = '';
      if (row.budget) {
        const o = await compressWithinBudget({ model: original, path: s.file, samples, bindings: s.bindings, method, budget: row.budget, ...(row.ladder ? { energyLadder: [0.9, 0.95, 0.99] } : {}) });
        model = o.model;
        layers = `${o.compressed.length}/${o.sensitivity.layers.filter((l) => l.ok).length}`;
        why = o.kept.find((k) => !/factoring would not|not pay off|non-constant/.test(k.reason))?.reason ?? o.kept[0]?.reason ?? '';
      } else {
        model = cloneModel(original);
        const candidates = method.layers(original, analyzeModel(original, { bindings: s.bindings }).cost, s.bindings).filter((l) => l.ok);
        method.compress(model, candidates.map((l) => l.name), 'combined', s.bindings);
        layers = `${candidates.length}/${candidates.length}`;
      }
      const seconds = (performance.now() - t0) / 1000;
      if (layers.startsWith('0/')) {
        why ||= method.layers(original, analyzeModel(original, { bindings: s.bindings }).cost, s.bindings).find((l) => !l.ok)?.reason ?? 'no candidate layer';
        console.log([s.label, row.label, layers, '-', '-', '-', '-', '-', row.budget ? seconds.toFixed(1) : '-', `(nothing compressed: ${why})`].join('\t'));
        continue;
      }
      const out = join(dir, 'candidate.onnx');
      saveModel(model, out);
      const v = await verifyRewrite({ path: s.file, model: original, fileBytes: statSync(s.file).size }, { path: out, model, fileBytes: statSync(out).size }, {}, { bindings: s.bindings });
      const worst = v.outputs.reduce((a, b) => (b.cosine < a.cosine ? b : a));
      const maxAbs = Math.max(...v.outputs.map((o) => o.maxAbsError));
      console.log([s.label, row.label, layers, (v.after.fileBytes / v.before.fileBytes).toFixed(3), (v.after.macs / v.before.macs).toFixed(3),
        (v.after.medianMs / v.before.medianMs).toFixed(2), worst.cosine.toFixed(6), maxAbs.toExponential(2), row.budget ? seconds.toFixed(1) : '-'].join('\t'));
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

void main();
