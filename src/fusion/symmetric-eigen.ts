/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * "Matrix Computations", 4th ed., §8.5): A = V·diag(λ)·Vᵀ with orthonormal V.
 *
 * Why Jacobi: for the 6×6 covariances fused here it is short, allocation-free, unconditionally
 * convergent, and accurate to full relative precision on the small eigenvalues of well-scaled SPD
 * matrices — which is what covariance intersection needs (the whitened covariance ratio).
 */

const MAX_SWEEPS = 50;

/**
 * Eigenvalues of the symmetric n×n matrix `a` into `lambda` (unsorted) and eigenvectors as the
 * COLUMNS of `V` (row-major n×n). `a` is read (upper triangle) and not modified; `work` needs n·n
 * entries. Returns the number of sweeps used (MAX_SWEEPS + 1 if it did not converge, which does not
 * happen for finite input).
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
  lambda: Float64Array,
  V: Float64Array,
  work: Float64Array,
): number {
  const A = work;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      A[i * n + j] = i <= j ? a[i * n + j] : a[j * n + i];
      V[i * n + j] = i === j ? 1 : 0;
    }
  for (let sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += A[i * n + i] * A[i * n + i];
      for (let j = i + 1; j < n; j++) off += A[i * n + j] * A[i * n + j];
    }
    if (off <= 1e-30 * diag || off === 0) {
      for (let i = 0; i < n; i++) lambda[i] = A[i * n + i];
      return sweep;
    }
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const app = A[p * n + p];
        const aqq = A[q * n + q];
        // Rotation angle that zeroes A[p][q] (stable form, |t| ≤ 1).
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // Columns p, q of A (A·J), then rows (Jᵀ·A), keeping symmetry.
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) lambda[i] = A[i * n + i];
  return MAX_SWEEPS + 1;
}
