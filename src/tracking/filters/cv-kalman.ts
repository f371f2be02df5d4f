/**
 * Constant-velocity Kalman filter: state [x, y, z, vx, vy, vz], continuous white-noise acceleration
 * with power spectral density q (m²/s³) on each axis, so over a step dt each axis gets
 *   Q = q · [[dt³/3, dt²/2], [dt²/2, dt]]   (Bar-Shalom, Li & Kirubarajan 2001, §6.2.2).
 *
 * Fast path (position measurements with diagonal R — the common case): the x, y and z axes are
 * exactly independent two-state filters whenever P has no cross-axis terms. Proof sketch: F and Q are
 * block-diagonal per axis (after permuting the state to [x, vx | y, vy | z, vz]), H = [I 0] picks one
 * position per axis and a diagonal R adds no coupling, so S is diagonal, K maps each axis's
 * innovation only to that axis's states, and F·P·Fᵀ + Q and the Joseph update both keep every
 * cross-axis entry of P at exactly zero. The full 6×6 filter and three 2×2 filters therefore give the
 * same numbers (up to round-off order), and the 2×2 form costs ~20 flops per axis instead of
 * ~1,000 for a dense 6×6 Joseph update. The filter checks the structure (the 24 cross-axis entries
 * of P are exactly 0 and R is diagonal) on every step and falls back to the dense EKF path
 * (filters/measurement-update.ts) otherwise — e.g. after a radar update, or with a full R — so the
 * shortcut is never an approximation.
 *
 * P is always kept as the full 6×6 row-major matrix the TrackFilter contract exposes.
 */
import type { Detection } from "../../sensors/detection.ts";
import type { TrackFilter } from "../track-filter.ts";
import { gateGeneric, lastGate, updateGeneric } from "./measurement-update.ts";

/** True when every covariance entry between different axes is exactly 0 (6×6, layout [p; v]). */
export function isAxisDecoupled6(P: Float64Array): boolean {
  for (let i = 0; i < 6; i++) {
    const ai = i % 3;
    const row = i * 6;
    for (let j = 0; j < 6; j++) if (j % 3 !== ai && P[row + j] !== 0) return false;
  }
  return true;
}

function isDiagonal3(R: Float64Array): boolean {
  return R[1] === 0 && R[2] === 0 && R[3] === 0 && R[5] === 0 && R[6] === 0 && R[7] === 0;
}

export class CvKalmanFilter implements TrackFilter {
  readonly dim = 6;
  t: number;
  readonly x: Float64Array;
  readonly P: Float64Array;
  /** White-noise acceleration power spectral density, m²/s³. */
  readonly q: number;
  /** ln|S| of the innovation covariance from the latest gate() call (for −log-likelihood costs). */
  lastGateLogDetS = 0;

  constructor(t: number, x: Float64Array, P: Float64Array, q: number) {
    if (x.length !== 6 || P.length !== 36) throw new RangeError("CvKalmanFilter needs x (6) and P (6×6)");
    if (!(q >= 0)) throw new RangeError(`CvKalmanFilter: q must be ≥ 0, got ${q}`);
    this.t = t;
    this.x = Float64Array.from(x);
    this.P = Float64Array.from(P);
    this.q = q;
  }

  /**
   * One-point initiation from a position detection: position from z with covariance R, velocity
   * `velocityMean` (default 0) with an isotropic prior σ = velocitySigma (m/s) per axis.
   */
  static fromPosition(
    det: Detection,
    q: number,
    velocitySigma: number,
    velocityMean?: ArrayLike<number>,
  ): CvKalmanFilter {
    const x = new Float64Array(6);
    const P = new Float64Array(36);
    for (let i = 0; i < 3; i++) {
      x[i] = det.z[i];
      x[3 + i] = velocityMean ? velocityMean[i] : 0;
      for (let j = 0; j < 3; j++) P[i * 6 + j] = det.R[i * 3 + j];
      P[(3 + i) * 6 + 3 + i] = velocitySigma * velocitySigma;
    }
    return new CvKalmanFilter(det.t, x, P, q);
  }

