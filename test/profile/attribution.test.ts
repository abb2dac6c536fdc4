// Deployed-mode attribution checked for correctness, not only completeness: on a ResNet-style model
// (residual Add and Concat joins) and on a real CNN, each ORT kernel is charged only to the nodes it
// computes; per-node mode (every original node its own kernel) is the independent oracle for the
// time; physics bounds every achieved figure by the measured peak. No wall time is asserted.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Node } from '../../src/core/ir/graph';
import { IMPLAUSIBLE_OVER_PEAK } from '../../src/core/profile/roofline';
import { profileModel, type ProfileReport } from '../../src/node/ort/profile';
import { runCli } from '../support/cli';
import { realModelPath } from '../support/models';
import { resnetLike } from './resnet-like';
import { RECORD_VERSION } from '../../src/node/ort/machine';

const dir = mkdtempSync(join(tmpdir(), 'll-attr-'));
const RESNET = join(dir, 'resnet-like.onnx');
writeFileSync(RESNET, resnetLike());
// The machine is measured once for this file, in its own cache folder.
process.env.LAYERLENS_CACHE_DIR = join(dir, 'cache');

/**
 * Tensors leaving a kernel's nodes: outputs read by a node outside the set, or graph outputs. A kernel
 * computes its nodes only if everything else they produce stays inside it, so there are no more exits
 * than the kernel has outputs; a set charged across a join has an extra exit (the skip branch).
 */
function exits(nodes: Node[]): string[] {
  const inside = new Set(nodes);
  return nodes.flatMap((n) => n.outputs.filter((v) => v && (v.isGraphOutput() || v.consumers().some((c) => !inside.has(c)))).map((v) => v!.name));
}

function assertClosed(r: ProfileReport): void {
  for (const k of r.attribution.kernels.filter((x) => x.role === 'compute')) {
    const out = exits(k.nodes);
    assert.ok(out.length <= 1, `kernel ${k.kernel} is charged to ${k.nodes.map((n) => n.displayName).join(', ')}, which hand ${out.join(', ')} to other kernels: it did not compute all of them`);
  }
}

/**
 * Compares each deployed compute kernel with the per-node timings of the nodes it is charged to.
 * A kernel wrongly charged to many nodes (across a join) has a per-node sum many times its own time.
 * Times are the lower of two passes of each mode (alternated), so that a busy moment on a shared
 * machine during one pass does not decide.
 */
function crossCheck(deployed: ProfileReport[], perNode: ProfileReport[]): { ratios: number[]; total: number } {
  const times = new Map<string, number>();
  for (const r of perNode) for (const [n, p] of r.nodes) times.set(n.displayName, Math.min(times.get(n.displayName) ?? Infinity, p.medianUs));
  const kernelUs = new Map<string, number>();
  for (const r of deployed) for (const k of r.kernels) kernelUs.set(k.kernel, Math.min(kernelUs.get(k.kernel) ?? Infinity, k.medianUs));
  const ratios: number[] = [];
  let dep = 0;
  let per = 0;
  const compute = deployed[0]!.kernels.filter((x) => x.role === 'compute');
  // Per kernel: those long enough to time well (≥ 20 µs), and at least the 8 longest (a fast model on
  // a quiet machine has few kernels above 20 µs).
  const longest = new Set([...compute].sort((a, b) => kernelUs.get(b.kernel)! - kernelUs.get(a.kernel)!).slice(0, 8).map((k) => k.kernel));
  for (const k of compute) {
    const us = kernelUs.get(k.kernel)!;
    const sum = k.nodes.reduce((a, n) => a + (times.get(n) ?? 0), 0);
    dep += us;
    per += sum;
    if ((us >= 20 || longest.has(k.kernel)) && sum > 0) ratios.push(us / sum);
  }
  return { ratios, total: dep / per };
}

