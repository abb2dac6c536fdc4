// The execution order peak memory is computed over (src/core/analysis/execution-order.ts) against
// ONNX Runtime itself: onnxruntime-node 1.30 in this process, optimizations off (the graph as
// written), its profiler on; the order of its per-node events is the order it ran the nodes. Small
// graphs where ORT's order differs from file order, then real models (main-graph nodes; events of
// nodes inside If bodies are left out, they run inside their If).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ortExecutionOrder } from '../../src/core/analysis/execution-order';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Model } from '../../src/core/ir/model';
import { writeModel } from '../../src/core/onnx/writer';
import { inferShapes } from '../../src/core/shape';
import type { Bindings } from '../../src/core/shape/types';
import { loadModelFile } from '../../src/node/model-file';
import { manifestEntry, realModelPath } from '../support/models';
import { boundInputs, makeInputs, ort } from '../support/ort';

/** Node names in the order ORT ran them (one run, optimizations off). */
async function ortOrder(model: Model, bytes: Uint8Array, bindings: Bindings, feeds: Record<string, ort.Tensor>): Promise<string[]> {
  const specs = boundInputs(model, inferShapes(model, bindings));
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-order-'));
  try {
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', enableProfiling: true, profileFilePrefix: join(dir, 'trace') });
    await session.run({ ...makeInputs(specs), ...feeds });
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    assert.ok(file, 'ORT wrote its profile');
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cat: string; name: string; ts: number }[];
    return events
      .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))
      .sort((a, b) => a.ts - b.ts)
      .map((e) => e.name.slice(0, -'_kernel_time'.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function assertSameOrder(model: Model, bytes: Uint8Array, bindings: Bindings = {}, feeds: Record<string, ort.Tensor> = {}): Promise<string[]> {
  const ours = ortExecutionOrder(model.graph).map((n) => n.displayName);
  const main = new Set(ours);
  const theirs = (await ortOrder(model, bytes, bindings, feeds)).filter((n) => main.has(n));
  assert.deepEqual(ours, theirs);
  return ours;
}

test('branches: ORT walks up from the last leaf, latest producer first (not file order)', async () => {
  // File order A B C F D G E; leaves G and E. From E (the last leaf): producers D, C -> D first -> B, A.
  const { model, b } = newModel('order');
  const x = b.input('x', DataType.FLOAT, [1, 8]);
  const [a] = b.node('Relu', [x], {}, { name: 'A' });
  const [bb] = b.node('Sigmoid', [x], {}, { name: 'B' });
  const [c] = b.node('Tanh', [x], {}, { name: 'C' });
  const [f] = b.node('Exp', [x], {}, { name: 'F' });
  const [d] = b.node('Add', [a!, bb!], {}, { name: 'D' });
  const [g] = b.node('Neg', [f!], {}, { name: 'G' });
  const [e] = b.node('Add', [d!, c!], {}, { name: 'E' });
  b.output(e!, DataType.FLOAT, [1, 8]);
  b.output(g!, DataType.FLOAT, [1, 8]);
  const order = await assertSameOrder(model, writeModel(model));
  assert.deepEqual(order, ['B', 'A', 'D', 'C', 'E', 'F', 'G']);
});

test('a node written before its producer (a file out of topological order) runs after it', async () => {
  const { model, b } = newModel('unsorted');
  const x = b.input('x', DataType.FLOAT, [1, 8]);
  const [a] = b.node('Relu', [x], {}, { name: 'first' });
  const [y] = b.node('Exp', [a!], {}, { name: 'second' });
  b.output(y!, DataType.FLOAT, [1, 8]);
  model.graph.nodes.reverse(); // 'second' is now written first
  assert.deepEqual(await assertSameOrder(model, writeModel(model)), ['first', 'second']);
});

for (const file of ['hello-deepa.onnx', 'ppocr-cls.onnx', 'blazeface-front.onnx', 'mlsd-tiny.onnx', 'oww-embedding.onnx', 'silero-vad-v5.onnx']) {
  test(`${file}: our order is the order ORT 1.30 runs the main graph`, async () => {
    const path = realModelPath(file);
    const { model } = loadModelFile(path);
    // Silero's If takes the sample rate: 16000 selects the branch ORT can run with these shapes.
    const feeds: Record<string, ort.Tensor> = file.startsWith('silero') ? { sr: new ort.Tensor('int64', BigInt64Array.from([16000n]), []) } : {};
    const order = await assertSameOrder(model, readFileSync(path), manifestEntry(file).bindings ?? {}, feeds);
    assert.ok(order.length > 3);
  });
}
