/**
 * Generic (extended) Kalman measurement step for any state whose first six entries are ECEF (or
 * local Cartesian) position and velocity — the layout every TrackFilter uses. Handles the three
 * detection kinds of src/sensors/detection.ts:
 *
 * - "position": z = [x, y, z], linear (H = [I 0]).
 * - "radar": z = [range, az, el(, rangeRate)] in the ENU frame at the site (geodetic normal of the
 *   site's ECEF position). EKF linearisation at the predicted state; the azimuth innovation is
 *   wrapped to (−π, π].
 * - "ir": z = [az, el] of the line of sight from a satellite, ENU frame at the sub-satellite point.
 *
 * This is the slow, general path (dense matrices, n up to 9). The CV filter has its own allocation-
 * free fast path for position measurements; everything else comes here. Nothing is allocated per
 * call: scratch buffers are module-level (JavaScript is single-threaded and nothing here calls back).
 */
import { ecefToGeodeticInto, enuMatrix } from "../../core/geodesy.ts";
import { cholesky, logDetFromCholesky, symmetrize } from "../../core/matrix.ts";
import type { Detection } from "../../sensors/detection.ts";

const MAX_N = 12;
const MAX_M = 4;
const hBuf = new Float64Array(MAX_M * MAX_N);
const zPred = new Float64Array(MAX_M);
const nu = new Float64Array(MAX_M);
const S = new Float64Array(MAX_M * MAX_M);
const L = new Float64Array(MAX_M * MAX_M);
const PHt = new Float64Array(MAX_N * MAX_M);
const K = new Float64Array(MAX_N * MAX_M);
const A = new Float64Array(MAX_N * MAX_N);
const T = new Float64Array(MAX_N * MAX_N);
const y = new Float64Array(MAX_M);
const geo = new Float64Array(3);

// One-entry cache of the site's ENU rotation: a radar's site does not move, and geodetic conversion
// is iterative, so recomputing it for every detection would dominate the EKF cost.
const enu = new Float64Array(9);
const cachedSite = new Float64Array(3).fill(Number.NaN);

function siteRotation(site: Float64Array): Float64Array {
  if (site[0] !== cachedSite[0] || site[1] !== cachedSite[1] || site[2] !== cachedSite[2]) {
    ecefToGeodeticInto(site[0], site[1], site[2], geo);
    enuMatrix(geo[0], geo[1], enu);
    cachedSite[0] = site[0];
    cachedSite[1] = site[1];
    cachedSite[2] = site[2];
  }
  return enu;
}

function wrapPi(a: number): number {
  a = a % (2 * Math.PI);
  if (a > Math.PI) a -= 2 * Math.PI;
  else if (a <= -Math.PI) a += 2 * Math.PI;
  return a;
}

/**
 * Fills zPred (m) and H (m×n) for `det` at state x (dimension n). Returns m, or 0 when the kind or
 * its size is not supported or the geometry is degenerate (target at the site).
 */
export function measurementModel(
  det: Detection,
  x: Float64Array,
  n: number,
  zOut: Float64Array,
  H: Float64Array,
): number {
  const m = det.z.length;
  if (det.kind === "position") {
    if (m !== 3) return 0;
    H.fill(0, 0, 3 * n);
    for (let i = 0; i < 3; i++) {
      zOut[i] = x[i];
      H[i * n + i] = 1;
    }
    return 3;
  }
  if (det.kind !== "radar" && det.kind !== "ir") return 0;
  if (det.kind === "radar" && m !== 3 && m !== 4) return 0;
  if (det.kind === "ir" && m !== 2) return 0;
  const R = siteRotation(det.siteEcef);
  const dx = x[0] - det.siteEcef[0];
  const dy = x[1] - det.siteEcef[1];
  const dz = x[2] - det.siteEcef[2];
  const e = R[0] * dx + R[1] * dy + R[2] * dz;
  const nn = R[3] * dx + R[4] * dy + R[5] * dz;
  const u = R[6] * dx + R[7] * dy + R[8] * dz;
  const rh2 = e * e + nn * nn;
  const rh = Math.sqrt(rh2);
  const r2 = rh2 + u * u;
  const r = Math.sqrt(r2);
  if (!(rh > 0)) return 0;
  const az = Math.atan2(e, nn);
  const el = Math.atan2(u, rh);
  // Derivatives in ENU, then rotated to ECEF: ∂/∂p_ecef = (∂/∂enu)·R.
  const dAz0 = nn / rh2;
  const dAz1 = -e / rh2;
  const dEl0 = (-e * u) / (r2 * rh);
  const dEl1 = (-nn * u) / (r2 * rh);
  const dEl2 = rh / r2;
  H.fill(0, 0, m * n);
  let row = 0;
  if (det.kind === "radar") {
    zOut[0] = r;
    for (let j = 0; j < 3; j++) H[j] = (e * R[j] + nn * R[3 + j] + u * R[6 + j]) / r;
    row = 1;
  }
  zOut[row] = az;
  zOut[row + 1] = el;
  for (let j = 0; j < 3; j++) {
    H[row * n + j] = dAz0 * R[j] + dAz1 * R[3 + j];
    H[(row + 1) * n + j] = dEl0 * R[j] + dEl1 * R[3 + j] + dEl2 * R[6 + j];
  }
  if (m === 4) {
    // Range rate = (p − s)·v / r, with the site fixed in ECEF.
    const vx = x[3];
    const vy = x[4];
    const vz = x[5];
    const rr = (dx * vx + dy * vy + dz * vz) / r;
    zOut[3] = rr;
    H[3 * n + 0] = vx / r - (rr * dx) / r2;
    H[3 * n + 1] = vy / r - (rr * dy) / r2;
    H[3 * n + 2] = vz / r - (rr * dz) / r2;
    H[3 * n + 3] = dx / r;
    H[3 * n + 4] = dy / r;
    H[3 * n + 5] = dz / r;
  }
  return m;
}

