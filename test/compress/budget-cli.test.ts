// `layerlens optimize … --min-cosine/--max-abs-error/--min-top1` and `layerlens sensitivity` end to
// end on real models, through the built CLI. Every written model is checked again here against the
// original in ONNX Runtime (in this process, with its own comparison) on the inputs the budget was
// given for: the budget must hold. Refusals say why.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import * as ort from 'onnxruntime-node';
import { DataType } from '../../src/core/ir/data-type';
import { readModel } from '../../src/core/onnx/reader';
import { writeModel } from '../../src/core/onnx/writer';
import { compressMethod } from '../../src/core/compress/methods';
import { loadModelFile } from '../../src/node/model-file';
import { generateInput, type InputData } from '../../src/node/ort/inputs';
import { decodeImage, imageToInput } from '../../src/node/image-inputs';
import { runCli } from '../support/cli';
import { realModelPath } from '../support/models';

interface Figures {
  cosine: number;
  maxAbs: number;
  top1: number | null;
}

function tensor(d: InputData): ort.Tensor {
  return new ort.Tensor('float32', new Float32Array(d.bytes.slice().buffer), d.shape);
}

/** Both models in ORT (optimizations on, as shipped) on each feed set; the worst figures over outputs and samples. */
async function compare(a: string | Uint8Array, b: string | Uint8Array, sets: InputData[][]): Promise<Figures> {
  const sa = await ort.InferenceSession.create(a as string, { graphOptimizationLevel: 'all' });
  const sb = await ort.InferenceSession.create(b as string, { graphOptimizationLevel: 'all' });
  let cosine = 1;
  let maxAbs = 0;
  let rows = 0;
  let agree = 0;
  for (const set of sets) {
    const feeds = Object.fromEntries(set.map((d) => [d.name, tensor(d)]));
    const oa = await sa.run(feeds);
    const ob = await sb.run(Object.fromEntries(set.map((d) => [d.name, tensor(d)])));
    for (const name of Object.keys(oa)) {
      const x = oa[name]!.data as Float32Array;
      const y = ob[name]!.data as Float32Array;
      let dot = 0;
      let nx = 0;
      let ny = 0;
      for (let i = 0; i < x.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(x[i]! - y[i]!));
        dot += x[i]! * y[i]!;
        nx += x[i]! ** 2;
        ny += y[i]! ** 2;
      }
      cosine = Math.min(cosine, nx === 0 && ny === 0 ? 1 : dot / Math.sqrt(nx * ny));
      const dims = oa[name]!.dims;
      const last = dims[dims.length - 1]!;
      if (dims.length >= 2 && last > 1) {
        for (let r = 0; r < x.length / last; r++) {
          let ia = 0;
          let ib = 0;
          for (let k = 1; k < last; k++) {
            if (x[r * last + k]! > x[r * last + ia]!) ia = k;
            if (y[r * last + k]! > y[r * last + ib]!) ib = k;
          }
          rows++;
          if (ia === ib) agree++;
        }
      }
    }
  }
  await sa.release();
  await sb.release();
  return { cosine, maxAbs, top1: rows ? agree / rows : null };
}

const generated = (name: string, shape: number[]): InputData[][] => [[generateInput({ name, elemType: DataType.FLOAT, shape }, 42)]];

function optimize(args: string[]): { status: number | null; json: Record<string, unknown> | null; stderr: string; stdout: string } {
  const r = runCli(['optimize', ...args, '--json'], { timeoutMs: 600_000 });
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    // refusals print no JSON
  }
  return { status: r.status, json, stderr: r.stderr, stdout: r.stdout };
}

const out = (name: string): string => join(mkdtempSync(join(tmpdir(), 'll-budget-')), name);

