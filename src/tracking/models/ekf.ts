/**
 * Extended Kalman filter on the ballistic process model (6 states, or 7 with the ballistic
 * coefficient), for radar, angles-only infrared and position detections.
 *
 * Predict: x ← f(x, dt) by RK4, P ← Φ P Φᵀ + Q(dt) with Φ from the variational equations.
 * Update: S = H P Hᵀ + R, K = P Hᵀ S⁻¹ (through the Cholesky factor of S), x ← x + K ν with the
 * azimuth component of ν wrapped, P by the Joseph form, then symmetrised.
 *
 * Every buffer is allocated in the constructor; predict, gate and update allocate nothing.
 */
import {
  addLeadingBlock,
  cholesky,
  choleskySolve,
  josephUpdate,
  josephWorkSize,
  logDetFromCholesky,
  matMul,
  matMulABt,
  symmetrize,
} from "../../core/matrix.ts";
import type { Detection } from "../../sensors/detection.ts";
import type { TrackFilter } from "../track-filter.ts";
import type { BallisticModel } from "./ballistic.ts";
import { measurementResidual, predictMeasurement } from "./measurement-models.ts";

/** A TrackFilter that can also report its own Gaussian measurement likelihood (for the IMM). */
export interface LikelihoodFilter extends TrackFilter {
  /** ln N(ν; 0, S) of the detection at the current time (−Infinity when unusable). */
  logLikelihood(det: Detection): number;
}

const MAX_M = 4;
const LOG_2PI = Math.log(2 * Math.PI);

/** Checks a starting state and covariance for a filter of dimension n (programming errors, not user input). */
export function checkInitial(n: number, x0: ArrayLike<number>, P0: ArrayLike<number>, t0: number): void {
  if (x0.length !== n) throw new RangeError(`initial state has ${x0.length} components, expected ${n}`);
  if (P0.length !== n * n)
    throw new RangeError(`initial covariance has ${P0.length} entries, expected ${n * n}`);
  if (!Number.isFinite(t0)) throw new RangeError(`initial time must be finite, got ${t0}`);
  for (let i = 0; i < x0.length; i++)
    if (!Number.isFinite(x0[i])) throw new RangeError(`initial state [${i}] is not finite`);
  const L = new Float64Array(n * n);
  const P = Float64Array.from(P0);
  symmetrize(P, n);
  if (!cholesky(P, n, L)) throw new RangeError("initial covariance is not positive definite");
}

export class BallisticEkf implements LikelihoodFilter {
  readonly dim: number;
  readonly x: Float64Array;
  readonly P: Float64Array;
  private time: number;
  /** NIS νᵀS⁻¹ν of the last update (NaN before the first). */
  lastNis = Number.NaN;
  /** Ambiguity covariance (see TrackFilter.inflate), null until the first inflation. */
  private amb: Float64Array | null = null;

  private readonly Phi: Float64Array;
  private readonly Q: Float64Array;
  private readonly tmp: Float64Array;
  private readonly zPred = new Float64Array(MAX_M);
  private readonly nu = new Float64Array(MAX_M);
  private readonly H: Float64Array;
  private readonly PHt: Float64Array;
  private readonly S = new Float64Array(MAX_M * MAX_M);
  private readonly L = new Float64Array(MAX_M * MAX_M);
  private readonly Kt: Float64Array;
  private readonly K: Float64Array;
  private readonly y = new Float64Array(MAX_M);
  private readonly work: Float64Array;

  constructor(
    readonly model: BallisticModel,
    t0: number,
    x0: ArrayLike<number>,
    P0: ArrayLike<number>,
  ) {
    const n = model.dim;
    checkInitial(n, x0, P0, t0);
    this.dim = n;
    this.time = t0;
    this.x = Float64Array.from(x0);
    this.P = Float64Array.from(P0);
    symmetrize(this.P, n);
    this.Phi = new Float64Array(n * n);
    this.Q = new Float64Array(n * n);
    this.tmp = new Float64Array(n * n);
    this.H = new Float64Array(MAX_M * n);
    this.PHt = new Float64Array(n * MAX_M);
    this.Kt = new Float64Array(MAX_M * n);
    this.K = new Float64Array(n * MAX_M);
    this.work = new Float64Array(josephWorkSize(n, MAX_M));
  }

