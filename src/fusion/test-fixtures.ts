/**
 * Helpers for the fusion tests (not used by production code): ballistic truth states and noisy
 * track reports drawn from a known covariance.
 */
import { enuMatrix, geodeticToEcef } from "../core/geodesy.ts";
import { cholesky } from "../core/matrix.ts";
import type { Rng } from "../core/rng.ts";
import { BallisticModel } from "../tracking/models/ballistic.ts";
import type { NationCode } from "../world/nation.ts";
import type { TrackReport } from "./track-report.ts";

const deg = Math.PI / 180;
const truthModel = new BallisticModel({ drag: false, qAccel: 0 });

/** ECEF [pos, vel] of an object at (lat, lon, h) moving with an ENU velocity, m/s. */
export function stateAt(
  latDeg: number,
  lonDeg: number,
  hM: number,
  vE: number,
  vN: number,
  vU: number,
): Float64Array {
  const p = geodeticToEcef(latDeg * deg, lonDeg * deg, hM);
  const M = enuMatrix(latDeg * deg, lonDeg * deg); // rows E, N, U
  const x = new Float64Array(6);
  for (let i = 0; i < 3; i++) {
    x[i] = p[i];
    x[3 + i] = M[i] * vE + M[3 + i] * vN + M[6 + i] * vU;
  }
  return x;
}

/** The noise-free ballistic state dt seconds later (the fusion engine's own model, zero noise). */
export function propagateTruth(x0: Float64Array, dt: number): Float64Array {
  const x = Float64Array.from(x0);
  truthModel.propagate(x, dt, null);
  return x;
}

/** Diagonal covariance with position σ (m) and velocity σ (m/s). */
export function diagCov(sigmaPos: number, sigmaVel: number): Float64Array {
  const P = new Float64Array(36);
  for (let i = 0; i < 3; i++) {
    P[i * 7] = sigmaPos * sigmaPos;
    P[(i + 3) * 7] = sigmaVel * sigmaVel;
  }
  return P;
}

/** A sample of N(0, P) into out. */
export function gaussian(rng: Rng, P: Float64Array, out = new Float64Array(6)): Float64Array {
  const L = new Float64Array(36);
  if (!cholesky(P, 6, L)) throw new Error("gaussian: P is not SPD");
  const z = Array.from({ length: 6 }, () => rng.normal());
  for (let i = 0; i < 6; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += L[i * 6 + k] * z[k];
    out[i] = s;
  }
  return out;
}

/** A report of `truth` with an error drawn from P (or the given error), claiming covariance P. */
export function noisyReport(
  rng: Rng | null,
  source: NationCode,
  trackNumber: string,
  t: number,
  truth: Float64Array,
  P: Float64Array,
  extra: Partial<TrackReport> = {},
): TrackReport {
  const e = rng ? gaussian(rng, P) : new Float64Array(6);
  return { source, trackNumber, t, x: truth.map((v, i) => v + e[i]), P: Float64Array.from(P), ...extra };
}
