// SVD by one-sided Jacobi: hand-derived cases, then reconstruction, orthogonality and the
// Eckart–Young error of truncation on seeded random matrices (tall, wide, rank-deficient).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { energyKept, lowRankFactors, rankForEnergy, svd } from './svd';

function close(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
}

function random(m: number, n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: m * n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

/** U·diag(s)·Vᵀ, truncated to the first r terms, row-major m × n. */
function rebuild(d: ReturnType<typeof svd>, r = d.s.length): Float64Array {
  const out = new Float64Array(d.m * d.n);
  for (let k = 0; k < r; k++) for (let i = 0; i < d.m; i++) for (let j = 0; j < d.n; j++) out[i * d.n + j]! += d.u[k * d.m + i]! * d.s[k]! * d.v[k * d.n + j]!;
  return out;
}

const frob = (x: ArrayLike<number>, y?: ArrayLike<number>): number => Math.sqrt(Array.from(x).reduce((a, v, i) => a + (v - (y ? y[i]! : 0)) ** 2, 0));

test('2 × 2 by hand: A = [[3, 0], [4, 5]] has σ = 3√5, √5', () => {
  // AᵀA = [[25, 20], [20, 25]]: eigenvalues 45 (vector (1,1)/√2) and 5 (vector (1,−1)/√2),
  // so σ₁ = √45 = 3√5 ≈ 6.7082, σ₂ = √5 ≈ 2.2361 (σ₁σ₂ = 15 = |det A|).
  const d = svd([3, 0, 4, 5], 2, 2);
  close(d.s[0]!, 3 * Math.sqrt(5), 1e-12, 'σ₁');
  close(d.s[1]!, Math.sqrt(5), 1e-12, 'σ₂');
  // v₁ = ±(1, 1)/√2; u₁ = A v₁ / σ₁ = ±(3, 9)/(√2·3√5) = ±(1, 3)/√10.
  close(Math.abs(d.v[0]!), Math.SQRT1_2, 1e-12, 'v₁[0]');
  close(d.v[0]! * d.v[1]!, 0.5, 1e-12, 'v₁ ∝ (1, 1)');
  close(Math.abs(d.u[1]! / d.u[0]!), 3, 1e-12, 'u₁ ∝ (1, 3)');
});

test('3 × 2 by hand: A = [[1, 1], [1, 0], [0, 1]] has σ = √3, 1; u₁ = (2, 1, 1)/√6', () => {
  // AᵀA = [[2, 1], [1, 2]]: eigenvalues 3 and 1, vectors (1, 1)/√2 and (1, −1)/√2.
  // u₁ = A v₁/σ₁ = (2, 1, 1)/(√2·√3) = (2, 1, 1)/√6; u₂ = A v₂/1 = (0, 1, −1)/√2.
  const d = svd([1, 1, 1, 0, 0, 1], 3, 2);
  close(d.s[0]!, Math.sqrt(3), 1e-12, 'σ₁');
  close(d.s[1]!, 1, 1e-12, 'σ₂');
  const sign = Math.sign(d.u[0]!);
  [2, 1, 1].forEach((x, i) => close(sign * d.u[i]!, x / Math.sqrt(6), 1e-12, `u₁[${i}]`));
  close(Math.abs(d.u[3]!), 0, 1e-12, 'u₂[0]');
  close(Math.abs(d.u[4]!), Math.SQRT1_2, 1e-12, 'u₂[1]');
  // The same matrix transposed (2 × 3, decomposed as its transpose) has the same singular values.
  const t = svd([1, 1, 0, 1, 0, 1], 2, 3);
  close(t.s[0]!, Math.sqrt(3), 1e-12, 'σ₁ of Aᵀ');
  close(t.s[1]!, 1, 1e-12, 'σ₂ of Aᵀ');
});

test('random matrices: A = UΣVᵀ to 1e-12, orthonormal factors, Eckart–Young truncation error', () => {
  for (const [m, n, seed] of [[40, 25, 1], [25, 40, 2], [64, 64, 3], [7, 1, 4], [1, 9, 5]] as const) {
    const a = random(m, n, seed);
    const d = svd(a, m, n);
    const k = Math.min(m, n);
    assert.equal(d.s.length, k);
    for (let i = 1; i < k; i++) assert.ok(d.s[i - 1]! >= d.s[i]!, 'descending');
    assert.ok(frob(a, rebuild(d)) <= 1e-12 * frob(a), `${m}×${n}: reconstruction error ${frob(a, rebuild(d))}`);
    // UᵀU = I and VᵀV = I.
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) {
        let uu = 0;
        let vv = 0;
        for (let i = 0; i < m; i++) uu += d.u[p * m + i]! * d.u[q * m + i]!;
        for (let j = 0; j < n; j++) vv += d.v[p * n + j]! * d.v[q * n + j]!;
        close(uu, p === q ? 1 : 0, 1e-12, `${m}×${n} UᵀU[${p},${q}]`);
        close(vv, p === q ? 1 : 0, 1e-12, `${m}×${n} VᵀV[${p},${q}]`);
      }
    }
    // Σσ² = ‖A‖²_F, and the best rank-r approximation misses exactly Σ_{i>r} σ_i² (Eckart–Young).
    close(d.s.reduce((x, s) => x + s * s, 0), frob(a) ** 2, 1e-10, 'Σσ²');
    const r = Math.max(1, Math.floor(k / 3));
    const tail = d.s.slice(r).reduce((x, s) => x + s * s, 0);
    close(frob(a, rebuild(d, r)) ** 2, tail, 1e-10, `rank-${r} error`);
    // The split factors L·R rebuild the same truncation.
    const { left, right } = lowRankFactors(d, r);
    const lr = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let q = 0; q < r; q++) lr[i * n + j]! += left[i * r + q]! * right[q * n + j]!;
    assert.ok(frob(lr, rebuild(d, r)) <= 1e-12 * frob(a), 'L·R = U_r Σ_r V_rᵀ');
  }
});

