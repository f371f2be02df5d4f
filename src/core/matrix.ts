/**
 * Small dense matrix kernels for filters and fusion.
 *
 * Conventions (all functions):
 * - Matrices are row-major `Float64Array`s; an n×m matrix A has A[i][j] at `a[i * m + j]`.
 * - The caller supplies `out`; the function fills it and returns it. Nothing is allocated per call,
 *   except that functions taking an optional `work` buffer fall back to a module-level scratch
 *   buffer (grown on demand, then reused) when none is given. JavaScript is single-threaded and
 *   these kernels call no user code, so sharing that scratch is safe.
 * - Unless a function says otherwise, `out` must not alias an input of a product (matMul & co.),
 *   because the product reads its inputs while writing `out`. Elementwise functions (matAdd, matSub,
 *   matScale) and the Cholesky family document where aliasing is allowed.
 *
 * Sizes are not checked in the kernels (they run in hot loops); a wrong size gives wrong numbers or
 * reads `undefined` → NaN. Tests exercise every kernel against ml-matrix.
 */

export type Mat = Float64Array;

/** out (n×m) = a (n×k) · b (k×m). `out` must not alias `a` or `b`. */
export function matMul(a: Mat, b: Mat, n: number, k: number, m: number, out: Mat): Mat {
  for (let i = 0; i < n; i++) {
    const ai = i * k;
    const oi = i * m;
    for (let j = 0; j < m; j++) out[oi + j] = 0;
    for (let p = 0; p < k; p++) {
      const aip = a[ai + p];
      if (aip === 0) continue;
      const bp = p * m;
      for (let j = 0; j < m; j++) out[oi + j] += aip * b[bp + j];
    }
  }
  return out;
}

/** out (n×m) = a (n×k) · bᵀ, with b stored as (m×k). `out` must not alias `a` or `b`. */
export function matMulABt(a: Mat, b: Mat, n: number, k: number, m: number, out: Mat): Mat {
  for (let i = 0; i < n; i++) {
    const ai = i * k;
    for (let j = 0; j < m; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      out[i * m + j] = s;
    }
  }
  return out;
}

/** out (n×m) = aᵀ · b, with a stored as (k×n) and b as (k×m). `out` must not alias `a` or `b`. */
export function matMulAtB(a: Mat, b: Mat, k: number, n: number, m: number, out: Mat): Mat {
  const len = n * m;
  for (let q = 0; q < len; q++) out[q] = 0;
  for (let p = 0; p < k; p++) {
    const ap = p * n;
    const bp = p * m;
    for (let i = 0; i < n; i++) {
      const api = a[ap + i];
      if (api === 0) continue;
      const oi = i * m;
      for (let j = 0; j < m; j++) out[oi + j] += api * b[bp + j];
    }
  }
  return out;
}

/** out (m×n) = aᵀ, with a (n×m). `out` must not alias `a` (use `symmetrize` for in-place square work). */
export function transpose(a: Mat, n: number, m: number, out: Mat): Mat {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j];
  }
  return out;
}

/** out = a + b elementwise over out.length. `out` may alias `a` or `b`. */
export function matAdd(a: Mat, b: Mat, out: Mat): Mat {
  for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i];
  return out;
}

/** out = a − b elementwise over out.length. `out` may alias `a` or `b`. */
export function matSub(a: Mat, b: Mat, out: Mat): Mat {
  for (let i = 0; i < out.length; i++) out[i] = a[i] - b[i];
  return out;
}

/** out = s · a elementwise over out.length. `out` may alias `a`. */
export function matScale(a: Mat, s: number, out: Mat): Mat {
  for (let i = 0; i < out.length; i++) out[i] = s * a[i];
  return out;
}

/** out = the n×n identity. */
export function identity(n: number, out: Mat): Mat {
  const len = n * n;
  for (let i = 0; i < len; i++) out[i] = 0;
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** out (n) = a (n×m) · x (m). `out` must not alias `x`. */
export function matVec(a: Mat, x: Mat, n: number, m: number, out: Mat): Mat {
  for (let i = 0; i < n; i++) {
    const ai = i * m;
    let s = 0;
    for (let j = 0; j < m; j++) s += a[ai + j] * x[j];
    out[i] = s;
  }
  return out;
}

/**
 * Cholesky factor of a symmetric positive-definite n×n matrix: out = L, lower triangular with
 * A = L·Lᵀ; the strict upper triangle of `out` is set to zero. Only the lower triangle of `a` is read.
 * Returns false (and leaves `out` partly written) when `a` is not numerically positive definite,
 * including when it holds NaN. `out` may alias `a` (in-place factorisation).
 */
export function cholesky(a: Mat, n: number, out: Mat): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let p = 0; p < j; p++) d -= out[rj + p] * out[rj + p];
    // `!(d > 0)` also rejects NaN.
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    out[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let p = 0; p < j; p++) s -= out[ri + p] * out[rj + p];
      out[ri + j] = s / ljj;
    }
    for (let i = j + 1; i < n; i++) out[rj + i] = 0;
  }
  return true;
}

/**
 * Solves A·X = B for X given the Cholesky factor L of A (from `cholesky`); B and X are n×m.
 * `out` may alias `b` (solved in place).
 */
