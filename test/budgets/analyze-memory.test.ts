// `layerlens analyze` reports peak activation memory (docs/peak-memory.md): the JSON field, the
// timeline with --timeline, and the line of the text output, on the sample CNN where the peak is
// derived by hand: conv1's output [1,16,32,32] and bn1's output (same shape) are both live while
// bn1 runs, with the input image [1,3,32,32]: 65,536 + 65,536 + 12,288 = 143,360 bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli';
import { SAMPLE } from '../support/models';

test('analyze: peakActivationBytes, the timeline with --timeline, and the text line; --timeline needs --json', () => {
  const r = runCli(['analyze', SAMPLE, '--input', 'image=1x3x32x32', '--json', '--timeline']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { peakActivationBytes: number; peakActivation: { lowerBound: boolean; node: string; timeline: { node: string; liveBytes: number; reuse?: string }[] } };
  assert.equal(j.peakActivationBytes, 65_536 + 65_536 + 12_288);
  assert.equal(j.peakActivation.node, '/features/block1/bn');
  assert.equal(j.peakActivation.lowerBound, false);
  assert.equal(Math.max(...j.peakActivation.timeline.map((s) => s.liveBytes)), j.peakActivationBytes);
  // The Relu after each BatchNormalization takes over its input's buffer (its last reader, same size).
  assert.equal(j.peakActivation.timeline.find((s) => s.node === '/features/block1/relu')!.reuse, 'in-place');
  const plain = runCli(['analyze', SAMPLE, '--input', 'image=1x3x32x32', '--json']);
  assert.equal((JSON.parse(plain.stdout) as { peakActivation: { timeline?: unknown } }).peakActivation.timeline, undefined);
  const text = runCli(['analyze', SAMPLE, '--input', 'image=1x3x32x32']);
  assert.match(text.stdout, /^peak activation memory: 140\.0 KiB while \/features\/block1\/bn runs/m);
  const unbound = runCli(['analyze', SAMPLE]);
  assert.match(unbound.stdout, /^peak activation memory: \? \(no tensor size is known\) .* lower bound: \d+ tensor\(s\) of unknown size, e\.g\. 'image': its shape is \[batch,3,32,32\]/m);
  const misuse = runCli(['analyze', SAMPLE, '--timeline']);
  assert.equal(misuse.status, 2);
  assert.match(misuse.stderr, /UsageError: --timeline adds the memory timeline to the JSON: use it with --json/);
});
