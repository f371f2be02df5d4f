/**
 * Measurement functions h(x) and their Jacobians H = ∂h/∂x for the three detection kinds of
 * src/sensors/detection.ts, on a state whose first six components are ECEF position and velocity
 * (extra components, e.g. a ballistic coefficient, get zero columns):
 *
 * - radar: [range, azimuth, elevation] (+ range rate) of the target seen from `siteEcef`, in the ENU
 *   frame of the geodetic point of the site; azimuth from north clockwise in [0, 2π), elevation
 *   atan2(up, horizontal) (identical to the sensors' asin(up/range)), range rate d·v/|d| with d the
 *   line of sight (fixed sites; the site's own velocity is not in the detection).
 * - ir: [azimuth, elevation] of the line of sight from a satellite at `siteEcef`, in the ENU frame
 *   whose origin is the satellite and whose axes are those of the geodetic point below it.
 * - position: [x, y, z] directly.
 *
 * Azimuth residuals are wrapped to (−π, π] (`measurementResidual`), so a target due north measured at
 * 359.9° against a prediction of 0.1° gives a 0.2° innovation, not 359.8°.
 *
 * The ENU basis of a site is derived from its ECEF position (an iterative geodetic conversion), so a
 * small cache keyed by the site coordinates keeps that off the per-measurement path.
 */
import { ecefToGeodeticInto, enuMatrix } from "../../core/geodesy.ts";
import type { Detection, MeasurementKind } from "../../sensors/detection.ts";

const TWO_PI = 2 * Math.PI;

/** Wraps an angle to (−π, π]. */
export function wrapAngle(a: number): number {
  if (a > -Math.PI && a <= Math.PI) return a;
  a -= TWO_PI * Math.floor((a + Math.PI) / TWO_PI);
  return a <= -Math.PI ? a + TWO_PI : a;
}

/** Index of the azimuth component of a measurement kind (-1: none), the one that wraps. */
export function azimuthIndex(kind: MeasurementKind): number {
  return kind === "radar" ? 1 : kind === "ir" ? 0 : -1;
}

/**
 * Measurement dimension of a detection, or 0 when the kind / length combination is not one this
 * module models (radar 3 or 4, ir 2, position 3).
 */
export function measurementDim(det: Detection): number {
  const m = det.z.length;
  switch (det.kind) {
    case "radar":
      return m === 3 || m === 4 ? m : 0;
    case "ir":
      return m === 2 ? 2 : 0;
    case "position":
      return m === 3 ? 3 : 0;
    default:
      return 0;
  }
}

/** ENU basis (rows E, N, U in ECEF) at the geodetic point of an ECEF site, cached by coordinates. */
const CACHE_SIZE = 16;
const cacheKeys = new Float64Array(3 * CACHE_SIZE).fill(Number.NaN);
const cacheBases = Array.from({ length: CACHE_SIZE }, () => new Float64Array(9));
let cacheNext = 0;
const geo = new Float64Array(3);

export function siteBasis(siteEcef: ArrayLike<number>): Float64Array {
  const sx = siteEcef[0];
  const sy = siteEcef[1];
  const sz = siteEcef[2];
  for (let i = 0; i < CACHE_SIZE; i++) {
    if (cacheKeys[3 * i] === sx && cacheKeys[3 * i + 1] === sy && cacheKeys[3 * i + 2] === sz)
      return cacheBases[i];
  }
  const slot = cacheNext;
  cacheNext = (cacheNext + 1) % CACHE_SIZE;
  ecefToGeodeticInto(sx, sy, sz, geo);
  enuMatrix(geo[0], geo[1], cacheBases[slot]);
  cacheKeys[3 * slot] = sx;
  cacheKeys[3 * slot + 1] = sy;
  cacheKeys[3 * slot + 2] = sz;
  return cacheBases[slot];
}

/** H[row][0..2] = (ge, gn, gu) · B: a gradient in ENU turned into one in ECEF. */
function putEnuGradient(
  H: Float64Array,
  row: number,
  n: number,
  B: Float64Array,
  ge: number,
  gn: number,
  gu: number,
): void {
  const ro = row * n;
  for (let j = 0; j < 3; j++) H[ro + j] = ge * B[j] + gn * B[3 + j] + gu * B[6 + j];
}

