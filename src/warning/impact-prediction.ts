/**
 * Predicted impact with its uncertainty: the fused state and covariance are sampled (Monte Carlo,
 * seeded) and every sample is flown to the ground with the tracker's ballistic model — gravity with
 * J2, Earth rotation and, below 150 km, drag with the reentry vehicle's ballistic coefficient. The
 * impact points give the mean impact, the 2-D impact covariance on the local tangent plane, the
 * p-probability ellipse and the time of impact; the samples themselves give the probability of impact
 * in any area (see threat-areas.ts), which an ellipse alone cannot do for irregular coasts.
 *
 * Monte Carlo rather than an unscented transform because early in flight the map from state to impact
 * point is strongly non-linear (a 10 m/s velocity error at burnout moves an IRBM impact by tens of km
 * along track), and warnings need tail probabilities, not just two moments. Once a track has
 * converged the map is nearly quadratic over the state's uncertainty, and a surrogate fitted from 15
 * flights and checked against 4 more gives the same samples for a tenth of the cost
 * (impact-surrogate.ts); Monte Carlo remains whenever that check fails.
 */

import { ecefToEnu, ecefToGeodetic, geodeticToEcef } from "../core/geodesy.ts";
import { cholesky } from "../core/matrix.ts";
import type { Rng } from "../core/rng.ts";
import { BallisticModel } from "../tracking/models/ballistic.ts";
import type { GeoPoint, ImpactEllipse } from "./alert.ts";
import { FlightWork, flyToGround } from "./fly-to-ground.ts";
import {
  type CurveAxis,
  fitImpactSurrogate,
  OUT,
  type SampleFlight,
  VALIDATION_FLIGHTS,
  validateSurrogate,
} from "./impact-surrogate.ts";

/** β assumed for a state that has none, kg/m²: a typical reentry vehicle ... */
export const DEFAULT_BETA_KG_M2 = 5000;
/** ... with this relative 1-σ spread. */
export const DEFAULT_BETA_REL_SIGMA = 0.3;
/** Sample coordinates: six state axes and β (drawn when the state has none, else the state's 7th). */
const D = 7;
/** A sampled β is never below this fraction of the nominal. */
const BETA_FLOOR_FRACTION = 0.2;
/** The prediction model: the tracker's, with drag and β, without process noise (stateless in use). */
const MODEL = new BallisticModel({ drag: true, qAccel: 0 });
const WORK = new FlightWork(D);
/**
 * Fewest samples for which the surrogate is tried: it costs ≈ 45 flights (fit and check) for a 6-state,
 * so below about twice that, flying every sample costs little more.
 */
const SURROGATE_MIN_SAMPLES = 100;

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
  /**
   * "auto" (default): the checked quadratic surrogate when it holds, else Monte Carlo;
   * "monte-carlo": fly every sample.
   */
  readonly method?: "auto" | "monte-carlo";
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
  /** How the samples' impacts were found (see impact-surrogate.ts; absent in hand-made predictions). */
  readonly method?: "surrogate" | "monte-carlo";
  /** Trajectories flown to the ground: the cost of the prediction. */
  readonly flights?: number;
}

/** √χ²₂(p): the Mahalanobis radius of the p-probability ellipse of a 2-D Gaussian. */
export function ellipseScale(p: number): number {
  return Math.sqrt(-2 * Math.log(1 - p));
}

