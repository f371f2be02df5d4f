/**
 * Interacting multiple model (IMM) estimator over any TrackFilters (Blom & Bar-Shalom, 1988; the
 * cycle of Bar-Shalom, Li & Kirubarajan, "Estimation with Applications to Tracking and Navigation",
 * §11.6.6), e.g. a "boost" model (ballistic dynamics with a large acceleration noise standing in for
 * unknown thrust) against a pure ballistic one, or CV against CA.
 *
 * One cycle, for r models with Markov transition Π (Π_ij = P(model j now | model i before)):
 *   1. mixing: c̄_j = Σ_i Π_ij μ_i,  μ_{i|j} = Π_ij μ_i / c̄_j,
 *      x̂⁰_j = Σ_i μ_{i|j} x̂_i,  P⁰_j = Σ_i μ_{i|j} [P_i + (x̂_i − x̂⁰_j)(x̂_i − x̂⁰_j)ᵀ]   (spread term);
 *   2. each model predicts from its mixed initial condition and updates with the detection;
 *   3. μ_j ∝ Λ_j c̄_j with Λ_j the model's Gaussian likelihood of the detection;
 *   4. combined output x̂ = Σ μ_j x̂_j, P = Σ μ_j [P_j + (x̂_j − x̂)(x̂_j − x̂)ᵀ].
 * Mixing happens when time advances (`predictTo` with a later time); several detections at one time
 * (sequential sensors) update μ by Bayes' rule each, without re-mixing.
 *
 * Models of different dimension (6-state ballistic with 7-state drag, 7-state ballistic with an
 * 8-state boost model, CV with CA) share their leading components (position, velocity). When mixing
 * into model j, a model i that lacks some of j's components contributes model j's own values and
 * variances for them — the usual "unbiased" augmentation — so j's extra states are neither zeroed nor
 * biased; their covariance with the shared components is taken as zero for model i's share (model
 * j's cross terms beside model i's covariance of the shared components need not make a positive
 * semi-definite whole: a boost model's velocity–thrust correlation beside a ballistic model's tight
 * velocity gave negative variances). The combined output covers the components common to all models.
 *
 * The mixed states are written into each model's x and P in place (TrackFilter exposes them as
 * arrays it owns), so any TrackFilter can take part. Likelihoods come from the model's own
 * `logLikelihood` when it has one (the EKF and UKF here), else from a linearisation of the detection's
 * measurement function at the model's prediction.
 */
import { cholesky, logDetFromCholesky, matMul, matMulABt, symmetrize } from "../../core/matrix.ts";
import type { Detection } from "../../sensors/detection.ts";
import type { TrackFilter } from "../track-filter.ts";
import type { LikelihoodFilter } from "./ekf.ts";
import { measurementResidual, predictMeasurement } from "./measurement-models.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/** Gaussian log-likelihood of a detection from a filter's predicted x, P (EKF-linearised). */
export function linearisedLogLikelihood(f: TrackFilter, det: Detection): number {
  const n = f.dim;
  const zp = new Float64Array(4);
  const H = new Float64Array(4 * n);
  const m = predictMeasurement(det, f.x, n, zp, H);
  if (m === 0 || det.R.length !== m * m) return Number.NEGATIVE_INFINITY;
  const nu = measurementResidual(det.kind, det.z, zp, m, new Float64Array(m));
  const PHt = matMulABt(f.P, H, n, n, m, new Float64Array(n * m));
  const S = matMul(H, PHt, m, n, m, new Float64Array(m * m));
  for (let i = 0; i < m * m; i++) S[i] += det.R[i];
  symmetrize(S, m);
  const L = new Float64Array(m * m);
  if (!cholesky(S, m, L)) return Number.NEGATIVE_INFINITY;
  const y = new Float64Array(m);
  let d2 = 0;
  for (let i = 0; i < m; i++) {
    let s = nu[i];
    for (let p = 0; p < i; p++) s -= L[i * m + p] * y[p];
    y[i] = s / L[i * m + i];
    d2 += y[i] * y[i];
  }
  return -0.5 * (d2 + logDetFromCholesky(L, m) + m * LOG_2PI);
}