  get t(): number {
    return this.time;
  }

  predictTo(t: number): void {
    const dt = t - this.time;
    if (dt < 0) throw new RangeError(`cannot predict backwards: filter at ${this.time} s, asked for ${t} s`);
    if (dt === 0) return;
    const n = this.dim;
    this.model.propagate(this.x, dt, this.Phi);
    matMul(this.Phi, this.P, n, n, n, this.tmp);
    matMulABt(this.tmp, this.Phi, n, n, n, this.P);
    this.model.processNoise(dt, this.Q);
    for (let i = 0; i < n * n; i++) this.P[i] += this.Q[i];
    symmetrize(this.P, n);
    if (this.amb) this.carry(this.Phi, this.amb);
    this.time = t;
  }

  /**
   * Computes ν, H, S = HPHᵀ + R and its Cholesky factor L for a detection. Returns m, or 0 when the
   * detection cannot be used (unsupported kind, degenerate geometry, S not positive definite).
   */
  private innovate(det: Detection): number {
    const n = this.dim;
    const m = predictMeasurement(det, this.x, n, this.zPred, this.H);
    if (m === 0 || det.R.length !== m * m) return 0;
    measurementResidual(det.kind, det.z, this.zPred, m, this.nu);
    matMulABt(this.P, this.H, n, n, m, this.PHt); // P Hᵀ (n×m)
    matMul(this.H, this.PHt, m, n, m, this.S); // H P Hᵀ
    for (let i = 0; i < m * m; i++) this.S[i] += det.R[i];
    symmetrize(this.S, m);
    if (!cholesky(this.S, m, this.L)) return 0;
    return m;
  }

  /** νᵀ S⁻¹ ν from the factor computed by `innovate`. */
  private nisOf(m: number): number {
    let sum = 0;
    for (let i = 0; i < m; i++) {
      let s = this.nu[i];
      for (let p = 0; p < i; p++) s -= this.L[i * m + p] * this.y[p];
      const yi = s / this.L[i * m + i];
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
    return -0.5 * (this.nisOf(m) + logDetFromCholesky(this.L, m) + m * LOG_2PI);
  }

  update(det: Detection): void {
    const m = this.innovate(det);
    if (m === 0) return;
    this.lastNis = this.nisOf(m);
    this.gain(m);
    this.correct(m, this.x);
    josephUpdate(this.P, this.K, this.H, det.R, this.dim, m, this.P, this.work);
    // An error already in the estimate is carried on as (I − KH)·e; Joseph left I − KH in work.
    if (this.amb) this.carry(this.work, this.amb);
  }

  /** A ← M A Mᵀ (M n×n, read from the start of its array): the ambiguity through a linear step. */
  private carry(M: Float64Array, A: Float64Array): void {
    const n = this.dim;
    matMul(M, A, n, n, n, this.tmp);
    matMulABt(this.tmp, M, n, n, n, A);
    symmetrize(A, n);
  }

  updatedState(det: Detection, out: Float64Array): void {
    out.set(this.x);
    const m = this.innovate(det);
    if (m === 0) return;
    this.gain(m);
    this.correct(m, out);
  }

  /** K = P Hᵀ S⁻¹ from the factor computed by `innovate` (Kᵀ solved column by column through L). */
  private gain(m: number): void {
    const n = this.dim;
    const Kt = this.Kt;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Kt[i * n + j] = this.PHt[j * m + i];
    choleskySolve(this.L, m, Kt, n, Kt);
    const K = this.K;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) K[i * m + j] = Kt[j * n + i];
  }

  /** x += K ν. */
  private correct(m: number, x: Float64Array): void {
    for (let i = 0; i < this.dim; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += this.K[i * m + j] * this.nu[j];
      x[i] += s;
    }
  }

  inflate(C: Float64Array, k: number): void {
    this.amb ??= new Float64Array(this.dim * this.dim);
    addLeadingBlock(this.amb, this.dim, C, k);
  }

  get ambiguity(): Float64Array | null {
    return this.amb;
  }

  clone(): BallisticEkf {
    const c = new BallisticEkf(this.model, this.time, this.x, this.P);
    c.lastNis = this.lastNis;
    c.amb = this.amb ? Float64Array.from(this.amb) : null;
    return c;
  }
}
