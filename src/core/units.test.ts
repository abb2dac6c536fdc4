import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytes, si, total } from './units';

test('SI prefixes glued to the unit, up to E; beyond, the mantissa in exponent form, never a run of digits', () => {
  assert.equal(si(24, 'MACs'), '24 MACs');
  assert.equal(si(2_800_000, 'MACs'), '2.80 MMACs');
  assert.equal(si(1.2e12, 'FLOPs'), '1.20 TFLOPs');
  assert.equal(si(3.4e15, 'MACs'), '3.40 PMACs');
  assert.equal(si(5e18, 'MACs'), '5.00 EMACs');
  // [2^40, 2^40, 2^20]: 2^100 elements
  assert.equal(si(2 ** 100, 'FLOPs'), '1.27e+12 EFLOPs');
  assert.doesNotMatch(si(2 ** 100, 'FLOPs'), /\d{5}/);
  assert.equal(si(0, 'MACs'), '0 MACs');
});

test('unknown is ?, never 0', () => {
  assert.equal(si(null, 'MACs'), '?');
  assert.equal(si(undefined), '?');
  assert.equal(si(Number.NaN), '?');
  assert.equal(bytes(null), '?');
});

test('a sum with unknown parts is a lower bound; with nothing known it is unknown', () => {
  assert.equal(total(1_200_000, 'MACs', false), '1.20 MMACs');
  assert.equal(total(1_200_000, 'MACs', true), '≥1.20 MMACs');
  assert.equal(total(0, 'MACs', true), '? MACs');
  assert.equal(total(0, 'MACs', false), '0 MACs');
});