function hasLikelihood(f: TrackFilter): f is LikelihoodFilter {
  return typeof (f as Partial<LikelihoodFilter>).logLikelihood === "function";
}

/** A model's estimate as the mixing step sees it. */
export interface ModelEstimate {
  readonly x: Float64Array;
  readonly P: Float64Array;
  readonly dim: number;
}

/**
 * The IMM mixing step. Given the models' estimates, the model probabilities μ (length r) and the
 * transition matrix Π (r × r, rows summing to 1), writes the mixed initial condition of each model j
 * into outX[j] (length dim_j) and outP[j] (dim_j²), and the predicted model probabilities c̄ into cbar.
 * Inputs are not modified (outputs must not alias them).
 */
export function immMix(
  models: readonly ModelEstimate[],
  mu: ArrayLike<number>,
  Pi: ArrayLike<number>,
  outX: Float64Array[],
  outP: Float64Array[],
  cbar: Float64Array,
): void {
  const r = models.length;
  for (let j = 0; j < r; j++) {
    let c = 0;
    for (let i = 0; i < r; i++) c += Pi[i * r + j] * mu[i];
    cbar[j] = c;
  }
  for (let j = 0; j < r; j++) {
    const nj = models[j].dim;
    const own = models[j];
    const x0 = outX[j];
    const P0 = outP[j];
    x0.fill(0, 0, nj);
    P0.fill(0, 0, nj * nj);
    if (!(cbar[j] > 0)) {
      // Unreachable model: keep its own estimate.
      x0.set(own.x.subarray(0, nj));
      P0.set(own.P.subarray(0, nj * nj));
      continue;
    }
    // x̂_i as seen by model j: its own components where model i lacks them.
    const comp = (i: number, k: number) => (k < models[i].dim ? models[i].x[k] : own.x[k]);
    const cov = (i: number, a: number, b: number) => {
      const ni = models[i].dim;
      if (a < ni && b < ni) return models[i].P[a * ni + b];
      return a >= ni && b >= ni ? own.P[a * nj + b] : 0;
    };
    for (let i = 0; i < r; i++) {
      const w = (Pi[i * r + j] * mu[i]) / cbar[j];
      if (w === 0) continue;
      for (let k = 0; k < nj; k++) x0[k] += w * comp(i, k);
    }
    for (let i = 0; i < r; i++) {
      const w = (Pi[i * r + j] * mu[i]) / cbar[j];
      if (w === 0) continue;
      for (let a = 0; a < nj; a++) {
        const da = comp(i, a) - x0[a];
        for (let b = 0; b < nj; b++) P0[a * nj + b] += w * (cov(i, a, b) + da * (comp(i, b) - x0[b]));
      }
    }
    symmetrize(P0, nj);
  }
}

export interface ImmOptions {
  /** Π (r × r row-major, rows sum to 1), fixed or as a function of the time step. */
  readonly transition: ArrayLike<number> | ((dt: number) => ArrayLike<number>);
  /** Initial model probabilities (length r, sum 1). */
  readonly mu0: ArrayLike<number>;
}

export class Imm implements TrackFilter {
  readonly dim: number;
  readonly x: Float64Array;
  readonly P: Float64Array;
  /** Current model probabilities. */
  readonly mu: Float64Array;
  private readonly r: number;
  private readonly mixX: Float64Array[];
  private readonly mixP: Float64Array[];
  private readonly cbar: Float64Array;
  private readonly logL: Float64Array;
  private readonly muAlt: Float64Array;
  private readonly xAlt: Float64Array[];
  /** Where `ambiguity` is summed (allocated at the first ambiguity). */
  private ambSum: Float64Array | null = null;

