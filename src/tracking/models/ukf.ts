/**
 * Unscented Kalman filter on the ballistic process model (Julier & Uhlmann's unscented transform,
 * in the scaled form of Wan & van der Merwe, 2000).
 *
 * Sigma points: χ₀ = x, χ±ᵢ = x ± √(n+λ)·Lᵢ with L the Cholesky factor of P and λ = α²(n+κ) − n.
 * Parameters: α = 1, κ = 0, β = 2 by default, so λ = 0: the mean weights are 0 for χ₀ and 1/(2n) for
 * the others, and the covariance weights are 2 and 1/(2n) — all non-negative. The textbook α = 1e-3
 * gives, for n = 6–7, a centre weight of about −10⁶ and covariances formed as differences of huge
 * numbers; with non-negative weights every covariance built from the sigma points is a sum of outer
 * products with positive weights, hence positive semi-definite by construction. The spread √n ≈ 2.5σ
 * reaches the region where the ballistic and radar nonlinearities matter.
 *
 * Update in Joseph form: with the statistically linearised H = Pxzᵀ P⁻¹ and the effective noise
 * R_eff = S − H P Hᵀ (R plus the linearisation residual, ⪰ R because the joint sigma-point covariance
 * of (x, z) is PSD), (I − KH) P (I − KH)ᵀ + K R_eff Kᵀ equals P − K S Kᵀ exactly but is a sum of PSD
 * terms, so round-off cannot make P indefinite.
 */
import {
  cholesky,
  choleskySolve,
  josephUpdate,
  josephWorkSize,
  logDetFromCholesky,
  symmetrize,
} from "../../core/matrix.ts";
import type { Detection } from "../../sensors/detection.ts";
import type { BallisticModel } from "./ballistic.ts";
import { checkInitial, type LikelihoodFilter } from "./ekf.ts";
import { azimuthIndex, measurementDim, predictMeasurement, wrapAngle } from "./measurement-models.ts";
import { robustCholesky } from "./robust-cholesky.ts";

export interface UkfParams {
  readonly alpha: number;
  readonly beta: number;
  readonly kappa: number;
}

export const DEFAULT_UKF_PARAMS: UkfParams = { alpha: 1, beta: 2, kappa: 0 };

const MAX_M = 4;
const LOG_2PI = Math.log(2 * Math.PI);

export class BallisticUkf implements LikelihoodFilter {
  readonly dim: number;
  readonly x: Float64Array;
  readonly P: Float64Array;
  lastNis = Number.NaN;
  /** Jitter the last sigma-point factorisation needed (0 normally). */
  lastJitter = 0;
  private time: number;
  private readonly nSigma: number;
  private readonly gamma: number;
  private readonly wm0: number;
  private readonly wc0: number;
  private readonly wi: number;
  private readonly sigma: Float64Array; // nSigma × n
  private readonly Zs: Float64Array; // nSigma × MAX_M
  private readonly Lp: Float64Array;
  private readonly work: Float64Array;
  private readonly Q: Float64Array;
  private readonly pt: Float64Array;
  private readonly zMean = new Float64Array(MAX_M);
  private readonly dz = new Float64Array(MAX_M);
  private readonly nu = new Float64Array(MAX_M);
  private readonly S = new Float64Array(MAX_M * MAX_M);
  private readonly Ls = new Float64Array(MAX_M * MAX_M);
  private readonly y = new Float64Array(MAX_M);
  private readonly Pxz: Float64Array; // n × m
  private readonly K: Float64Array;
  private readonly Ht: Float64Array; // P⁻¹ Pxz (n × m) = Hᵀ
  private readonly H: Float64Array;
  private readonly Reff = new Float64Array(MAX_M * MAX_M);
  private readonly jwork: Float64Array;