test('ppocr-rec, int4 within cosine ≥ 0.999: the sensitive MatMuls stay in float, the written model meets the budget in ORT', async () => {
  const src = realModelPath('ppocr-rec.onnx');
  const dst = out('rec.onnx');
  const r = optimize([src, '-o', dst, '--quantize', 'int4', '--min-cosine', '0.999', '--input', 'x=1x3x48x320']);
  assert.equal(r.status, 0, r.stderr);
  const j = r.json as { compressed: string[]; kept: { name: string; reason: string }[]; verification: { passed: boolean } };
  assert.ok(j.compressed.length >= 1 && j.verification.passed);
  assert.ok(j.kept.some((k) => /exceeds the budget/.test(k.reason)), 'some layer stays in float because of the budget');
  assert.ok(j.kept.some((k) => /non-constant weight input/.test(k.reason)), 'refused layers say why');
  const f = await compare(src, dst, generated('x', [1, 3, 48, 320]));
  console.log(`ppocr-rec int4 budget 0.999: ${j.compressed.length} compressed, ${j.kept.length} kept, cosine ${f.cosine.toFixed(6)}`);
  assert.ok(f.cosine >= 0.999, `cosine ${f.cosine}`);
  // Uniform int4 breaks this budget (why the search keeps layers in float).
  const all = readModel(writeModel(loadModelFile(src).model));
  compressMethod('int4').compress(all, all.graph.nodes.filter((n) => n.opType === 'MatMul').map((n) => n.displayName), 'combined', { inputs: { x: [1, 3, 48, 320] } });
  assert.ok((await compare(src, writeModel(all), generated('x', [1, 3, 48, 320]))).cosine < 0.999);
});

test('oww-embedding, int8-static within cosine ≥ 0.9999 and hello-deepa factored within cosine ≥ 0.999: budgets hold in ORT', async () => {
  const emb = realModelPath('oww-embedding.onnx');
  const a = out('emb.onnx');
  const r1 = optimize([emb, '-o', a, '--quantize', 'int8-static', '--min-cosine', '0.9999', '--input', 'input_1=1x76x32x1']);
  assert.equal(r1.status, 0, r1.stderr);
  const f1 = await compare(emb, a, generated('input_1', [1, 76, 32, 1]));
  assert.ok(f1.cosine >= 0.9999, `int8-static cosine ${f1.cosine}`);
  const deepa = realModelPath('hello-deepa.onnx');
  const b = out('deepa.onnx');
  const r2 = optimize([deepa, '-o', b, '--decompose', '--min-cosine', '0.999', '--max-abs-error', '0.01']);
  assert.equal(r2.status, 0, r2.stderr);
  assert.ok((r2.json as { applied: unknown[] }).applied.length >= 1);
  const f2 = await compare(deepa, b, generated('onnx::Flatten_0', [1, 25, 96]));
  assert.ok(f2.cosine >= 0.999 && f2.maxAbs <= 0.01, `low-rank cosine ${f2.cosine}, max abs ${f2.maxAbs}`);
  console.log(`budgets: oww-embedding int8-static cosine ${f1.cosine.toFixed(6)}; hello-deepa low-rank cosine ${f2.cosine.toFixed(6)}, max abs ${f2.maxAbs.toExponential(2)}`);
});

test('images as inputs: ppocr-cls in fp16 within top-1 = 1 and cosine ≥ 0.9999 on 3 PNG samples; the budget holds on each image', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-images-'));
  for (let k = 0; k < 3; k++) {
    const png = new PNG({ width: 96, height: 24 });
    for (let y = 0; y < 24; y++) for (let x = 0; x < 96; x++) {
      const i = (y * 96 + x) * 4;
      const ink = Math.sin(x / (3 + k)) * Math.cos(y / 4) > 0.3 ? 20 : 235;
      png.data[i] = ink;
      png.data[i + 1] = ink;
      png.data[i + 2] = (ink + 40 * k) % 256;
      png.data[i + 3] = 255;
    }
    writeFileSync(join(dir, `line-${k}.png`), PNG.sync.write(png));
  }
  const src = realModelPath('ppocr-cls.onnx');
  const dst = out('cls.onnx');
  const r = optimize([src, '-o', dst, '--quantize', 'fp16', '--min-top1', '1', '--min-cosine', '0.9999', '--inputs-from', dir, '--input', 'x=1x3x48x192']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((r.json as { sensitivity: { samples: number; inputs: string } }).sensitivity.samples, 3);
  assert.equal((r.json as { sensitivity: { inputs: string } }).sensitivity.inputs, 'images');
  const spec = { name: 'x', elemType: DataType.FLOAT, shape: [1, 3, 48, 192] };
  const sets = ['line-0.png', 'line-1.png', 'line-2.png'].map((f) => [imageToInput(decodeImage(join(dir, f)), spec)]);
  const f = await compare(src, dst, sets);
  assert.equal(f.top1, 1);
  assert.ok(f.cosine >= 0.9999, `cosine ${f.cosine}`);
});