  constructor(
    readonly models: readonly TrackFilter[],
    readonly options: ImmOptions,
  ) {
    const r = models.length;
    if (r < 1) throw new RangeError("IMM needs at least one model");
    const t0 = models[0].t;
    for (const m of models) if (m.t !== t0) throw new RangeError("IMM models must start at the same time");
    if (options.mu0.length !== r)
      throw new RangeError(`mu0 has ${options.mu0.length} entries, expected ${r}`);
    let s = 0;
    for (let i = 0; i < r; i++) {
      if (!(options.mu0[i] >= 0)) throw new RangeError(`mu0[${i}] must be ≥ 0`);
      s += options.mu0[i];
    }
    if (Math.abs(s - 1) > 1e-9) throw new RangeError(`mu0 must sum to 1, sums to ${s}`);
    if (typeof options.transition !== "function") checkTransition(options.transition, r);
    this.r = r;
    this.dim = Math.min(...models.map((m) => m.dim));
    this.x = new Float64Array(this.dim);
    this.P = new Float64Array(this.dim * this.dim);
    this.mu = Float64Array.from(options.mu0);
    this.mixX = models.map((m) => new Float64Array(m.dim));
    this.mixP = models.map((m) => new Float64Array(m.dim * m.dim));
    this.cbar = new Float64Array(r);
    this.logL = new Float64Array(r);
    this.muAlt = new Float64Array(r);
    this.xAlt = models.map((m) => new Float64Array(m.dim));
    this.combine();
  }

  get t(): number {
    return this.models[0].t;
  }

  predictTo(t: number): void {
    const dt = t - this.t;
    if (dt < 0) throw new RangeError(`cannot predict backwards: IMM at ${this.t} s, asked for ${t} s`);
    if (dt === 0) return;
    const tr = this.options.transition;
    const Pi = typeof tr === "function" ? tr(dt) : tr;
    if (typeof tr === "function") checkTransition(Pi, this.r);
    immMix(this.models, this.mu, Pi, this.mixX, this.mixP, this.cbar);
    for (let j = 0; j < this.r; j++) {
      const m = this.models[j];
      m.x.set(this.mixX[j]);
      m.P.set(this.mixP[j]);
      m.predictTo(t);
      this.mu[j] = this.cbar[j];
    }
    this.combine();
  }

  /** Smallest gate distance over the models: a detection any model finds plausible passes. */
  gate(det: Detection): number {
    let best = Number.POSITIVE_INFINITY;
    for (const m of this.models) best = Math.min(best, m.gate(det));
    return best;
  }

