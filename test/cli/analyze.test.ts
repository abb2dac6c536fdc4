// `layerlens analyze` end to end: the built CLI on the sample model (counts derived by hand below),
// the real models, and bad input (exit codes, no stack traces).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli';
import { SAMPLE, realModelPath } from '../support/models';

interface Report {
  model: { irVersion: number; opsets: Record<string, number>; producer: string; nodeCount: number };
  totals: { macs: number; flops: number; params: number; weightBytes: number; activationBytes: number };
  nodes: { name: string; opType: string; macs: number | null; flops: number | null; params: number; outputs: { name: string; shape: (number | string | null)[] | null; dtype: string }[] }[];
  outputs: { name: string; shape: (number | string | null)[] | null; dtype: string }[];
  unknownOps: unknown[];
  warnings: string[];
  timings: { loadMs: number; shapeMs: number; costMs: number };
}

function analyze(args: string[]): Report {
  const r = runCli(['analyze', ...args, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

// samples/tiny-cnn.onnx (scripts/make-sample.ts), bound to 1x3x32x32:
//   block1 Conv 3->16, 3x3 pad 1 on 32x32: 1*16*32*32*3*3*3      =   442,368 MACs
//   block2 Conv 16->32 on 16x16 (after 2x2 pool): 1*32*16*16*16*9  = 1,179,648
//   block3 Conv 32->64 on 8x8:                    1*64*8*8*32*9    = 1,179,648
//   Gemm 64->10:                                  1*10*64          =       640
const SAMPLE_MACS = 442_368 + 1_179_648 * 2 + 640;
// params: conv weights+bias 448 + 4,640 + 18,496; BN scale/bias/mean/var 4*(16+32+64) = 448; fc 650
const SAMPLE_PARAMS = 448 + 4_640 + 18_496 + 448 + 650;

test('sample model: MACs, params and shapes match the hand count', () => {
  const r = analyze([SAMPLE, '--input', 'image=1x3x32x32']);
  assert.equal(r.totals.macs, SAMPLE_MACS);
  assert.equal(r.totals.params, SAMPLE_PARAMS);
  assert.equal(r.totals.weightBytes, SAMPLE_PARAMS * 4);
  assert.ok(r.totals.flops >= 2 * SAMPLE_MACS, 'FLOPs count 2 per MAC plus the other ops');
  assert.deepEqual(r.outputs, [{ name: 'probs', shape: [1, 10], dtype: 'float' }]);
  const conv2 = r.nodes.find((n) => n.name === '/features/block2/conv');
  assert.equal(conv2?.macs, 1_179_648);
  assert.deepEqual(conv2?.outputs[0]?.shape, [1, 32, 16, 16]);
  assert.equal(r.unknownOps.length, 0);
});

test('--dim binds a symbolic dim by name, the same as --input', () => {
  const byDim = analyze([SAMPLE, '--dim', 'batch=4']);
  assert.equal(byDim.totals.macs, 4 * SAMPLE_MACS);
  assert.deepEqual(byDim.outputs[0]?.shape, [4, 10]);
});

test('unbound symbolic dims are reported, not costed as 0', () => {
  const r = analyze([SAMPLE]);
  const conv = r.nodes.find((n) => n.opType === 'Conv');
  assert.equal(conv?.macs, null);
  assert.ok(r.warnings.some((w) => /batch/.test(w)), `warnings should name the unbound dim: ${r.warnings.join('; ')}`);
});

test('the table names the heaviest layer and the totals', () => {
  const r = runCli(['analyze', SAMPLE, '--input', 'image=1x3x32x32', '--top', '3']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\/features\/block[23]\/conv/);
  assert.match(r.stdout, /total: 2\.80 MMACs/);
});

test('--csv prints the export CSV: its header and one row per node, the same text as export --format csv', () => {
  const r = runCli(['analyze', SAMPLE, '--input', 'image=1x3x32x32', '--csv']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\r\n');
  assert.match(lines[0]!, /^"graph","node","op_type","known","runs \[count\]","macs \[MACs\]","flops \[FLOPs\]","params \[elements\]"/);
  assert.equal(lines.length, 1 + 15);
  const exported = runCli(['export', SAMPLE, '--input', 'image=1x3x32x32', '--format', 'csv']);
  assert.equal(exported.stdout, r.stdout);
  // --top keeps the heaviest rows, heaviest first
  const top = runCli(['analyze', SAMPLE, '--input', 'image=1x3x32x32', '--csv', '--top', '2']).stdout.trim().split('\r\n');
  assert.equal(top.length, 3);
  const macs = top.slice(1).map((l) => Number(l.split(',')[5]));
  assert.ok(macs[0]! >= macs[1]! && macs[1]! > 0, String(macs));
});

test('a real export keeps its weights in Constant nodes: params are not 0', () => {
  const r = analyze([realModelPath('ppocr-cls.onnx'), '--input', 'x=1x3x48x192']);
  assert.equal(r.model.nodeCount, 471);
  assert.ok(r.totals.params > 100_000, `params ${r.totals.params}`);
  assert.ok(r.totals.macs > 1_000_000, `macs ${r.totals.macs}`);
});

test('bad input: exit 1 with a typed message, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-cli-'));
  const empty = join(dir, 'empty.onnx');
  writeFileSync(empty, new Uint8Array(0));
  const junk = join(dir, 'junk.onnx');
  writeFileSync(junk, Buffer.from('this is not a model, just text\n'.repeat(20)));
  for (const file of [empty, junk, join(dir, 'missing.onnx')]) {
    const r = runCli(['analyze', file]);
    assert.equal(r.status, 1, `${file}: ${r.stderr}`);
    assert.match(r.stderr, /^ModelFormatError: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('usage errors exit 2', () => {
  assert.equal(runCli(['analyze', SAMPLE, '--input', 'image=1xQ']).status, 2);
  assert.equal(runCli(['analyze', SAMPLE, '--top', '0']).status, 2);
  assert.equal(runCli(['analyze']).status, 2);
  assert.equal(runCli(['frobnicate']).status, 2);
  const r = runCli(['analyze', SAMPLE, '--input', 'nosuch=1x3x32x32', '--json']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /nosuch/);
  assert.match(r.stderr, /image/, 'lists the inputs the model has');
});

test('--fold-budget and --fold-max set the folding limits: past the budget a warning names the node; out of range is a usage error', () => {
  const rec = realModelPath('ppocr-rec.onnx');
  const normal = runCli(['analyze', rec, '--input', 'x=1x3x48x320', '--json']);
  assert.equal(normal.status, 0, normal.stderr);
  assert.ok(!(JSON.parse(normal.stdout) as { warnings: string[] }).warnings.some((w) => /fold/.test(w)));
  const tight = runCli(['analyze', rec, '--input', 'x=1x3x48x320', '--json', '--fold-budget', '1000']);
  assert.equal(tight.status, 0, tight.stderr);
  assert.ok((JSON.parse(tight.stdout) as { warnings: string[] }).warnings.some((w) => /budgetElements/.test(w)));
  const bad = runCli(['analyze', SAMPLE, '--fold-max', '999999999999']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^UsageError: fold limit maxValueElements=999999999999/);
});
