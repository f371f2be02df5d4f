/**
 * Filter consistency: normalised estimation error squared (NEES) and normalised innovation squared
 * (NIS), with χ² acceptance bands over Monte Carlo runs (Bar-Shalom, Li & Kirubarajan, "Estimation
 * with Applications to Tracking and Navigation", §5.4).
 *
 * For a consistent filter the NEES εₖ = (x − x̂)ᵀ P⁻¹ (x − x̂) of an n-dimensional state is χ²ₙ; the
 * average over N independent runs, ε̄ₖ, is χ²_{nN}/N, so with probability 1 − α it lies in
 * [χ²_{nN}(α/2)/N, χ²_{nN}(1 − α/2)/N]. For n = 6, N = 50, α = 5 % that band is [5.08, 7.00].
 */
import { mahalanobis2 } from "../../core/matrix.ts";
import { chiSquareQuantile } from "./chi-square.ts";

/**
 * NEES of the first n components: (truth − est)ᵀ P⁻¹ (truth − est), with P read as the leading n×n
 * block of a `stride`×`stride` covariance (stride defaults to n; pass 7 for the pos/vel block of a
 * 7-state filter). `work` needs n² + n entries. Infinity when the block is not positive definite.
 */
export function nees(
  truth: ArrayLike<number>,
  est: ArrayLike<number>,
  P: Float64Array,
  n: number,
  stride = n,
  work?: Float64Array,
): number {
  const w = work ?? new Float64Array(n * n + n);
  const d = w.subarray(0, n);
  const block = w.subarray(n, n + n * n);
  for (let i = 0; i < n; i++) {
    d[i] = truth[i] - est[i];
    for (let j = 0; j < n; j++) block[i * n + j] = P[i * stride + j];
  }
  return mahalanobis2(d, block, n);
}

/** NIS of one innovation ν with covariance S (m×m): νᵀ S⁻¹ ν. */
export function nis(nu: Float64Array, S: Float64Array, m: number): number {
  return mahalanobis2(nu, S, m);
}

/**
 * Two-sided χ² acceptance band for the average of `runs` independent χ²_dof values at the given
 * confidence (default 95 %): [χ²_{dof·runs}((1−conf)/2), χ²_{dof·runs}((1+conf)/2)] / runs.
 */
export function chiSquareBand(dof: number, runs: number, confidence = 0.95): [number, number] {
  if (!(runs >= 1) || !Number.isInteger(runs))
    throw new RangeError(`runs must be a positive integer, got ${runs}`);
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const k = dof * runs;
  return [
    chiSquareQuantile((1 - confidence) / 2, k) / runs,
    chiSquareQuantile((1 + confidence) / 2, k) / runs,
  ];
}

/**
 * Collects NEES (or NIS) values on a time grid over Monte Carlo runs: `add(step, value)` from each run,
 * then the per-step run average ε̄ₖ, the fraction of steps whose average lies in the χ² band, and the
 * overall mean.
 */
export class ConsistencyAccumulator {
  private readonly sum: Float64Array;
  private readonly count: Uint32Array;

  constructor(
    readonly steps: number,
    readonly dof: number,
  ) {
    this.sum = new Float64Array(steps);
    this.count = new Uint32Array(steps);
  }

  add(step: number, value: number): void {
    this.sum[step] += value;
    this.count[step]++;
  }

  /** ε̄ₖ for each step (NaN where nothing was added). */
  stepMeans(): Float64Array {
    const out = new Float64Array(this.steps);
    for (let k = 0; k < this.steps; k++)
      out[k] = this.count[k] > 0 ? this.sum[k] / this.count[k] : Number.NaN;
    return out;
  }

  /** Mean of all values added in steps [from, to). */
  mean(from = 0, to = this.steps): number {
    let s = 0;
    let c = 0;
    for (let k = from; k < to; k++) {
      s += this.sum[k];
      c += this.count[k];
    }
    return c > 0 ? s / c : Number.NaN;
  }

  /**
   * Fraction of steps in [from, to) whose run-average lies inside the band for that step's number of
   * runs (≈ confidence for a consistent filter).
   */
  fractionInBand(from = 0, to = this.steps, confidence = 0.95): number {
    const cache = new Map<number, [number, number]>();
    let inside = 0;
    let total = 0;
    for (let k = from; k < to; k++) {
      const n = this.count[k];
      if (n === 0) continue;
      let band = cache.get(n);
      if (!band) {
        band = chiSquareBand(this.dof, n, confidence);
        cache.set(n, band);
      }
      const v = this.sum[k] / n;
      total++;
      if (v >= band[0] && v <= band[1]) inside++;
    }
    return total > 0 ? inside / total : Number.NaN;
  }
}
