// `npm run bench`, optimization part: for each model and optimization, size, MACs and latency
// ratios (latency from interleaved runs in one worker process) and the output error. int8 dynamic is
// also run restricted to MatMul/Gemm nodes (the rule before it quantized Gather tables), so the two
// size ratios print side by side on the transformer with a 5.12 MB embedding table.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model } from '../src/core/ir/model';
import { readModel } from '../src/core/onnx/reader';
import { writeModel } from '../src/core/onnx/writer';
import { fp16Compute, fp16Weights, int8Dynamic, pruneChannels, rulesOf, runPass, weightNBits } from '../src/core/passes';
import type { RewriteRule } from '../src/core/passes/types';
import type { Bindings } from '../src/core/shape/types';
import { loadModelFile } from '../src/node/model-file';
import { verifyRewrite } from '../src/node/ort/verify';
import { mlpStack } from '../test/support/mlp-stack';
import { tinyTransformer } from '../test/support/tiny-transformer';

const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'll-bench-opt-'));
const mlpPath = join(dir, 'mlp-stack.onnx');
writeFileSync(mlpPath, writeModel(mlpStack()));
const transformerPath = join(dir, 'tiny-transformer.onnx');
writeFileSync(transformerPath, writeModel(tinyTransformer()));

const subjects: { label: string; file: string; bindings: Bindings }[] = [
  { label: 'MatMul stack (4x 256-1024-256)', file: mlpPath, bindings: {} },
  { label: 'tiny transformer (embedding [5000, 256])', file: transformerPath, bindings: {} },
  { label: 'sample tiny-cnn', file: join(root, 'samples/tiny-cnn.onnx'), bindings: { dims: { batch: 1 } } },
  { label: 'ppocr-cls', file: join(root, '.cache/models/ppocr-cls.onnx'), bindings: { inputs: { x: [1, 3, 48, 192] } } },
  { label: 'ppocr-rec', file: join(root, '.cache/models/ppocr-rec.onnx'), bindings: { inputs: { x: [1, 3, 48, 320] } } },
  { label: 'hello-deepa', file: join(root, '.cache/models/hello-deepa.onnx'), bindings: {} },
];

const products = (m: Model): string[] => m.graph.nodes.filter((n) => n.opType === 'MatMul' || n.opType === 'Gemm').map((n) => n.displayName);

const optimizations: { label: string; rules: () => RewriteRule[]; only?: (m: Model) => string[] }[] = [
  { label: 'fuse', rules: () => rulesOf('fuse-all') },
  { label: 'int8 dynamic', rules: () => [int8Dynamic()] },
  { label: 'int8 dynamic, MatMul/Gemm only', rules: () => [int8Dynamic()], only: products },
  { label: 'int4 weight (block 32)', rules: () => [weightNBits({ bits: 4, blockSize: 32, symmetric: true })] },
  { label: 'fp16 weights', rules: () => [fp16Weights()] },
  { label: 'fp16 model', rules: () => [fp16Compute()] },
  { label: 'channel prune 50 %', rules: () => [pruneChannels(0.5)] },
];

async function main(): Promise<void> {
  console.log('\noptimize: ratios after/before (latency: 20 interleaved runs in one process), output cosine');
  console.log(['model', 'optimization', 'rewrites', 'size', 'MACs', 'latency', 'cosine', 'max rel error'].join('\t'));
  for (const s of subjects) {
    for (const o of optimizations) {
      const original = loadModelFile(s.file).model;
      const work: Model = readModel(writeModel(original));
      const r = runPass(work, o.rules(), { bindings: s.bindings, ...(o.only ? { only: o.only(work) } : {}) });
      if (r.applied.length === 0) {
        console.log([s.label, o.label, '0', '-', '-', '-', '-', `(refused: ${r.refused[0]?.reason ?? 'no site'})`].join('\t'));
        continue;
      }
      const out = join(dir, 'candidate.onnx');
      writeFileSync(out, writeModel(work));
      const v = await verifyRewrite({ path: s.file, model: original, fileBytes: statSync(s.file).size }, { path: out, model: work, fileBytes: statSync(out).size }, {}, { bindings: s.bindings });
      const worst = v.outputs.reduce((a, b) => (b.cosine < a.cosine ? b : a));
      console.log([s.label, o.label, String(r.applied.length), (v.after.fileBytes / v.before.fileBytes).toFixed(3), (v.after.macs / v.before.macs).toFixed(3),
        (v.after.medianMs / v.before.medianMs).toFixed(2), worst.cosine.toFixed(5), worst.maxRelError.toExponential(1)].join('\t'));
    }
  }
}

void main();