test('ResNet-style model: residual Adds go to the Conv kernel that fused them, never to the next block; Concat is attributed', async () => {
  const r = await profileModel(RESNET, { mode: 'deployed', runs: 5, warmup: 1 });
  assert.equal(r.attribution.coverage, 1, JSON.stringify(r.attribution.unattributed));
  assertClosed(r);
  const computeKernels = r.kernels.filter((k) => k.role === 'compute');
  // No original node is computed by two kernels.
  const owners = new Map<string, string>();
  for (const k of computeKernels) {
    for (const n of k.nodes) {
      assert.ok(!owners.has(n), `${n} is charged by ${owners.get(n)} and ${k.kernel}`);
      owners.set(n, k.kernel);
    }
  }
  for (let i = 0; i < 3; i++) {
    const add = computeKernels.find((k) => k.nodes.includes(`block${i}/add`));
    assert.ok(add, `block${i}/add is attributed`);
    // ORT fuses Conv + BatchNormalization + the residual Add + Relu into one NCHWc kernel.
    assert.deepEqual([...add.nodes].sort(), [`block${i}/add`, `block${i}/b/bn`, `block${i}/b/conv`, `block${i}/out`].sort());
    for (const k of computeKernels) {
      const blocks = new Set(k.nodes.map((n) => /^block(\d)/.exec(n)?.[1]).filter((b) => b !== undefined));
      assert.ok(blocks.size <= 1, `${k.kernel} spans blocks: ${k.nodes.join(', ')}`);
    }
  }
  const concat = [...r.nodes].find(([n]) => n.displayName === 'branch/concat');
  assert.ok(concat && concat[1].medianUs > 0, 'the Concat kernel is charged to the Concat node');
  // Fused nodes show their kernel's verdict and its achieved figure.
  const conv = [...r.nodes].find(([n]) => n.displayName === 'block1/b/conv')!;
  const bn = [...r.nodes].find(([n]) => n.displayName === 'block1/b/bn')!;
  assert.equal(bn[1].kernel, conv[1].kernel);
  assert.equal(bn[1].verdict, conv[1].verdict);
  assert.ok(Math.abs(bn[1].achievedGflops! - conv[1].achievedGflops!) < 1e-6 * conv[1].achievedGflops!);
  assert.notEqual(conv[1].verdict, 'unknown');
});

test('deployed vs per-node mode on the same models: kernel times match the per-node times of the nodes they are charged to', async () => {
  const cases: { path: string; bindings: object }[] = [
    { path: RESNET, bindings: {} },
    { path: realModelPath('ppocr-cls.onnx'), bindings: { inputs: { x: [1, 3, 48, 192] } } },
  ];
  for (const c of cases) {
    const deployed: ProfileReport[] = [];
    const perNode: ProfileReport[] = [];
    for (let pass = 0; pass < 2; pass++) {
      deployed.push(await profileModel(c.path, { bindings: c.bindings, mode: 'deployed', runs: 10, warmup: 1, machine: false }));
      perNode.push(await profileModel(c.path, { bindings: c.bindings, mode: 'per-node', runs: 10, warmup: 1, machine: false }));
    }
    assertClosed(deployed[0]!);
    const { ratios, total } = crossCheck(deployed, perNode);
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(`${c.path}: deployed/per-node kernel time ${total.toFixed(2)} overall; per kernel min ${sorted[0]?.toFixed(2)}, median ${sorted[sorted.length >> 1]?.toFixed(2)}, max ${sorted.at(-1)?.toFixed(2)} over ${ratios.length} kernels`);
    // Fusion and NCHWc kernels make deployed mode faster than the nodes run one by one (a Conv+BN
    // pair in NCHWc up to about 7× here), but a kernel charged across joins to 11–67 nodes shows its
    // own time as a few percent of theirs.
    assert.ok(total > 0.15 && total < 3, `overall ratio ${total}`);
    assert.ok(ratios.length > 3);
    assert.ok(sorted[0]! > 0.05, `a kernel is charged to nodes whose per-node time is ${(1 / sorted[0]!).toFixed(1)}× its own: ${sorted.slice(0, 3).join(', ')}`);
    assert.ok(sorted[sorted.length >> 1]! > 0.2 && sorted[sorted.length >> 1]! < 3);
  }
});

