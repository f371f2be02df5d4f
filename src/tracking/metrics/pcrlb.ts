/**
 * Posterior Cramér–Rao lower bound (PCRLB) for a nonlinear filter with additive Gaussian noises,
 * by the information recursion of Tichavský, Muravchik & Nehorai (1998), "Posterior Cramér–Rao bounds
 * for discrete-time nonlinear filtering", IEEE TSP 46(5), specialised to additive process noise:
 *
 *   J₀ = P₀⁻¹,
 *   J_{k+1} = (Q_k + F_k J_k⁻¹ F_kᵀ)⁻¹ + Σ_sensors H_{k+1}ᵀ R⁻¹ H_{k+1},
 *
 * with F and H the Jacobians of the transition and measurement functions. The exact bound takes the
 * expectation of those terms over the truth; linearising at the true trajectory (as done here and in
 * most tracking papers) evaluates them at one sample of it, and a Monte Carlo study averages the bound
 * over its runs. For a linear-Gaussian model J_k⁻¹ is exactly the Kalman filter covariance.
 *
 * Everything is on caller-visible Float64Arrays; nothing is allocated after construction.
 */
import { matMul, matMulABt, spdInverse } from "../../core/matrix.ts";

export class PcrlbRecursion {
  /** Current Fisher information matrix J (n×n). */
  readonly J: Float64Array;
  private readonly Jinv: Float64Array;
  private readonly tmp: Float64Array;
  private readonly tmp2: Float64Array;
  private readonly work: Float64Array;
  private Rinv = new Float64Array(0);
  private RinvH = new Float64Array(0);

  /** Starts from the prior covariance P₀ (n×n, SPD): J₀ = P₀⁻¹. */
  constructor(
    readonly n: number,
    P0: Float64Array,
  ) {
    this.J = new Float64Array(n * n);
    this.Jinv = new Float64Array(n * n);
    this.tmp = new Float64Array(n * n);
    this.tmp2 = new Float64Array(n * n);
    this.work = new Float64Array(n * n);
    if (!spdInverse(P0, n, this.J, this.work))
      throw new RangeError("PCRLB prior covariance is not positive definite");
  }

  /** Time update: J ← (Q + F J⁻¹ Fᵀ)⁻¹ with F the transition Jacobian at the truth. */
  predict(F: Float64Array, Q: Float64Array): void {
    const n = this.n;
    if (!spdInverse(this.J, n, this.Jinv, this.work))
      throw new RangeError("PCRLB information matrix lost definiteness");
    matMul(F, this.Jinv, n, n, n, this.tmp);
    matMulABt(this.tmp, F, n, n, n, this.tmp2);
    for (let i = 0; i < n * n; i++) this.tmp2[i] += Q[i];
    if (!spdInverse(this.tmp2, n, this.J, this.work))
      throw new RangeError("PCRLB predicted bound is not positive definite");
  }

  /** Measurement update: J ← J + Hᵀ R⁻¹ H with H (m×n) the measurement Jacobian at the truth. */
  addMeasurement(H: Float64Array, R: Float64Array, m: number): void {
    const n = this.n;
    if (this.Rinv.length < m * m) this.Rinv = new Float64Array(m * m);
    if (this.RinvH.length < m * n) this.RinvH = new Float64Array(m * n);
    const Rinv = this.Rinv.subarray(0, m * m);
    const RinvH = this.RinvH.subarray(0, m * n);
    if (!spdInverse(R, m, Rinv, this.work))
      throw new RangeError("PCRLB measurement covariance is not positive definite");
    matMul(Rinv, H, m, m, n, RinvH);
    // J += Hᵀ (R⁻¹ H)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < m; p++) s += H[p * n + i] * RinvH[p * n + j];
        this.J[i * n + j] += s;
      }
    }
  }

  /** The bound J⁻¹ (n×n) into `out`. */
  bound(out: Float64Array): Float64Array {
    if (!spdInverse(this.J, this.n, out, this.work))
      throw new RangeError("PCRLB information matrix lost definiteness");
    return out;
  }

  /** Trace of the leading k×k block of the bound (k = 3: the position mean-square-error bound, m²). */
  traceBound(k: number): number {
    this.bound(this.Jinv);
    let s = 0;
    for (let i = 0; i < k; i++) s += this.Jinv[i * this.n + i];
    return s;
  }
}
