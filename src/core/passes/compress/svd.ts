// Singular value decomposition of a real matrix in float64, by one-sided Jacobi (Hestenes):
//   A (m × n, m ≥ n; a wider matrix is decomposed as Aᵀ and U, V swapped) is orthogonalised column
//   pair by column pair: for columns a_p, a_q with α = ‖a_p‖², β = ‖a_q‖², γ = a_p·a_q, the plane
//   rotation with ζ = (β − α)/(2γ), t = sign(ζ)/(|ζ| + √(1+ζ²)), c = 1/√(1+t²), s = c·t makes them
//   orthogonal; the same rotation applied to V (starting from I) accumulates A·V = U·Σ. Sweeps over
//   all pairs repeat until every pair is orthogonal to within ε·√(αβ). Then σ_j = ‖(A·V)_j‖,
//   u_j = (A·V)_j / σ_j, sorted by σ descending.
// Why by hand: the low-rank rule needs one dense SVD of a weight matrix (k, n up to a few thousand);
// one-sided Jacobi is ~100 lines, accurate to high relative precision, and needs no package. The
// widely used JS matrix libraries (ml-matrix: JAMA's Golub–Kahan on arrays of arrays) bring a whole
// matrix type for this one call and are no faster on Float64Arrays. Cost: O(m·n²) per sweep, about
// 6–10 sweeps; columns are stored contiguously (column-major) so each rotation streams memory.

export interface Svd {
  /** Rows and columns of A. */
  m: number;
  n: number;
  /** Singular values, descending; length min(m, n). */
  s: Float64Array;
  /** Left singular vectors, column-major m × min(m, n): column j is U[j·m … (j+1)·m). */
  u: Float64Array;
  /** Right singular vectors, column-major n × min(m, n): column j is V[j·n … (j+1)·n). */
  v: Float64Array;
  /** Jacobi sweeps used. */
  sweeps: number;
}

const MAX_SWEEPS = 80;

/** The SVD of the row-major m × n matrix `a`: A = U·diag(s)·Vᵀ. */
export function svd(a: ArrayLike<number>, m: number, n: number): Svd {
  if (a.length !== m * n) throw new Error(`svd: ${a.length} values for a ${m} × ${n} matrix`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) throw new Error(`svd: value ${i} of the ${m} × ${n} matrix is ${a[i]}, not finite`);
  if (m < n) {
    // Aᵀ = V Σ Uᵀ: decompose the transpose and swap the factors.
    const t = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
    const r = svd(t, n, m);
    return { m, n, s: r.s, u: r.v, v: r.u, sweeps: r.sweeps };
  }
  // W = A column-major (column j at j·m), V = I (column-major n × n).
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j]!;
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) norms[j] = dot(w, j * m, w, j * m, m);
  // Orthogonal to within rounding: γ is computed with an error of about m·ε·√(αβ). Columns whose
  // squared norm is below ε²·‖A‖²_F are zero to working precision: they are not rotated.
  const eps = Math.max(1e-15, m * 2.3e-16);
  let total = 0;
  for (let j = 0; j < n; j++) total += norms[j]!;
  const negligible = 1e-30 * total;
  let sweeps = 0;
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const alpha = norms[p]!;
        const beta = norms[q]!;
        if (alpha <= negligible || beta <= negligible) continue;
        const gamma = dot(w, p * m, w, q * m, m);
        if (Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(w, p * m, q * m, m, c, s);
        rotate(v, p * n, q * n, n, c, s);
        // ‖a_p'‖² = α − t·γ, ‖a_q'‖² = β + t·γ (exact for the rotation that zeroes γ); recomputed
        // now and then below to keep rounding from accumulating.
        norms[p] = alpha - t * gamma;
        norms[q] = beta + t * gamma;
      }
    }
    for (let j = 0; j < n; j++) norms[j] = dot(w, j * m, w, j * m, m);
    if (!rotated) break;
  }
  if (sweeps === MAX_SWEEPS) throw new Error(`svd: no convergence after ${MAX_SWEEPS} sweeps (a ${m} × ${n} matrix)`);
  // Singular values are the column norms; sort descending and normalise U's columns.
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y]! - norms[x]!);
  const s = new Float64Array(n);
  const u = new Float64Array(m * n);
  const vs = new Float64Array(n * n);
  order.forEach((j, k) => {
    const sigma = Math.sqrt(norms[j]!);
    s[k] = sigma;
    for (let i = 0; i < n; i++) vs[k * n + i] = v[j * n + i]!;
    if (sigma > 0) for (let i = 0; i < m; i++) u[k * m + i] = w[j * m + i]! / sigma;
    else u[k * m + (k % m)] = 1; // any unit vector: it multiplies σ = 0
  });
  return { m, n, s, u, v: vs, sweeps };
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let acc = 0;
  for (let i = 0; i < len; i++) acc += a[ao + i]! * b[bo + i]!;
  return acc;
}

/** Columns p, q ← c·p − s·q, s·p + c·q. */
function rotate(x: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const xp = x[p + i]!;
    const xq = x[q + i]!;
    x[p + i] = c * xp - s * xq;
    x[q + i] = s * xp + c * xq;
  }
}

/** Smallest r whose singular values keep at least `energy` of Σσ² (the squared Frobenius norm). */
export function rankForEnergy(s: ArrayLike<number>, energy: number): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i]! ** 2;
  if (total === 0) return 1;
  let acc = 0;
  for (let r = 0; r < s.length; r++) {
    acc += s[r]! ** 2;
    if (acc >= energy * total * (1 - 1e-12)) return r + 1;
  }
  return s.length;
}

/** Share of Σσ² kept by the first r singular values. */
export function energyKept(s: ArrayLike<number>, r: number): number {
  let total = 0;
  let kept = 0;
  for (let i = 0; i < s.length; i++) {
    total += s[i]! ** 2;
    if (i < r) kept += s[i]! ** 2;
  }
  return total === 0 ? 1 : kept / total;
}

/**
 * The rank-r factors of A = U Σ Vᵀ split evenly: A ≈ L·R with L = U_r Σ_r^{1/2} (m × r, row-major)
 * and R = Σ_r^{1/2} V_rᵀ (r × n, row-major). An even split keeps both factors' ranges alike, which
 * suits any later quantization of either.
 */
export function lowRankFactors(d: Svd, r: number): { left: Float64Array; right: Float64Array } {
  const { m, n } = d;
  const left = new Float64Array(m * r);
  const right = new Float64Array(r * n);
  for (let k = 0; k < r; k++) {
    const root = Math.sqrt(d.s[k]!);
    for (let i = 0; i < m; i++) left[i * r + k] = d.u[k * m + i]! * root;
    for (let j = 0; j < n; j++) right[k * n + j] = d.v[k * n + j]! * root;
  }
  return { left, right };
}
