/**
 * Constant-acceleration Kalman filter: state [x, y, z, vx, vy, vz, ax, ay, az], continuous
 * white-noise jerk (Wiener-process acceleration) with power spectral density q (m²/s⁵) per axis:
 *   Q_axis = q · [[dt⁵/20, dt⁴/8, dt³/6], [dt⁴/8, dt³/3, dt²/2], [dt³/6, dt²/2, dt]]
 * (Bar-Shalom, Li & Kirubarajan 2001, §6.2.3). Dense 9×9 algebra: this model serves manoeuvring or
 * boosting targets, where the cost per update matters less than for the CV bulk.
 * Measurements go through the generic Joseph-form (E)KF step (position, radar, ir).
 */
import type { Detection } from "../../sensors/detection.ts";
import type { TrackFilter } from "../track-filter.ts";
import { gateGeneric, lastGate, updateGeneric } from "./measurement-update.ts";

const F = new Float64Array(81);
const T = new Float64Array(81);

export class CaKalmanFilter implements TrackFilter {
  readonly dim = 9;
  t: number;
  readonly x: Float64Array;
  readonly P: Float64Array;
  /** White-noise jerk power spectral density, m²/s⁵. */
  readonly q: number;
  lastGateLogDetS = 0;

  constructor(t: number, x: Float64Array, P: Float64Array, q: number) {
    if (x.length !== 9 || P.length !== 81) throw new RangeError("CaKalmanFilter needs x (9) and P (9×9)");
    if (!(q >= 0)) throw new RangeError(`CaKalmanFilter: q must be ≥ 0, got ${q}`);
    this.t = t;
    this.x = Float64Array.from(x);
    this.P = Float64Array.from(P);
    this.q = q;
  }

  /** One-point initiation: position from z (covariance R); velocity and acceleration 0 with σv, σa. */
  static fromPosition(
    det: Detection,
    q: number,
    velocitySigma: number,
    accelerationSigma: number,
  ): CaKalmanFilter {
    const x = new Float64Array(9);
    const P = new Float64Array(81);
    for (let i = 0; i < 3; i++) {
      x[i] = det.z[i];
      for (let j = 0; j < 3; j++) P[i * 9 + j] = det.R[i * 3 + j];
      P[(3 + i) * 10] = velocitySigma * velocitySigma;
      P[(6 + i) * 10] = accelerationSigma * accelerationSigma;
    }
    return new CaKalmanFilter(det.t, x, P, q);
  }

  predictTo(t: number): void {
    const dt = t - this.t;
    if (dt === 0) return;
    if (!(dt > 0))
      throw new RangeError(`CaKalmanFilter.predictTo: time ${t} is before the estimate time ${this.t}`);
    const x = this.x;
    const P = this.P;
    const h = 0.5 * dt * dt;
    for (let a = 0; a < 3; a++) {
      x[a] += dt * x[3 + a] + h * x[6 + a];
      x[3 + a] += dt * x[6 + a];
    }
    F.fill(0);
    for (let i = 0; i < 9; i++) F[i * 10] = 1;
    for (let a = 0; a < 3; a++) {
      F[a * 9 + 3 + a] = dt;
      F[a * 9 + 6 + a] = h;
      F[(3 + a) * 9 + 6 + a] = dt;
    }
    // P ← F·P·Fᵀ + Q
    for (let i = 0; i < 9; i++) {
      for (let j = 0; j < 9; j++) {
        let s = 0;
        for (let k = 0; k < 9; k++) s += F[i * 9 + k] * P[k * 9 + j];
        T[i * 9 + j] = s;
      }
    }
    for (let i = 0; i < 9; i++) {
      for (let j = i; j < 9; j++) {
        let s = 0;
        for (let k = 0; k < 9; k++) s += T[i * 9 + k] * F[j * 9 + k];
        P[i * 9 + j] = s;
        P[j * 9 + i] = s;
      }
    }
    const q = this.q;
    const d2 = dt * dt;
    const d3 = d2 * dt;
    const q00 = (q * d3 * d2) / 20;
    const q01 = (q * d2 * d2) / 8;
    const q02 = (q * d3) / 6;
    const q11 = (q * d3) / 3;
    const q12 = (q * d2) / 2;
    const q22 = q * dt;
    for (let a = 0; a < 3; a++) {
      const p = a;
      const v = 3 + a;
      const c = 6 + a;
      P[p * 9 + p] += q00;
      P[p * 9 + v] += q01;
      P[v * 9 + p] += q01;
      P[p * 9 + c] += q02;
      P[c * 9 + p] += q02;
      P[v * 9 + v] += q11;
      P[v * 9 + c] += q12;
      P[c * 9 + v] += q12;
      P[c * 9 + c] += q22;
    }
    this.t = t;
  }

  gate(det: Detection): number {
    const d2 = gateGeneric(det, this.x, this.P, 9);
    this.lastGateLogDetS = lastGate.logDetS;
    return d2;
  }

  update(det: Detection): void {
    if (!updateGeneric(det, this.x, this.P, 9)) {
      throw new RangeError(
        `CaKalmanFilter cannot use detection ${det.id} (kind ${det.kind}, ${det.z.length} values)`,
      );
    }
  }

  clone(): CaKalmanFilter {
    return new CaKalmanFilter(this.t, this.x, this.P, this.q);
  }
}
