/**
 * Predicted impact with its uncertainty: the fused state and covariance are sampled (Monte Carlo,
 * seeded) and every sample is flown to the ground with the tracker's ballistic model — gravity with
 * J2, Earth rotation and, below 150 km, drag with the reentry vehicle's ballistic coefficient. The
 * impact points give the mean impact, the 2-D impact covariance on the local tangent plane, the
 * p-probability ellipse and the time of impact; the samples themselves give the probability of impact
 * in any area (see area-probability.ts), which an ellipse alone cannot do for irregular coasts.
 *
 * Monte Carlo rather than an unscented transform because early in flight the map from state to impact
 * point is strongly non-linear (a 10 m/s velocity error at burnout moves an IRBM impact by tens of km
 * along track), and warnings need tail probabilities, not just two moments.
 */

import { ecefToEnu, ecefToGeodetic, geodeticToEcef } from "../core/geodesy.ts";
import { cholesky } from "../core/matrix.ts";
import type { Rng } from "../core/rng.ts";
import { BallisticModel } from "../tracking/models/ballistic.ts";
import { ATMOSPHERE, airDensity, EARTH_WGS84, surfaceHeight } from "../world/flight-model.ts";
import type { GeoPoint, ImpactEllipse } from "./alert.ts";

export interface ImpactPredictionOptions {
  readonly rng: Rng;
  /** Monte Carlo samples (default 256). */
  readonly samples?: number;
  /** Probability the ellipse should hold (default 0.95). */
  readonly probability?: number;
  /** Ballistic coefficient assumed when the state has no β (kg/m², default 5,000: a typical RV). */
  readonly betaKgM2?: number;
  /** Relative 1-σ spread of that assumed β (default 0.3). */
  readonly betaRelSigma?: number;
  /** Give up on a sample that has not come down within this time, s (default 7,200). */
  readonly maxFlightS?: number;
}

export interface ImpactPrediction {
  /** Time of the state the prediction starts from. */
  readonly t: number;
  /** Mean time of impact and its 1-σ spread, s. */
  readonly tImpact: number;
  readonly tImpactSigmaS: number;
  readonly impact: GeoPoint;
  /** Impact covariance on the tangent plane at `impact`: [ee, en, nn], m². */
  readonly covEnM2: readonly [number, number, number];
  readonly ellipse: ImpactEllipse;
  /** Sample impact points: lat, lon pairs (radians), for area probabilities. */
  readonly samples: Float64Array;
  /** Samples that reached the ground (the rest flew beyond maxFlightS: escape or error). */
  readonly sampleCount: number;
}

/** √χ²₂(p): the Mahalanobis radius of the p-probability ellipse of a 2-D Gaussian. */
export function ellipseScale(p: number): number {
  return Math.sqrt(-2 * Math.log(1 - p));
}

const VACUUM_STEP_S = 20;

/**
 * Flies one ballistic state (ECEF, 6 or 7 with β) from time t to the ground; returns the impact time
 * and writes the impact ECEF position into `out`, or returns NaN if it does not come down in time.
 * RK4 with steps that shrink in the atmosphere with the drag time constant 2β/(ρ|v|), and a final
 * bisection of the step that crosses the ground.
 */
