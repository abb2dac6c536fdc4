// A plain ONNX Runtime loop in its own process, the reference that `profile`'s reported latency is
// compared with: create the session (optimizations on), 3 warm-up runs, N timed runs, print the median.
import * as ort from 'onnxruntime-node';
import { median } from '../src/core/profile/stats';
import { generateInput } from '../src/node/ort/inputs';
import type { InputSpec } from '../src/core/profile/runtime';

async function main(): Promise<void> {
  const [file, specsJson, runsText] = process.argv.slice(2);
  const specs = JSON.parse(specsJson!) as (InputSpec & { value?: number })[];
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of specs) {
    const n = spec.shape.reduce((a, x) => a * x, 1);
    if (spec.elemType === 7) {
      feeds[spec.name] = new ort.Tensor('int64', spec.value !== undefined ? BigInt64Array.from([BigInt(spec.value)]) : new BigInt64Array(generateInput(spec).bytes.slice().buffer, 0, n), spec.shape);
    } else {
      feeds[spec.name] = new ort.Tensor('float32', new Float32Array(generateInput(spec).bytes.slice().buffer, 0, n), spec.shape);
    }
  }
  const s = await ort.InferenceSession.create(file!, { graphOptimizationLevel: 'all' });
  for (let i = 0; i < 3; i++) await s.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < Number(runsText); i++) {
    const t0 = performance.now();
    await s.run(feeds);
    times.push(performance.now() - t0);
  }
  await s.release();
  process.stdout.write(`${median(times)}\n`);
}
void main();
