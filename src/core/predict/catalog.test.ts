// The catalog's estimates against rooflines derived here by hand from the devices' published figures
// (cores × clock × FP32 FLOPs per cycle; transfer rate × bus width), and the estimate of one kernel
// against the roofline formula with the class's assumed efficiency.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOG, catalogDevice, catalogProfile, KERNEL_EFFICIENCY } from './catalog';
import { evaluate } from './fit';

// id: [cores, GHz, FLOP/cycle/core, MT/s, bus bytes]
const HAND: Record<string, [number, number, number, number, number]> = {
  rpi4: [4, 1.5, 8, 3200, 4], // A72: one 128-bit FMA/cycle; LPDDR4-3200 ×32 bit
  rpi5: [4, 2.4, 16, 4267, 4], // A76: two 128-bit FMA/cycle; LPDDR4X-4267 ×32 bit
  'orin-nano-cpu': [6, 1.5, 16, 4266, 16], // A78AE: two 128-bit FMA; LPDDR5-4266 ×128 bit (68 GB/s published)
  'a76-phone-core': [1, 2.84, 16, 4266, 8], // one A76; LPDDR4X-4266 ×64 bit
  'x86-laptop': [4, 3.0, 32, 3200, 16], // two 256-bit FMA units; dual-channel DDR4-3200
};

test('every catalog device: peak and bandwidth equal the hand derivation from published figures', () => {
  for (const d of CATALOG) {
    const [cores, ghz, fpc, mts, bus] = HAND[d.id]!;
    assert.ok(Math.abs(d.peakGflops.value - cores * ghz * fpc) < 0.1, `${d.id} peak ${d.peakGflops.value} vs ${cores * ghz * fpc}`);
    assert.ok(Math.abs(d.bandwidthGBs.value - (mts * bus) / 1000) / d.bandwidthGBs.value < 0.01, `${d.id} bandwidth ${d.bandwidthGBs.value} vs ${(mts * bus) / 1000}`);
    assert.ok(d.peakGflops.source && d.bandwidthGBs.source && d.assumptions.length > 0, `${d.id} names its sources and assumptions`);
  }
});

test('a catalog profile is labelled an estimate, and a kernel costs fixed + max(F / (peak·e), B / (bw·e))', () => {
  const p = catalogProfile(catalogDevice('rpi5')!);
  assert.equal(p.kind, 'estimate');
  assert.equal(p.validation, null);
  assert.match(p.estimate!.derivation.peakGflops!, /153\.6 GFLOP\/s/);
  const e = KERNEL_EFFICIENCY['conv-nchwc'];
  const fixed = (2 * 3) / 2.4; // 2 µs at 3 GHz, scaled to 2.4 GHz
  const flops = 2 * 64 * 64 * 9 * 56 * 56; // a 3×3 Conv 64->64 on 56×56
  const bytes = 4 * (2 * 64 * 56 * 56 + 64 * 64 * 9);
  const hand = fixed + Math.max(flops / (153.6e3 * e.compute), bytes / (17.1e3 * e.memory));
  const us = evaluate(p.predictors['conv-nchwc']!, flops, bytes, p.roofline);
  assert.ok(Math.abs(us - hand) < 1e-6 * hand, `${us} vs ${hand}`);
  // The same kernel on the Pi 4: 48 / 153.6 of the compute rate, so 3.2× the compute-bound time.
  const p4 = catalogProfile(catalogDevice('rpi4')!);
  const us4 = evaluate(p4.predictors['conv-nchwc']!, flops, bytes, p4.roofline) - p4.predictors['conv-nchwc']!.regimes[0]!.coef.fixedUs;
  assert.ok(Math.abs(us4 / (us - fixed) - 153.6 / 48) < 1e-6);
});