test('rank-deficient: a rank-3 product has 3 nonzero singular values and energy 1 at r = 3', () => {
  const [m, n, r] = [30, 20, 3];
  const p = random(m, r, 7);
  const q = random(r, n, 8);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let k = 0; k < r; k++) a[i * n + j]! += p[i * r + k]! * q[k * n + j]!;
  const d = svd(a, m, n);
  assert.ok(d.s[2]! > 1e-3);
  for (let i = 3; i < n; i++) assert.ok(d.s[i]! <= 1e-12 * d.s[0]!, `σ${i + 1} = ${d.s[i]}`);
  assert.equal(rankForEnergy(d.s, 0.999999), 3);
  close(energyKept(d.s, 3), 1, 1e-12, 'energy at r = 3');
  assert.ok(frob(a, rebuild(d)) <= 1e-12 * frob(a));
});

test('rankForEnergy: the smallest rank keeping the share of Σσ²', () => {
  // σ² = 16, 9, 4, 1 (total 30): r = 1 keeps 0.533, r = 2 keeps 0.833, r = 3 keeps 0.967.
  const s = [4, 3, 2, 1];
  assert.equal(rankForEnergy(s, 0.5), 1);
  assert.equal(rankForEnergy(s, 0.8), 2);
  assert.equal(rankForEnergy(s, 0.9), 3);
  assert.equal(rankForEnergy(s, 0.99), 4);
  close(energyKept(s, 2), 25 / 30, 1e-15, 'energy kept at r = 2');
  assert.equal(rankForEnergy([0, 0], 0.9), 1);
});

test('svd refuses a value count that does not match the shape, and values that are not finite', () => {
  assert.throws(() => svd([1, 2, 3], 2, 2), /3 values for a 2 × 2 matrix/);
  assert.throws(() => svd([NaN, 1, 1, 1], 2, 2), /value 0 of the 2 × 2 matrix is NaN, not finite/);
  assert.throws(() => svd([1, 1, Infinity, 1], 2, 2), /value 2 .* is Infinity/);
});