/** Innovation ν = z − h(x), angles wrapped; returns m or 0 (unsupported). Leaves H in hBuf and S in S. */
function innovation(det: Detection, x: Float64Array, P: Float64Array, n: number): number {
  const m = measurementModel(det, x, n, zPred, hBuf);
  if (m === 0) return 0;
  for (let i = 0; i < m; i++) nu[i] = det.z[i] - zPred[i];
  if (det.kind === "radar") nu[1] = wrapPi(nu[1]);
  else if (det.kind === "ir") nu[0] = wrapPi(nu[0]);
  // PHᵀ (n×m), then S = H·PHᵀ + R (m×m).
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += P[i * n + j] * hBuf[k * n + j];
      PHt[i * m + k] = s;
    }
  }
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = det.R[a * m + b];
      for (let j = 0; j < n; j++) s += hBuf[a * n + j] * PHt[j * m + b];
      S[a * m + b] = s;
    }
  }
  symmetrize(S, m);
  return m;
}

/** Result slots of the last `gateGeneric` call (avoids allocating a result object). */
export const lastGate = { d2: 0, logDetS: 0 };

/**
 * Squared Mahalanobis distance of det's innovation at (x, P); Infinity when unsupported or S not SPD.
 * Also leaves ln|S| in `lastGate.logDetS`.
 */
export function gateGeneric(det: Detection, x: Float64Array, P: Float64Array, n: number): number {
  const m = innovation(det, x, P, n);
  if (m === 0 || !cholesky(S, m, L)) {
    lastGate.d2 = Number.POSITIVE_INFINITY;
    lastGate.logDetS = 0;
    return Number.POSITIVE_INFINITY;
  }
  let d2 = 0;
  for (let i = 0; i < m; i++) {
    let s = nu[i];
    for (let p = 0; p < i; p++) s -= L[i * m + p] * y[p];
    y[i] = s / L[i * m + i];
    d2 += y[i] * y[i];
  }
  lastGate.d2 = d2;
  lastGate.logDetS = logDetFromCholesky(L, m);
  return d2;
}

/**
 * EKF update of (x, P) in place with det, Joseph form: P ← (I−KH)P(I−KH)ᵀ + KRKᵀ. Returns false (and
 * changes nothing) when the kind is unsupported or S is not positive definite.
 */
export function updateGeneric(det: Detection, x: Float64Array, P: Float64Array, n: number): boolean {
  const m = innovation(det, x, P, n);
  if (m === 0 || !cholesky(S, m, L)) return false;
  // K = PHᵀ S⁻¹: solve S Kᵀ = (PHᵀ)ᵀ column by column (each row i of K).
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < m; a++) {
      let s = PHt[i * m + a];
      for (let p = 0; p < a; p++) s -= L[a * m + p] * y[p];
      y[a] = s / L[a * m + a];
    }
    for (let a = m - 1; a >= 0; a--) {
      let s = y[a];
      for (let p = a + 1; p < m; p++) s -= L[p * m + a] * K[i * m + p];
      K[i * m + a] = s / L[a * m + a];
    }
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < m; a++) s += K[i * m + a] * nu[a];
    x[i] += s;
  }
  // Joseph form: A = I − KH; P ← A P Aᵀ + K R Kᵀ.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let a = 0; a < m; a++) s += K[i * m + a] * hBuf[a * n + j];
      A[i * n + j] = (i === j ? 1 : 0) - s;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += A[i * n + p] * P[p * n + j];
      T[i * n + j] = s;
    }
  }
  const R = det.R;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += T[i * n + p] * A[j * n + p];
      for (let a = 0; a < m; a++) {
        let kr = 0;
        for (let b = 0; b < m; b++) kr += K[i * m + b] * R[b * m + a];
        s += kr * K[j * m + a];
      }
      P[i * n + j] = s;
      P[j * n + i] = s;
    }
  }
  return true;
}
