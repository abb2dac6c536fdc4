// `layerlens compile`: a hand-written design with weights declared by shape becomes a model ORT runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataType } from '../../src/core/ir/data-type';
import { readModel } from '../../src/core/onnx/reader';
import { runCli } from '../support/cli';
import { makeInputs, runOrt } from '../support/ort';

const DESIGN = `<ir_version: 8, opset_import: ["" : 17]>
design (float[1,3,32,32] x) => (float[1,8,32,32] y)
   <float[8,3,3,3] w, float[8] b = {0, 0, 0, 0, 0, 0, 0, 0}>
{
   c = Conv <kernel_shape = [3, 3], pads = [1, 1, 1, 1]> (x, w, b)
   y = Relu (c)
}
`;

test('compile fills declared weights (Xavier bound) and ORT runs the result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-compile-'));
  writeFileSync(join(dir, 'design.onnxtxt'), DESIGN);
  const out = join(dir, 'design.onnx');
  const r = runCli(['compile', join(dir, 'design.onnxtxt'), '-o', out, '--init', 'xavier', '--seed', '7']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 declared weight\(s\) filled with xavier/);
  const m = readModel(readFileSync(out));
  const w = m.graph.initializers.find((t) => t.name === 'w')!.toNumbers();
  const bound = Math.sqrt(6 / (3 * 9 + 8 * 9)); // fan_in = 3·3·3, fan_out = 8·3·3
  assert.ok(w.every((v) => Math.abs(v) <= bound) && w.some((v) => v !== 0));
  const y = (await runOrt(out, makeInputs([{ name: 'x', elemType: DataType.FLOAT, shape: [1, 3, 32, 32] }]))).y!;
  assert.deepEqual(y.dims, [1, 8, 32, 32]);
  assert.ok((y.data as Float32Array).every((v) => v >= 0));
});

test('compile reports the first parse error with line and column, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-compile-'));
  writeFileSync(join(dir, 'bad.onnxtxt'), 'bad (float[1] x) => (float[1] y) {\n  y = Relu (x\n}\n');
  const r = runCli(['compile', join(dir, 'bad.onnxtxt'), '-o', join(dir, 'bad.onnx')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^ModelFormatError: .*bad\.onnxtxt:3:1: expected '\)'/);
});
