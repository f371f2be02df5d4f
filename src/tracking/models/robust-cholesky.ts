/**
 * A Cholesky factorisation that does not give up on a covariance that round-off has made slightly
 * indefinite (or that is nearly singular, e.g. a β variance far smaller than the position variances).
 *
 * It symmetrises a copy, tries the plain factorisation, and on failure adds a growing multiple of
 * the mean diagonal (1e-12, 1e-10, … 1e-2 of it) until the factorisation succeeds; as a last resort
 * it returns the diagonal square roots of the clamped diagonal. The returned number is the jitter
 * added (0 in the normal case), so callers can tell when it happened.
 */
import { cholesky } from "../../core/matrix.ts";

export function robustCholesky(P: Float64Array, n: number, L: Float64Array, work: Float64Array): number {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++)
      work[i * n + j] = i === j ? P[i * n + i] : 0.5 * (P[i * n + j] + P[j * n + i]);
  }
  if (cholesky(work, n, L)) return 0;
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += Math.abs(P[i * n + i]);
  meanDiag = meanDiag / n || 1;
  for (let e = -12; e <= -2; e += 2) {
    const jitter = meanDiag * 10 ** e;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) work[i * n + j] = 0.5 * (P[i * n + j] + P[j * n + i]);
      work[i * n + i] += jitter;
    }
    if (cholesky(work, n, L)) return jitter;
  }
  L.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) L[i * n + i] = Math.sqrt(Math.max(P[i * n + i], meanDiag * 1e-12));
  return Number.POSITIVE_INFINITY;
}