  predictTo(t: number): void {
    const dt = t - this.t;
    if (dt === 0) return;
    if (!(dt > 0))
      throw new RangeError(`CvKalmanFilter.predictTo: time ${t} is before the estimate time ${this.t}`);
    const x = this.x;
    const P = this.P;
    const q = this.q;
    const q11 = (q * dt * dt * dt) / 3;
    const q12 = (q * dt * dt) / 2;
    const q22 = q * dt;
    for (let a = 0; a < 3; a++) x[a] += dt * x[3 + a];
    if (isAxisDecoupled6(P)) {
      for (let a = 0; a < 3; a++) {
        const ipp = a * 7; // P[a][a]
        const ipv = a * 6 + 3 + a; // P[a][a+3]
        const ivp = (3 + a) * 6 + a;
        const ivv = (3 + a) * 7;
        const pp = P[ipp];
        const pv = P[ipv];
        const vv = P[ivv];
        const npv = pv + dt * vv + q12;
        P[ipp] = pp + dt * (2 * pv + dt * vv) + q11;
        P[ipv] = npv;
        P[ivp] = npv;
        P[ivv] = vv + q22;
      }
    } else {
      // Dense block form of F·P·Fᵀ + Q with F = [[I, dt·I], [0, I]] and blocks A = Ppp, B = Ppv, C = Pvv:
      // A' = A + dt(B + Bᵀ) + dt²C + q11·I, B' = B + dt·C + q12·I, C' = C + q22·I.
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const b = P[i * 6 + 3 + j];
          const bt = P[j * 6 + 3 + i];
          const c = P[(3 + i) * 6 + 3 + j];
          P[i * 6 + j] += dt * (b + bt) + dt * dt * c + (i === j ? q11 : 0);
        }
      }
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const nb = P[i * 6 + 3 + j] + dt * P[(3 + i) * 6 + 3 + j] + (i === j ? q12 : 0);
          P[i * 6 + 3 + j] = nb;
          P[(3 + j) * 6 + i] = nb;
        }
      }
      for (let a = 0; a < 3; a++) P[(3 + a) * 7] += q22;
    }
    this.t = t;
  }

  gate(det: Detection): number {
    if (det.kind === "position" && det.z.length === 3 && isDiagonal3(det.R) && isAxisDecoupled6(this.P)) {
      const P = this.P;
      const z = det.z;
      const R = det.R;
      const x = this.x;
      const s0 = P[0] + R[0];
      const s1 = P[7] + R[4];
      const s2 = P[14] + R[8];
      if (!(s0 > 0 && s1 > 0 && s2 > 0)) return Number.POSITIVE_INFINITY;
      const n0 = z[0] - x[0];
      const n1 = z[1] - x[1];
      const n2 = z[2] - x[2];
      this.lastGateLogDetS = Math.log(s0 * s1 * s2);
      return (n0 * n0) / s0 + (n1 * n1) / s1 + (n2 * n2) / s2;
    }
    const d2 = gateGeneric(det, this.x, this.P, 6);
    this.lastGateLogDetS = lastGate.logDetS;
    return d2;
  }

  update(det: Detection): void {
    if (det.kind === "position" && det.z.length === 3 && isDiagonal3(det.R) && isAxisDecoupled6(this.P)) {
      const P = this.P;
      const x = this.x;
      for (let a = 0; a < 3; a++) {
        const ipp = a * 7;
        const ipv = a * 6 + 3 + a;
        const ivp = (3 + a) * 6 + a;
        const ivv = (3 + a) * 7;
        const pp = P[ipp];
        const pv = P[ipv];
        const vv = P[ivv];
        const r = det.R[a * 4];
        const s = pp + r;
        const k1 = pp / s;
        const k2 = pv / s;
        const nu = det.z[a] - x[a];
        x[a] += k1 * nu;
        x[3 + a] += k2 * nu;
        // Joseph form for this axis, expanded: A = I − K·[1 0] = [[1−k1, 0], [−k2, 1]],
        // P' = A·P·Aᵀ + r·K·Kᵀ.
        const m1 = 1 - k1;
        const npp = m1 * m1 * pp + k1 * k1 * r;
        const npv = m1 * (pv - k2 * pp) + k1 * k2 * r;
        const nvv = vv - 2 * k2 * pv + k2 * k2 * (pp + r);
        P[ipp] = npp;
        P[ipv] = npv;
        P[ivp] = npv;
        P[ivv] = nvv;
      }
      return;
    }
    if (!updateGeneric(det, this.x, this.P, 6)) {
      throw new RangeError(
        `CvKalmanFilter cannot use detection ${det.id} (kind ${det.kind}, ${det.z.length} values)`,
      );
    }
  }

  clone(): CvKalmanFilter {
    return new CvKalmanFilter(this.t, this.x, this.P, this.q);
  }
}