/**
 * Predicts the impact of a ballistic object from its state x (ECEF position and velocity, optionally
 * β as a 7th element) and covariance P (dim × dim) at time t. Returns null when no sample comes down
 * (an orbit, or a state so uncertain that nothing useful can be said).
 *
 * The samples' impacts come from the quadratic surrogate of impact-surrogate.ts when it passes its
 * check against real flights (a converged track: ~19 flights instead of `samples`), else from flying
 * every sample. Either way the samples are the same seeded draws, so the method changes the cost, not
 * the statistics (beyond the surrogate's checked error of a tenth of the spread).
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
  const betaNominal = options.betaKgM2 ?? DEFAULT_BETA_KG_M2;
  const betaRel = options.betaRelSigma ?? DEFAULT_BETA_REL_SIGMA;
  const L = new Float64Array(dimIn * dimIn);
  if (!cholesky(Float64Array.from(P), dimIn, L)) {
    // Not positive definite (numerically): fall back to the diagonal rather than refuse to warn.
    for (let i = 0; i < dimIn; i++) L[i * dimIn + i] = Math.sqrt(Math.max(P[i * dimIn + i], 0));
  }
  // Every sample's coordinates u (D = 7: the state's dimIn normals, then the β draw of a 6-state),
  // drawn in the same order whichever method flies them. The β coordinate is stored clamped, so
  // u ↦ state is the same smooth map for the surrogate and for Monte Carlo.
  const rng = options.rng;
  const u = new Float64Array(nSamples * D);
  const betaFloorU = betaRel > 0 ? (BETA_FLOOR_FRACTION - 1) / betaRel : 0;
  for (let s = 0; s < nSamples; s++) {
    for (let i = 0; i < dimIn; i++) u[s * D + i] = rng.normal();
    if (dimIn === 6) u[s * D + 6] = Math.max(betaFloorU, rng.normal());
  }
  const xs = new Float64Array(D);
  const hit = new Float64Array(3);
  const fly: SampleFlight = (uu, off, out) => {
    for (let i = 0; i < dimIn; i++) {
      let acc = x[i];
      for (let j = 0; j <= i; j++) acc += L[i * dimIn + j] * uu[off + j];
      xs[i] = acc;
    }
    if (dimIn === 6) xs[6] = betaNominal * (1 + betaRel * uu[off + 6]);
    const tImp = flyToGround(MODEL, xs, t, maxFlight, hit, WORK);
    if (!Number.isFinite(tImp)) return false;
    out[0] = hit[0];
    out[1] = hit[1];
    out[2] = hit[2];
    out[3] = tImp;
    return true;
  };

  // Impacts: x, y, z, t per sample that came down.
  const impacts = new Float64Array(nSamples * OUT);
  let m = 0;
  let flights = 0;
  let method: "surrogate" | "monte-carlo" = "monte-carlo";
  if ((options.method ?? "auto") === "auto" && nSamples >= SURROGATE_MIN_SAMPLES) {
    const active = new Uint8Array(dimIn);
    for (let j = 0; j < dimIn; j++) for (let i = j; i < dimIn; i++) if (L[i * dimIn + j] !== 0) active[j] = 1;
    let curve: CurveAxis | undefined;
    if (dimIn === 6 && betaRel > 0) {
      // β's own axis: interpolated in ln β over the range the samples drew.
      let uMin = Number.POSITIVE_INFINITY;
      let uMax = Number.NEGATIVE_INFINITY;
      for (let s = 0; s < nSamples; s++) {
        uMin = Math.min(uMin, u[s * D + 6]);
        uMax = Math.max(uMax, u[s * D + 6]);
      }
      curve = {
        g: (v) => Math.log(1 + betaRel * v),
        gInverse: (g) => (Math.exp(g) - 1) / betaRel,
        uMin,
        uMax,
      };
    }
    const fit = fitImpactSurrogate({ n: dimIn, active, curve }, fly);
    if (fit) {
      flights += fit.flights + VALIDATION_FLIGHTS;
      if (validateSurrogate(fit.surrogate, u, nSamples, fly)) {
        for (let s = 0; s < nSamples; s++) fit.surrogate.evaluate(u, s * D, impacts, s * OUT);
        m = nSamples;
        method = "surrogate";
      }
    }
  }
  if (method === "monte-carlo") {
    const one = new Float64Array(OUT);
    for (let s = 0; s < nSamples; s++) {
      flights++;
      if (!fly(u, s * D, one)) continue;
      impacts.set(one, m * OUT);
      m++;
    }
  }
  if (m < Math.max(8, nSamples / 4)) return null;

  // Mean impact: average ECEF, put back on the ellipsoid.
  let mx = 0;
  let my = 0;
  let mz = 0;
  for (let i = 0; i < m; i++) {
    mx += impacts[OUT * i];
    my += impacts[OUT * i + 1];
    mz += impacts[OUT * i + 2];
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
    pt[0] = impacts[OUT * i];
    pt[1] = impacts[OUT * i + 1];
    pt[2] = impacts[OUT * i + 2];
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
  for (let i = 0; i < m; i++) tMean += impacts[OUT * i + 3];
  tMean /= m;
  let tVar = 0;
  for (let i = 0; i < m; i++) tVar += (impacts[OUT * i + 3] - tMean) ** 2;
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
    method,
    flights,
  };
}