test('refusals say why: opset too old for every layer (nothing written), no method, a budget that bounds nothing useful, --fuse with a budget', () => {
  const cls = realModelPath('ppocr-cls.onnx');
  const dst = out('none.onnx');
  const r = optimize([cls, '-o', dst, '--quantize', 'int8', '--min-cosine', '0.999', '--input', 'x=1x3x48x192']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /ErrorBudgetUnmetError: no layer can be compressed by int8 within the budget \(cosine ≥ 0\.999\): .*opset 9 lacks DynamicQuantizeLinear: needs >= 11.*Nothing was written/);
  const noKind = optimize([cls, '-o', dst, '--min-cosine', '0.999']);
  assert.equal(noKind.status, 2);
  assert.match(noKind.stderr, /needs what to compress: --quantize int8\|int8-static\|int4\|fp16 or --decompose/);
  const bad = optimize([cls, '-o', dst, '--quantize', 'fp16', '--min-cosine', '1.5']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /min cosine 1.5: give a number in/);
  const fuse = optimize([cls, '-o', dst, '--quantize', 'fp16', '--fuse', '--min-cosine', '0.99']);
  assert.equal(fuse.status, 2);
  assert.match(fuse.stderr, /run --fuse or --prune in a separate optimize step/);
});

test('sensitivity --json on ppocr-rec int4: ranked worst first; the worst layer\'s figure matches quantizing it alone and comparing in ORT here', async () => {
  const src = realModelPath('ppocr-rec.onnx');
  const r = runCli(['sensitivity', src, '--quantize', 'int4', '--input', 'x=1x3x48x320', '--json'], { timeoutMs: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { latencySource: string; layers: { name: string; ok: boolean; cosine: number | null; maxAbsError: number | null; sizeBytes: number; latencyShare: number | null; activation: { cosine: number } | null; reason?: string }[] };
  assert.equal(j.latencySource, 'estimated');
  const ok = j.layers.filter((l) => l.ok);
  assert.equal(ok.length, 9);
  for (let i = 1; i < ok.length; i++) assert.ok(ok[i - 1]!.cosine! <= ok[i]!.cosine!, 'worst first');
  for (const l of ok) assert.ok(l.sizeBytes > 0 && l.latencyShare! > 0 && l.latencyShare! < 1 && l.activation !== null);
  assert.ok(j.layers.filter((l) => !l.ok).every((l) => /non-constant weight/.test(l.reason!)));
  const worst = ok[0]!;
  const m = readModel(writeModel(loadModelFile(src).model));
  compressMethod('int4').compress(m, [worst.name], 'isolated', { inputs: { x: [1, 3, 48, 320] } });
  const f = await compare(src, writeModel(m), generated('x', [1, 3, 48, 320]));
  assert.ok(Math.abs(f.cosine - worst.cosine!) < 1e-6, `${worst.name}: ${f.cosine} here, ${worst.cosine} reported`);
  assert.ok(Math.abs(f.maxAbs - worst.maxAbsError!) <= 1e-6 * Math.max(1, f.maxAbs), `${f.maxAbs} vs ${worst.maxAbsError}`);
});