export function flyToGround(
  model: BallisticModel,
  x0: ArrayLike<number>,
  t0: number,
  maxFlightS: number,
  out: Float64Array,
  work: Float64Array[] = makeWork(model.dim),
): number {
  const n = model.dim;
  const [y, k1, k2, k3, k4, tmp, prev] = work;
  for (let i = 0; i < n; i++) y[i] = x0[i];
  let t = t0;
  let h = surfaceHeight(EARTH_WGS84, y[0], y[1], y[2]);
  if (h <= 0) {
    out.set(y.subarray(0, 3));
    return t;
  }
  const beta = n === 7 ? Math.max(y[6], 50) : Number.POSITIVE_INFINITY;
  while (t - t0 < maxFlightS) {
    const v = Math.hypot(y[3], y[4], y[5]);
    let dt = VACUUM_STEP_S;
    if (h < ATMOSPHERE.topM) {
      const rho = airDensity(h);
      const tau = rho > 0 && Number.isFinite(beta) ? (2 * beta) / (rho * v) : Number.POSITIVE_INFINITY;
      dt = Math.min(2, 0.1 * tau);
    }
    // Never step more than ~a fifth of the remaining height at the current sink rate.
    const sink = -(y[0] * y[3] + y[1] * y[4] + y[2] * y[5]) / Math.hypot(y[0], y[1], y[2]);
    if (sink > 0) dt = Math.min(dt, Math.max(0.01, (0.2 * h) / sink + 0.05));
    prev.set(y);
    rk4(model, y, dt, k1, k2, k3, k4, tmp);
    const hNew = surfaceHeight(EARTH_WGS84, y[0], y[1], y[2]);
    if (hNew <= 0) {
      // Bisect the crossing step for the time at which the height is zero (to 1 ms).
      let lo = 0;
      let hi = dt;
      while (hi - lo > 1e-3) {
        const mid = 0.5 * (lo + hi);
        y.set(prev);
        rk4(model, y, mid, k1, k2, k3, k4, tmp);
        if (surfaceHeight(EARTH_WGS84, y[0], y[1], y[2]) > 0) lo = mid;
        else hi = mid;
      }
      y.set(prev);
      rk4(model, y, hi, k1, k2, k3, k4, tmp);
      out[0] = y[0];
      out[1] = y[1];
      out[2] = y[2];
      return t + hi;
    }
    t += dt;
    h = hNew;
  }
  return Number.NaN;
}

function makeWork(n: number): Float64Array[] {
  return Array.from({ length: 7 }, () => new Float64Array(n));
}

