// Weight-only blockwise quantization (MatMulNBits): ORT computes A · dequant(W) with W packed exactly; size and error on the MatMul stack; refusals.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { readModel } from '../../onnx/reader';
import { writeModel } from '../../onnx/writer';
import { runPass, packNBits, weightNBits } from '../index';
import { verifyRewrite } from '../../../node/ort/verify';
import { mlpStack } from '../../../../test/support/mlp-stack';
import { makeInputs, runOrt } from '../../../../test/support/ort';
import { save } from '../../../../test/support/rules';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

/** Dequantizes MatMulNBits' packed weights by hand, back to W [K, N]. */
function dequantize(p: ReturnType<typeof packNBits>, K: number, N: number, bits: 4 | 8, blockSize: number): Float64Array {
  const W = new Float64Array(K * N);
  const blob = (blockSize * bits) / 8;
  const zpPerN = Math.ceil((p.blocks * bits) / 8);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const blk = Math.floor(k / blockSize);
      const j = k % blockSize;
      const byte = p.b[(n * p.blocks + blk) * blob + (bits === 4 ? j >> 1 : j)]!;
      const q = bits === 4 ? (byte >> ((j & 1) * 4)) & 0xf : byte;
      let z = 2 ** (bits - 1);
      if (p.zeroPoints) {
        const zb = p.zeroPoints[n * zpPerN + (bits === 4 ? blk >> 1 : blk)]!;
        z = bits === 4 ? (zb >> ((blk & 1) * 4)) & 0xf : zb;
      }
      W[k * N + n] = (q - z) * p.scales[n * p.blocks + blk]!;
    }
  }
  return W;
}

for (const [bits, symmetric] of [[4, true], [4, false], [8, true]] as const) {
  test(`MatMulNBits ${bits}-bit ${symmetric ? 'symmetric' : 'asymmetric'}: ORT computes A · dequant(W), W packed exactly`, async () => {
    const K = 80; // not a multiple of the block size: the last block is padded
    const N = 24;
    const W = Array.from({ length: K * N }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
    const { model, b } = newModel('nbits');
    const x = b.input('x', F, [3, K]);
    const w = b.initializer('w', F, [K, N], W);
    const [y] = b.node('MatMul', [x, w], {}, { name: 'mm', outputs: ['y'] });
    b.output(y!, F, [3, N]);
    const opts = { bits, blockSize: 32, symmetric };
    const r = runPass(model, [weightNBits(opts)]);
    assert.deepEqual(r.applied.map((a) => a.rule), [bits === 4 ? 'quantize-int4-weight' : 'quantize-int8-weight']);
    assert.deepEqual(model.graph.nodes.map((n) => n.opType), ['MatMulNBits']);
    const feeds = makeInputs([{ name: 'x', elemType: F, shape: [3, K] }], 5);
    const out = (await runOrt(writeModel(model), feeds)).y!.data as Float32Array;
    const Wd = dequantize(packNBits(W, K, N, opts), K, N, bits, 32);
    const xs = feeds.x!.data as Float32Array;
    let maxErr = 0;
    let maxRef = 0;
    for (let m = 0; m < 3; m++) {
      for (let n = 0; n < N; n++) {
        let ref = 0;
        for (let k = 0; k < K; k++) ref += xs[m * K + k]! * Wd[k * N + n]!;
        maxErr = Math.max(maxErr, Math.abs(ref - out[m * N + n]!));
        maxRef = Math.max(maxRef, Math.abs(ref));
      }
    }
    assert.ok(maxErr <= 1e-4 * maxRef, `ORT vs hand dequantization: ${maxErr} (scale ${maxRef})`);
    // And the quantization error itself is what the bit width allows.
    const maxW = Math.max(...W.map(Math.abs));
    const worst = Math.max(...W.map((v, i) => Math.abs(v - Wd[i]!)));
    assert.ok(worst <= maxW / (bits === 4 ? 7 : 127), `worst weight error ${worst}`);
  });
}

test('int4 weight-only on the MatMul stack: size and output error', async () => {
  const original = mlpStack();
  const origPath = save(original, 'mlp.onnx');
  const q = readModel(writeModel(original));
  runPass(q, [weightNBits({ bits: 4, blockSize: 32, symmetric: true })]);
  const qPath = save(q, 'mlp-int4.onnx');
  const v = await verifyRewrite(
    { path: origPath, model: original, fileBytes: statSync(origPath).size },
    { path: qPath, model: q, fileBytes: statSync(qPath).size },
    weightNBits().tolerance,
    { runs: 10 },
  );
  console.log(`int4 (block 32) MatMul stack: size ${(v.after.fileBytes / v.before.fileBytes).toFixed(3)}x, latency ${(v.after.medianMs / v.before.medianMs).toFixed(2)}x, cosine ${v.outputs[0]!.cosine.toFixed(5)}`);
  assert.ok(v.passed, v.failures.join('; '));
  assert.ok(v.after.fileBytes / v.before.fileBytes < 0.2);
});

test('MatMulNBits refusal says why: block size', () => {
  const { model, b } = newModel('nb');
  const x = b.input('x', F, [2, 64]);
  const [y] = b.node('MatMul', [x, b.initializer('w', F, [64, 64], new Array(4096).fill(0.1))], {}, { name: 'mm' });
  b.output(y!, F, [2, 64]);
  assert.match(runPass(model, [weightNBits({ bits: 4, blockSize: 24, symmetric: true })]).refused[0]!.reason, /block size 24 must be a power of 2 between 16 and 256/);
});