  constructor(
    readonly model: BallisticModel,
    t0: number,
    x0: ArrayLike<number>,
    P0: ArrayLike<number>,
    readonly params: UkfParams = DEFAULT_UKF_PARAMS,
  ) {
    const n = model.dim;
    checkInitial(n, x0, P0, t0);
    const { alpha, beta, kappa } = params;
    const lambda = alpha * alpha * (n + kappa) - n;
    if (!(n + lambda > 0)) throw new RangeError(`UKF parameters give n + λ = ${n + lambda} ≤ 0`);
    this.dim = n;
    this.time = t0;
    this.x = Float64Array.from(x0);
    this.P = Float64Array.from(P0);
    symmetrize(this.P, n);
    this.nSigma = 2 * n + 1;
    this.gamma = Math.sqrt(n + lambda);
    this.wm0 = lambda / (n + lambda);
    this.wc0 = this.wm0 + 1 - alpha * alpha + beta;
    this.wi = 1 / (2 * (n + lambda));
    this.sigma = new Float64Array(this.nSigma * n);
    this.Zs = new Float64Array(this.nSigma * MAX_M);
    this.Lp = new Float64Array(n * n);
    this.work = new Float64Array(n * n);
    this.Q = new Float64Array(n * n);
    this.pt = new Float64Array(n);
    this.Pxz = new Float64Array(n * MAX_M);
    this.K = new Float64Array(n * MAX_M);
    this.Ht = new Float64Array(n * MAX_M);
    this.H = new Float64Array(MAX_M * n);
    this.jwork = new Float64Array(josephWorkSize(n, MAX_M));
  }

  get t(): number {
    return this.time;
  }

  /** Sigma-point weights: mean and covariance weight of the centre point, weight of each other point. */
  get weights(): { mean0: number; cov0: number; other: number } {
    return { mean0: this.wm0, cov0: this.wc0, other: this.wi };
  }

  /** Fills this.sigma from (x, P). */
  private drawSigmaPoints(): void {
    const n = this.dim;
    this.lastJitter = robustCholesky(this.P, n, this.Lp, this.work);
    const s = this.sigma;
    for (let j = 0; j < n; j++) s[j] = this.x[j];
    for (let i = 0; i < n; i++) {
      const plus = (1 + i) * n;
      const minus = (1 + n + i) * n;
      for (let j = 0; j < n; j++) {
        const d = this.gamma * this.Lp[j * n + i]; // column i of L
        s[plus + j] = this.x[j] + d;
        s[minus + j] = this.x[j] - d;
      }
    }
  }

  private weightM(k: number): number {
    return k === 0 ? this.wm0 : this.wi;
  }

  private weightC(k: number): number {
    return k === 0 ? this.wc0 : this.wi;
  }

  predictTo(t: number): void {
    const dt = t - this.time;
    if (dt < 0) throw new RangeError(`cannot predict backwards: filter at ${this.time} s, asked for ${t} s`);
    if (dt === 0) return;
    const n = this.dim;
    this.drawSigmaPoints();
    const s = this.sigma;
    for (let k = 0; k < this.nSigma; k++) {
      const pt = s.subarray(k * n, (k + 1) * n);
      this.model.propagate(pt, dt, null);
    }
    this.x.fill(0);
    for (let k = 0; k < this.nSigma; k++) {
      const w = this.weightM(k);
      for (let j = 0; j < n; j++) this.x[j] += w * s[k * n + j];
    }
    this.model.processNoise(dt, this.Q);
    this.P.set(this.Q);
    for (let k = 0; k < this.nSigma; k++) {
      const w = this.weightC(k);
      for (let i = 0; i < n; i++) this.pt[i] = s[k * n + i] - this.x[i];
      for (let i = 0; i < n; i++) {
        const wi = w * this.pt[i];
        for (let j = 0; j < n; j++) this.P[i * n + j] += wi * this.pt[j];
      }
    }
    symmetrize(this.P, n);
    this.time = t;
  }