function rk4(
  model: BallisticModel,
  y: Float64Array,
  dt: number,
  k1: Float64Array,
  k2: Float64Array,
  k3: Float64Array,
  k4: Float64Array,
  tmp: Float64Array,
): void {
  const n = model.dim;
  model.derivative(y, k1);
  for (let i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * dt * k1[i];
  model.derivative(tmp, k2);
  for (let i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * dt * k2[i];
  model.derivative(tmp, k3);
  for (let i = 0; i < n; i++) tmp[i] = y[i] + dt * k3[i];
  model.derivative(tmp, k4);
  for (let i = 0; i < n; i++) y[i] += (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
}

/**
 * Predicts the impact of a ballistic object from its state x (ECEF position and velocity, optionally
 * β as a 7th element) and covariance P (dim × dim) at time t. Returns null when no sample comes down
 * (an orbit, or a state so uncertain that nothing useful can be said).
 */
export function predictImpact(
  x: ArrayLike<number>,
  P: ArrayLike<number>,
  t: number,
  options: ImpactPredictionOptions,
): ImpactPrediction | null {
  const dimIn = x.length;
  if (dimIn !== 6 && dimIn !== 7) throw new RangeError(`state must have 6 or 7 elements, got ${dimIn}`);
  const nSamples = options.samples ?? 256;
  const p = options.probability ?? 0.95;
  const maxFlight = options.maxFlightS ?? 7200;
  const betaNominal = options.betaKgM2 ?? 5000;
  const betaRel = options.betaRelSigma ?? 0.3;
  const model = new BallisticModel({ drag: true, qAccel: 0 });
  const L = new Float64Array(dimIn * dimIn);
  if (!cholesky(Float64Array.from(P), dimIn, L)) {
    // Not positive definite (numerically): fall back to the diagonal rather than refuse to warn.
    for (let i = 0; i < dimIn; i++) L[i * dimIn + i] = Math.sqrt(Math.max(P[i * dimIn + i], 0));
  }
  const rng = options.rng;
  const z = new Float64Array(dimIn);
  const xs = new Float64Array(7);
  const hit = new Float64Array(3);
  const work = makeWork(7);
  const impactsEcef: number[] = [];
  const times: number[] = [];
  for (let s = 0; s < nSamples; s++) {
    for (let i = 0; i < dimIn; i++) z[i] = rng.normal();
    for (let i = 0; i < dimIn; i++) {
      let acc = x[i];
      for (let j = 0; j <= i; j++) acc += L[i * dimIn + j] * z[j];
      xs[i] = acc;
    }
    if (dimIn === 6) xs[6] = betaNominal * Math.max(0.2, 1 + betaRel * rng.normal());
    const tImp = flyToGround(model, xs, t, maxFlight, hit, work);
    if (!Number.isFinite(tImp)) continue;
    impactsEcef.push(hit[0], hit[1], hit[2]);
    times.push(tImp);
  }
  const m = times.length;
  if (m < Math.max(8, nSamples / 4)) return null;

  // Mean impact: average ECEF, put back on the ellipsoid.
  let mx = 0;
  let my = 0;
  let mz = 0;
  for (let i = 0; i < m; i++) {
    mx += impactsEcef[3 * i];
    my += impactsEcef[3 * i + 1];
    mz += impactsEcef[3 * i + 2];
  }
  const g = ecefToGeodetic(mx / m, my / m, mz / m);
  const ref = geodeticToEcef(g.lat, g.lon, 0);
  const samples = new Float64Array(2 * m);
  const enu = new Float64Array(3);
  const pt = new Float64Array(3);
  let ee = 0;
  let en = 0;
  let nn = 0;
  let me = 0;
  let mn = 0;
  const es = new Float64Array(m);
  const ns = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    pt[0] = impactsEcef[3 * i];
    pt[1] = impactsEcef[3 * i + 1];
    pt[2] = impactsEcef[3 * i + 2];
    ecefToEnu(pt, ref, g.lat, g.lon, enu);
    es[i] = enu[0];
    ns[i] = enu[1];
    me += enu[0];
    mn += enu[1];
    const gi = ecefToGeodetic(pt[0], pt[1], pt[2]);
    samples[2 * i] = gi.lat;
    samples[2 * i + 1] = gi.lon;
  }
  me /= m;
  mn /= m;
  for (let i = 0; i < m; i++) {
    const de = es[i] - me;
    const dn = ns[i] - mn;
    ee += de * de;
    en += de * dn;
    nn += dn * dn;
  }
  const d = Math.max(1, m - 1);
  ee /= d;
  en /= d;
  nn /= d;
  let tMean = 0;
  for (const ti of times) tMean += ti;
  tMean /= m;
  let tVar = 0;
  for (const ti of times) tVar += (ti - tMean) ** 2;
  // Eigen-decomposition of the 2×2 covariance for the ellipse axes.
  const tr = ee + nn;
  const disc = Math.sqrt(Math.max(0, ((ee - nn) / 2) ** 2 + en * en));
  const l1 = tr / 2 + disc;
  const l2 = Math.max(0, tr / 2 - disc);
  // Major-axis direction (east, north components) → azimuth from north.
  const ax = Math.abs(en) > 1e-12 ? en : ee >= nn ? 1 : 0;
  const ay = Math.abs(en) > 1e-12 ? l1 - ee : ee >= nn ? 0 : 1;
  const orientation = Math.atan2(ax, ay);
  const k = ellipseScale(p);
  return {
    t,
    tImpact: tMean,
    tImpactSigmaS: Math.sqrt(tVar / d),
    impact: { lat: g.lat, lon: g.lon },
    covEnM2: [ee, en, nn],
    ellipse: {
      center: { lat: g.lat, lon: g.lon },
      semiMajorM: k * Math.sqrt(l1),
      semiMinorM: k * Math.sqrt(l2),
      orientation: ((orientation % Math.PI) + Math.PI) % Math.PI,
      probability: p,
    },
    samples,
    sampleCount: m,
  };
}