/**
 * Angles (and range, range rate) of the state seen from a site. Writes the predicted measurement to
 * zPred and, when H is given, the Jacobian (m × n, row-major; columns beyond 6 set to zero).
 * `withRange`: radar (range first) vs ir (angles only). Returns false at the site itself or straight
 * above it (azimuth undefined), where no finite Jacobian exists.
 */
function angularMeasurement(
  site: ArrayLike<number>,
  x: ArrayLike<number>,
  n: number,
  withRange: boolean,
  withRate: boolean,
  zPred: Float64Array,
  H: Float64Array | null,
): boolean {
  const B = siteBasis(site);
  const dx = x[0] - site[0];
  const dy = x[1] - site[1];
  const dz = x[2] - site[2];
  const e = B[0] * dx + B[1] * dy + B[2] * dz;
  const nn = B[3] * dx + B[4] * dy + B[5] * dz;
  const u = B[6] * dx + B[7] * dy + B[8] * dz;
  const rh2 = e * e + nn * nn;
  const rh = Math.sqrt(rh2);
  const r2 = rh2 + u * u;
  const r = Math.sqrt(r2);
  if (!(rh > 0)) return false;
  let az = Math.atan2(e, nn);
  if (az < 0) az += TWO_PI;
  const el = Math.atan2(u, rh);
  let o = 0;
  if (withRange) zPred[o++] = r;
  zPred[o++] = az;
  zPred[o++] = el;
  let rate = 0;
  if (withRate) {
    rate = (dx * x[3] + dy * x[4] + dz * x[5]) / r;
    zPred[o++] = rate;
  }
  if (!H) return true;
  const m = o;
  H.fill(0, 0, m * n);
  // Gradients with respect to (e, n, u), then chained through enu = B·d: ∂/∂d = (∂/∂enu)·B.
  let row = 0;
  if (withRange) putEnuGradient(H, row++, n, B, e / r, nn / r, u / r);
  putEnuGradient(H, row++, n, B, nn / rh2, -e / rh2, 0);
  const k = u / (r2 * rh);
  putEnuGradient(H, row++, n, B, -e * k, -nn * k, rh / r2);
  if (withRate) {
    // ṙ = d·v/r: ∂/∂p = v/r − ṙ·d/r², ∂/∂v = d/r (ECEF components directly).
    const ro = row * n;
    H[ro] = x[3] / r - (rate * dx) / r2;
    H[ro + 1] = x[4] / r - (rate * dy) / r2;
    H[ro + 2] = x[5] / r - (rate * dz) / r2;
    H[ro + 3] = dx / r;
    H[ro + 4] = dy / r;
    H[ro + 5] = dz / r;
  }
  return true;
}

/**
 * Predicted measurement h(x) for a detection, and optionally its Jacobian H (m × n, row-major) for a
 * state of dimension n ≥ 6 (n ≥ 3 for position-only filters with "position" detections).
 * Returns the measurement dimension m, or 0 when the detection kind is not supported or the geometry
 * is degenerate (target at the site or at its zenith): callers treat 0 as "cannot use".
 */
export function predictMeasurement(
  det: Detection,
  x: ArrayLike<number>,
  n: number,
  zPred: Float64Array,
  H: Float64Array | null,
): number {
  const m = measurementDim(det);
  if (m === 0) return 0;
  switch (det.kind) {
    case "radar":
      if (n < 6 && m === 4) return 0;
      return angularMeasurement(det.siteEcef, x, n, true, m === 4, zPred, H) ? m : 0;
    case "ir":
      return angularMeasurement(det.siteEcef, x, n, false, false, zPred, H) ? 2 : 0;
    case "position":
      zPred[0] = x[0];
      zPred[1] = x[1];
      zPred[2] = x[2];
      if (H) {
        H.fill(0, 0, 3 * n);
        H[0] = 1;
        H[n + 1] = 1;
        H[2 * n + 2] = 1;
      }
      return 3;
    default:
      return 0;
  }
}

/** out = z − zPred with the azimuth component wrapped to (−π, π]. Returns out. */
export function measurementResidual(
  kind: MeasurementKind,
  z: ArrayLike<number>,
  zPred: ArrayLike<number>,
  m: number,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < m; i++) out[i] = z[i] - zPred[i];
  const ia = azimuthIndex(kind);
  if (ia >= 0) out[ia] = wrapAngle(out[ia]);
  return out;
}