  /**
   * Unscented transform of the detection's measurement function: z̄, S = Pzz + R (factor in Ls),
   * Pxz, ν. Returns m, or 0 when the detection cannot be used.
   */
  private innovate(det: Detection): number {
    const n = this.dim;
    const m = measurementDim(det);
    if (m === 0 || det.R.length !== m * m) return 0;
    this.drawSigmaPoints();
    const s = this.sigma;
    const Z = this.Zs;
    for (let k = 0; k < this.nSigma; k++) {
      const zk = Z.subarray(k * MAX_M, k * MAX_M + m);
      if (predictMeasurement(det, s.subarray(k * n, (k + 1) * n), n, zk, null) !== m) return 0;
    }
    // Angles are averaged as offsets from the centre point's value, wrapped, so a spread across
    // azimuth 0/2π averages correctly.
    const ia = azimuthIndex(det.kind);
    for (let i = 0; i < m; i++) this.zMean[i] = 0;
    for (let k = 0; k < this.nSigma; k++) {
      const w = this.weightM(k);
      for (let i = 0; i < m; i++) {
        const d = Z[k * MAX_M + i] - Z[i];
        this.zMean[i] += w * (i === ia ? wrapAngle(d) : d);
      }
    }
    for (let i = 0; i < m; i++) this.zMean[i] += Z[i];
    const S = this.S;
    for (let i = 0; i < m * m; i++) S[i] = det.R[i];
    this.Pxz.fill(0, 0, n * m);
    for (let k = 0; k < this.nSigma; k++) {
      const w = this.weightC(k);
      for (let i = 0; i < m; i++) {
        const d = Z[k * MAX_M + i] - this.zMean[i];
        this.dz[i] = i === ia ? wrapAngle(d) : d;
      }
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) S[i * m + j] += w * this.dz[i] * this.dz[j];
      for (let i = 0; i < n; i++) {
        const dx = s[k * n + i] - this.x[i];
        for (let j = 0; j < m; j++) this.Pxz[i * m + j] += w * dx * this.dz[j];
      }
    }
    symmetrize(S, m);
    if (!cholesky(S, m, this.Ls)) return 0;
    for (let i = 0; i < m; i++) {
      const d = det.z[i] - this.zMean[i];
      this.nu[i] = i === ia ? wrapAngle(d) : d;
    }
    return m;
  }

  private nisOf(m: number): number {
    let sum = 0;
    for (let i = 0; i < m; i++) {
      let v = this.nu[i];
      for (let p = 0; p < i; p++) v -= this.Ls[i * m + p] * this.y[p];
      const yi = v / this.Ls[i * m + i];
      this.y[i] = yi;
      sum += yi * yi;
    }
    return sum;
  }

  gate(det: Detection): number {
    const m = this.innovate(det);
    return m === 0 ? Number.POSITIVE_INFINITY : this.nisOf(m);
  }

  logLikelihood(det: Detection): number {
    const m = this.innovate(det);
    if (m === 0) return Number.NEGATIVE_INFINITY;
    return -0.5 * (this.nisOf(m) + logDetFromCholesky(this.Ls, m) + m * LOG_2PI);
  }

  update(det: Detection): void {
    const n = this.dim;
    const m = this.innovate(det);
    if (m === 0) return;
    this.lastNis = this.nisOf(m);
    // K = Pxz S⁻¹: solve S Kᵀ = Pxzᵀ.
    const K = this.K;
    const Kt = this.H; // scratch m × n, overwritten below
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Kt[i * n + j] = this.Pxz[j * m + i];
    choleskySolve(this.Ls, m, Kt, n, Kt);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) K[i * m + j] = Kt[j * n + i];
    // Hᵀ = P⁻¹ Pxz through the (possibly jittered) factor of the predicted P from drawSigmaPoints.
    this.Ht.set(this.Pxz.subarray(0, n * m));
    choleskySolve(this.Lp, n, this.Ht, m, this.Ht);
    const H = this.H;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) H[i * n + j] = this.Ht[j * m + i];
    // R_eff = S − H P Hᵀ = S − Pxzᵀ P⁻¹ Pxz = S − Pxzᵀ Hᵀ.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let acc = 0;
        for (let p = 0; p < n; p++) acc += this.Pxz[p * m + i] * this.Ht[p * m + j];
        this.Reff[i * m + j] = this.S[i * m + j] - acc;
      }
    }
    symmetrize(this.Reff, m);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < m; j++) acc += K[i * m + j] * this.nu[j];
      this.x[i] += acc;
    }
    josephUpdate(this.P, K, H, this.Reff, n, m, this.P, this.jwork);
  }

  clone(): BallisticUkf {
    const c = new BallisticUkf(this.model, this.time, this.x, this.P, this.params);
    c.lastNis = this.lastNis;
    return c;
  }
}