  /** ln Σ_j μ_j Λ_j: the IMM's predictive likelihood of the detection. */
  logLikelihood(det: Detection): number {
    this.modelLogLikelihoods(det);
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < this.r; j++) if (this.mu[j] > 0) max = Math.max(max, this.logL[j]);
    if (max === Number.NEGATIVE_INFINITY) return max;
    let s = 0;
    for (let j = 0; j < this.r; j++) if (this.mu[j] > 0) s += this.mu[j] * Math.exp(this.logL[j] - max);
    return max + Math.log(s);
  }

  update(det: Detection): void {
    if (!this.posteriorWeights(det, this.mu)) return; // no model can use it: nothing learnt
    for (const m of this.models) m.update(det);
    this.combine();
  }

  /** Σ μ'_j x̂'_j: the combined state an update with det would give (μ' the updated probabilities). */
  updatedState(det: Detection, out: Float64Array): void {
    if (!this.posteriorWeights(det, this.muAlt)) {
      out.set(this.x);
      return;
    }
    out.fill(0, 0, this.dim);
    for (let j = 0; j < this.r; j++) {
      const w = this.muAlt[j];
      if (w === 0) continue;
      const m = this.models[j];
      if (!m.updatedState) throw new RangeError("every IMM model must support updatedState");
      const xj = this.xAlt[j];
      m.updatedState(det, xj);
      for (let k = 0; k < this.dim; k++) out[k] += w * xj[k];
    }
  }

  /**
   * The model probabilities after det, μ_j Λ_j normalised, into out (which may be this.mu); false,
   * and out untouched, when no model can use the detection.
   */
  private posteriorWeights(det: Detection, out: Float64Array): boolean {
    this.modelLogLikelihoods(det);
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < this.r; j++) if (this.mu[j] > 0) max = Math.max(max, this.logL[j]);
    if (max === Number.NEGATIVE_INFINITY) return false;
    let s = 0;
    for (let j = 0; j < this.r; j++) {
      out[j] = this.mu[j] > 0 ? this.mu[j] * Math.exp(this.logL[j] - max) : 0;
      s += out[j];
    }
    for (let j = 0; j < this.r; j++) out[j] /= s;
    return true;
  }

  /** Every model takes the ambiguity alike (on the components they share). */
  inflate(C: Float64Array, k: number): void {
    if (k > this.dim) throw new RangeError(`cannot inflate ${k} components of a ${this.dim}-state IMM`);
    for (const m of this.models) {
      if (!m.inflate) throw new RangeError("every IMM model must support inflate");
      m.inflate(C, k);
    }
  }

  /**
   * Σ μ_j A_j over the common components. Each model carries its own through its dynamics; mixing
   * leaves them alone (they describe which detection was taken, not which model fits). The array is
   * this filter's own, rewritten at every read: copy what must outlive the next one.
   */
  get ambiguity(): Float64Array | null {
    const d = this.dim;
    let out: Float64Array | null = null;
    for (let j = 0; j < this.r; j++) {
      const A = this.models[j].ambiguity;
      if (!A) continue;
      if (!out) {
        this.ambSum ??= new Float64Array(d * d);
        out = this.ambSum.fill(0);
      }
      const nj = this.models[j].dim;
      const w = this.mu[j];
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out[a * d + b] += w * A[a * nj + b];
    }
    return out;
  }

  clone(): Imm {
    const c = new Imm(
      this.models.map((m) => m.clone()),
      this.options,
    );
    c.mu.set(this.mu);
    c.combine();
    return c;
  }

  private modelLogLikelihoods(det: Detection): void {
    for (let j = 0; j < this.r; j++) {
      const m = this.models[j];
      this.logL[j] = hasLikelihood(m) ? m.logLikelihood(det) : linearisedLogLikelihood(m, det);
    }
  }

  /** x̂ = Σ μ_j x̂_j, P = Σ μ_j [P_j + spread] over the common components. */
  private combine(): void {
    const d = this.dim;
    this.x.fill(0);
    this.P.fill(0);
    for (let j = 0; j < this.r; j++) {
      const w = this.mu[j];
      const xj = this.models[j].x;
      for (let k = 0; k < d; k++) this.x[k] += w * xj[k];
    }
    for (let j = 0; j < this.r; j++) {
      const w = this.mu[j];
      if (w === 0) continue;
      const m = this.models[j];
      const nj = m.dim;
      for (let a = 0; a < d; a++) {
        const da = m.x[a] - this.x[a];
        for (let b = 0; b < d; b++) this.P[a * d + b] += w * (m.P[a * nj + b] + da * (m.x[b] - this.x[b]));
      }
    }
    symmetrize(this.P, d);
  }
}

function checkTransition(Pi: ArrayLike<number>, r: number): void {
  if (Pi.length !== r * r)
    throw new RangeError(`transition matrix has ${Pi.length} entries, expected ${r * r}`);
  for (let i = 0; i < r; i++) {
    let s = 0;
    for (let j = 0; j < r; j++) {
      const p = Pi[i * r + j];
      if (!(p >= 0 && p <= 1)) throw new RangeError(`transition[${i}][${j}] = ${p} is not a probability`);
      s += p;
    }
    if (Math.abs(s - 1) > 1e-9) throw new RangeError(`transition row ${i} sums to ${s}, not 1`);
  }
}