test('no node above 1.25× the measured peak; an impossible figure is flagged in the result and the CLI', async () => {
  // The peak and the nodes are measured at different moments: on a shared machine another process can
  // take a core during the peak's probe and not during the model's runs (seen: peak 214, a Conv at 314
  // GFLOP/s at load average 13). And ORT's profiler times a kernel to the microsecond: a 14–19 µs
  // kernel (ppocr-rec's 4.6 MFLOP 1×1 Conv, cache-resident) read 238–337 GFLOP/s against peaks of
  // 210–226 on this AVX-512 machine. Wrong attribution put half the nodes over the bound, kernels of
  // every length, on every run. So: every run flags whatever is over; the bound itself is held, on
  // one of two runs, for the nodes whose kernel takes at least 50 µs.
  const attempts: string[] = [];
  let machine: NonNullable<ProfileReport['machine']> | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await profileModel(realModelPath('ppocr-rec.onnx'), { bindings: { inputs: { x: [1, 3, 48, 320] } }, mode: 'deployed', runs: 5, warmup: 1 });
    assert.ok(r.machine, 'machine figures measured');
    machine = r.machine;
    assertClosed(r);
    assert.equal(r.attribution.coverage, 1);
    const above = [...r.nodes].filter(([, p]) => p.achievedGflops !== null && p.achievedGflops > r.machine!.peakGflops * IMPLAUSIBLE_OVER_PEAK);
    // Whatever is above the bound is flagged, never shown as fact.
    for (const [, p] of above) assert.ok(p.implausible, 'an impossible figure carries its flag');
    assert.equal(r.implausible.nodes, above.length);
    // A node fused with others into one kernel shows the kernel's rate, not its FLOPs over the share
    // of the kernel's time it was apportioned (ppocr-rec's MatMul + Transpose kernel: 242 vs 121).
    const byKernel = new Map(r.kernels.map((k) => [k.kernel, k]));
    const fused = [...r.nodes].filter(([n, p]) => (byKernel.get(p.kernel)?.nodes.length ?? 0) > 1 && (r.analysis.nodes.find((x) => x.name === n.displayName && !x.graph)?.flops ?? 0) > 0);
    assert.ok(fused.some(([n]) => n.displayName === 'p2o.MatMul.24'), 'the MatMul fused with a Transpose is among them');
    for (const [n, p] of fused) assert.equal(p.achievedGflops, byKernel.get(p.kernel)!.achievedGflops, `${n.displayName} shows its kernel's rate`);
    const kernelUs = new Map(r.kernels.map((k) => [k.kernel, k.medianUs]));
    const over = above.filter(([, p]) => (kernelUs.get(p.kernel) ?? 0) >= 50);
    if (over.length === 0) break;
    attempts.push(`peak ${r.machine!.peakGflops.toFixed(1)}: ${over.map(([n, p]) => `${n.displayName} ${p.achievedGflops!.toFixed(0)}`).join(', ')}`);
  }
  assert.ok(attempts.length < 2, `nodes above ${IMPLAUSIBLE_OVER_PEAK}× the measured peak on both runs: ${attempts.join(' | ')}`);

  // The flag path itself, with a machine record whose peak is far too low (written as the cache).
  const slow = { ...machine!, peakGflops: 0.01, measuredAt: new Date().toISOString() };
  delete (slow as { cached?: boolean }).cached;
  const cache = mkdtempSync(join(tmpdir(), 'll-slow-'));
  const { cpus } = await import('node:os');
  writeFileSync(join(cache, `machine-${(cpus()[0]?.model ?? 'cpu').replace(/[^A-Za-z0-9]+/g, '_')}-tdefault.json`), JSON.stringify({ version: RECORD_VERSION, ...slow }));
  const cli = runCli(['profile', RESNET, '--runs', '3', '--warmup', '1', '--json'], { timeoutMs: 180_000, env: { LAYERLENS_CACHE_DIR: cache } });
  assert.equal(cli.status, 0, cli.stderr);
  // The cached peak was beaten, so the machine was measured again: then nothing is impossible.
  assert.match(cli.stderr, /beat the cached peak: measuring the machine again/);
  const j = JSON.parse(cli.stdout) as { machine: { peakGflops: number }; implausible: { nodes: number }; nodes: { implausible?: string; verdict?: string }[] };
  assert.ok(j.machine.peakGflops > 1);
  assert.equal(j.implausible.nodes, j.nodes.filter((n) => n.implausible).length);
});