export function choleskySolve(L: Mat, n: number, b: Mat, m: number, out: Mat): Mat {
  if (out !== b) {
    const len = n * m;
    for (let q = 0; q < len; q++) out[q] = b[q];
  }
  for (let c = 0; c < m; c++) {
    // Forward substitution: L·y = b.
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      let s = out[i * m + c];
      for (let p = 0; p < i; p++) s -= L[ri + p] * out[p * m + c];
      out[i * m + c] = s / L[ri + i];
    }
    // Back substitution: Lᵀ·x = y.
    for (let i = n - 1; i >= 0; i--) {
      let s = out[i * m + c];
      for (let p = i + 1; p < n; p++) s -= L[p * n + i] * out[p * m + c];
      out[i * m + c] = s / L[i * n + i];
    }
  }
  return out;
}

let scratch = new Float64Array(64);
function scratchOf(size: number): Mat {
  if (scratch.length < size) scratch = new Float64Array(Math.max(size, 2 * scratch.length));
  return scratch;
}

/**
 * out = A⁻¹ for a symmetric positive-definite n×n matrix, through its Cholesky factor; the result
 * is exactly symmetric. Returns false and leaves `out` untouched when A is not SPD.
 * `work` needs at least n·n entries. `out` may alias `a`.
 */
export function spdInverse(a: Mat, n: number, out: Mat, work?: Mat): boolean {
  const L = work ?? scratchOf(n * n);
  if (!cholesky(a, n, L)) return false;
  identity(n, out);
  choleskySolve(L, n, out, n, out);
  symmetrize(out, n);
  return true;
}

/** In place: adds the k×k matrix c (k ≤ n) to the leading k×k block of the n×n matrix a. */
export function addLeadingBlock(a: Mat, n: number, c: Mat, k: number): Mat {
  if (k > n) throw new RangeError(`cannot add a ${k}×${k} block to a ${n}×${n} matrix`);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) a[i * n + j] += c[i * k + j];
  return a;
}

/** In place: a = (a + aᵀ)/2 for a square n×n matrix; removes round-off asymmetry in covariances. */
export function symmetrize(a: Mat, n: number): Mat {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

/**
 * Squared Mahalanobis distance dᵀ·S⁻¹·d through the Cholesky factor of S (S n×n SPD):
 * with S = L·Lᵀ and L·y = d, the answer is |y|². Returns Infinity when S is not SPD, so a gate
 * test `mahalanobis2(...) < threshold` fails safe. `work` needs at least n·n + n entries.
 */
export function mahalanobis2(d: Mat, S: Mat, n: number, work?: Mat): number {
  const w = work ?? scratchOf(n * n + n);
  if (!cholesky(S, n, w)) return Number.POSITIVE_INFINITY;
  const y0 = n * n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = d[i];
    for (let p = 0; p < i; p++) s -= w[ri + p] * w[y0 + p];
    const yi = s / w[ri + i];
    w[y0 + i] = yi;
    sum += yi * yi;
  }
  return sum;
}

/** Entries the `work` buffer of `josephUpdate` needs for state size n and measurement size m. */
export function josephWorkSize(n: number, m: number): number {
  return 2 * n * n + n * m;
}

/**
 * Joseph-form covariance update, out = (I−K·H)·P·(I−K·H)ᵀ + K·R·Kᵀ, with P (n×n), K (n×m), H (m×n),
 * R (m×m). Unlike P − K·H·P it stays symmetric positive semi-definite for any gain K, so round-off
 * or a sub-optimal gain cannot make the covariance indefinite. The result is symmetrised.
 * `work` needs `josephWorkSize(n, m)` = 2n² + nm entries; on return its first n² hold I − K·H, for a
 * caller that carries another matrix through the same update. `out` may alias `P`.
 */
export function josephUpdate(
  P: Mat,
  K: Mat,
  H: Mat,
  R: Mat,
  n: number,
  m: number,
  out: Mat,
  work?: Mat,
): Mat {
  const w = work ?? scratchOf(josephWorkSize(n, m));
  const nn = n * n;
  // w[0..nn) = A = I − K·H
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < m; p++) s += K[i * m + p] * H[p * n + j];
      w[i * n + j] = (i === j ? 1 : 0) - s;
    }
  }
  // w[nn..2nn) = T = A·P
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += w[i * n + p] * P[p * n + j];
      w[nn + i * n + j] = s;
    }
  }
  // w[2nn..2nn+nm) = K·R
  const kr = 2 * nn;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < m; p++) s += K[i * m + p] * R[p * m + j];
      w[kr + i * m + j] = s;
    }
  }
  // out = T·Aᵀ + (K·R)·Kᵀ; P is no longer read, so out may alias it.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += w[nn + i * n + p] * w[j * n + p];
      for (let p = 0; p < m; p++) s += w[kr + i * m + p] * K[j * m + p];
      out[i * n + j] = s;
    }
  }
  return symmetrize(out, n);
}

/** log det A from its Cholesky factor L: 2·Σ log L[i][i]. Stable where det A itself would underflow. */
export function logDetFromCholesky(L: Mat, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]);
  return 2 * s;
}
