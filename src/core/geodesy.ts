/**
 * WGS84 geodesy: geodetic ↔ ECEF ↔ local ENU / azimuth-elevation-range, and geodesics (shortest paths)
 * on the ellipsoid. Radians and metres throughout; degrees only through `deg2rad` / `rad2deg` at edges.
 *
 * Geodesics follow Karney's formulation ("Algorithms for geodesics", J. Geodesy 87, 2013): the
 * geodesic is mapped to a great circle on the auxiliary sphere, and distance and longitude are
 * integrals along it. Here those integrals are evaluated by Gauss–Legendre quadrature instead of
 * Karney's truncated series (the integrands are analytic and nearly constant, so 16 nodes per
 * quarter circle give round-off accuracy), and the inverse problem finds the start azimuth by a
 * bracketed root search (Brent) on the monotonic longitude function, so it converges for every pair of
 * points, including the near-antipodal ones where Vincenty's iteration fails.
 */

const A = 6378137;
const F = 1 / 298.257223563;
const B = A * (1 - F);
const E2 = F * (2 - F);
const EP2 = E2 / (1 - E2);

/** WGS84 ellipsoid and Earth constants (SI units). */
export const WGS84 = Object.freeze({
  /** semi-major axis, m */
  a: A,
  /** flattening */
  f: F,
  /** semi-minor axis, m */
  b: B,
  /** first eccentricity squared */
  e2: E2,
  /** second eccentricity squared, e²/(1−e²) */
  ep2: EP2,
  /** geocentric gravitational constant (with atmosphere), m³/s² */
  GM: 3.986004418e14,
  /** second zonal harmonic (unnormalised) */
  J2: 1.08262668e-3,
  /** Earth rotation rate, rad/s */
  omega: 7.292115e-5,
});

const TWO_PI = 2 * Math.PI;

export function deg2rad(deg: number): number {
  return (deg * Math.PI) / 180;
}

export function rad2deg(rad: number): number {
  return (rad * 180) / Math.PI;
}

/** Angle wrapped to [0, 2π). */
function wrapTwoPi(x: number): number {
  const r = x % TWO_PI;
  return r < 0 ? r + TWO_PI : r === TWO_PI ? 0 : r;
}

/** Angle wrapped to (−π, π]. */
function wrapPi(x: number): number {
  let r = x % TWO_PI;
  if (r <= -Math.PI) r += TWO_PI;
  else if (r > Math.PI) r -= TWO_PI;
  return r;
}

// ───────────────────────────── ECEF ─────────────────────────────

/** ECEF position (m) of geodetic latitude, longitude (rad) and height above the ellipsoid (m). */
export function geodeticToEcef(
  latRad: number,
  lonRad: number,
  hM: number,
  out = new Float64Array(3),
): Float64Array {
  const sLat = Math.sin(latRad);
  const cLat = Math.cos(latRad);
  const N = A / Math.sqrt(1 - E2 * sLat * sLat);
  out[0] = (N + hM) * cLat * Math.cos(lonRad);
  out[1] = (N + hM) * cLat * Math.sin(lonRad);
  out[2] = (N * (1 - E2) + hM) * sLat;
  return out;
}

/**
 * Geodetic coordinates of an ECEF point, written into out = [lat, lon, h] (rad, rad, m).
 * Fixed-point iteration lat ← atan2(z + e²·N(lat)·sin lat, p), which contracts by a factor of about
 * e²·N/(N+h) ≤ 0.0067 per step: it needs 5–6 steps for round-off accuracy at the surface and fewer
 * higher up, and it has no singularity at the poles (p = 0 gives lat = ±π/2 exactly) or at any
 * altitude above the centre region (|r| ≳ 50 km), which covers everything from the ground to GEO.
 * Height uses h = p·cos lat + z·sin lat − a²/N, which stays well-conditioned at every latitude.
 */
export function ecefToGeodeticInto(x: number, y: number, z: number, out: Float64Array): Float64Array {
  const p = Math.hypot(x, y);
  const lon = p === 0 ? 0 : Math.atan2(y, x);
  let lat = Math.atan2(z, p * (1 - E2));
  for (let i = 0; i < 12; i++) {
    const s = Math.sin(lat);
    const N = A / Math.sqrt(1 - E2 * s * s);
    const next = Math.atan2(z + E2 * N * s, p);
    const done = Math.abs(next - lat) < 1e-15;
    lat = next;
    if (done) break;
  }
  const s = Math.sin(lat);
  const c = Math.cos(lat);
  const N = A / Math.sqrt(1 - E2 * s * s);
  out[0] = lat;
  out[1] = lon;
  out[2] = p * c + z * s - (A * A) / N;
  return out;
}

const geoScratch = new Float64Array(3);

/** Geodetic latitude, longitude (rad) and height (m) of an ECEF point (m). See `ecefToGeodeticInto`. */
export function ecefToGeodetic(x: number, y: number, z: number): { lat: number; lon: number; h: number } {
  ecefToGeodeticInto(x, y, z, geoScratch);
  return { lat: geoScratch[0], lon: geoScratch[1], h: geoScratch[2] };
}

// ───────────────────────────── ENU / AER ─────────────────────────────

/**
 * Rotation from ECEF to the local East-North-Up frame at geodetic (lat, lon): a row-major 3×3 whose
 * rows are the E, N, U unit vectors in ECEF. Its transpose maps ENU back to ECEF.
 */
export function enuMatrix(latRad: number, lonRad: number, out = new Float64Array(9)): Float64Array {
  const sLat = Math.sin(latRad);
  const cLat = Math.cos(latRad);
  const sLon = Math.sin(lonRad);
  const cLon = Math.cos(lonRad);
  out[0] = -sLon;
  out[1] = cLon;
  out[2] = 0;
  out[3] = -sLat * cLon;
  out[4] = -sLat * sLon;
  out[5] = cLat;
  out[6] = cLat * cLon;
  out[7] = cLat * sLon;
  out[8] = sLat;
  return out;
}

/** ENU coordinates of ECEF point p relative to a reference point refEcef at geodetic (lat, lon). */
export function ecefToEnu(
  p: Float64Array,
  refEcef: Float64Array,
  latRad: number,
  lonRad: number,
  out = new Float64Array(3),
): Float64Array {
  const dx = p[0] - refEcef[0];
  const dy = p[1] - refEcef[1];
  const dz = p[2] - refEcef[2];
  const sLat = Math.sin(latRad);
  const cLat = Math.cos(latRad);
  const sLon = Math.sin(lonRad);
  const cLon = Math.cos(lonRad);
  out[0] = -sLon * dx + cLon * dy;
  out[1] = -sLat * cLon * dx - sLat * sLon * dy + cLat * dz;
  out[2] = cLat * cLon * dx + cLat * sLon * dy + sLat * dz;
  return out;
}

/** ECEF point of ENU offsets `enu` from a reference point refEcef at geodetic (lat, lon). */
export function enuToEcef(
  enu: Float64Array,
  refEcef: Float64Array,
  latRad: number,
  lonRad: number,
  out = new Float64Array(3),
): Float64Array {
  const e = enu[0];
  const n = enu[1];
  const u = enu[2];
  const sLat = Math.sin(latRad);
  const cLat = Math.cos(latRad);
  const sLon = Math.sin(lonRad);
  const cLon = Math.cos(lonRad);
  out[0] = refEcef[0] - sLon * e - sLat * cLon * n + cLat * cLon * u;
  out[1] = refEcef[1] + cLon * e - sLat * sLon * n + cLat * sLon * u;
  out[2] = refEcef[2] + cLat * n + sLat * u;
  return out;
}

/**
 * Azimuth (rad, from north clockwise, in [0, 2π)), elevation (rad, in [−π/2, π/2]) and range (m) of a
 * local ENU offset. Straight up or down gives azimuth 0.
 */
export function enuToAer(e: number, n: number, u: number): { az: number; el: number; range: number } {
  const horiz = Math.hypot(e, n);
  return {
    az: horiz === 0 ? 0 : wrapTwoPi(Math.atan2(e, n)),
    el: Math.atan2(u, horiz),
    range: Math.hypot(horiz, u),
  };
}

/** ENU offset of azimuth, elevation (rad) and range (m). */
export function aerToEnu(az: number, el: number, range: number, out = new Float64Array(3)): Float64Array {
  const ce = Math.cos(el);
  out[0] = range * ce * Math.sin(az);
  out[1] = range * ce * Math.cos(az);
  out[2] = range * Math.sin(el);
  return out;
}

const aerScratch = new Float64Array(3);

/** Azimuth, elevation, range of an ECEF target seen from a site at ECEF siteEcef, geodetic (lat, lon). */
export function ecefToAer(
  target: Float64Array,
  siteEcef: Float64Array,
  siteLat: number,
  siteLon: number,
): { az: number; el: number; range: number } {
  ecefToEnu(target, siteEcef, siteLat, siteLon, aerScratch);
  return enuToAer(aerScratch[0], aerScratch[1], aerScratch[2]);
}

// ───────────────────────────── Geodesics ─────────────────────────────

/** Gauss–Legendre nodes and weights on [−1, 1], computed once by Newton's method on P_n. */
const GL_N = 16;
const GL_X = new Float64Array(GL_N);
const GL_W = new Float64Array(GL_N);
(function initGaussLegendre() {
  for (let i = 0; i < GL_N; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (GL_N + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let j = 2; j <= GL_N; j++) {
        const p2 = ((2 * j - 1) * x * p1 - (j - 1) * p0) / j;
        p0 = p1;
        p1 = p2;
      }
      dp = (GL_N * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    GL_X[i] = x;
    GL_W[i] = 2 / ((1 - x * x) * dp * dp);
  }
})();

/** Results of `integrate`: ∫√(1+k²sin²σ)dσ and ∫(2−f)/(1+(1−f)√(1+k²sin²σ))dσ over the interval. */
let intDist = 0;
let intLon = 0;

/**
 * Along the auxiliary great circle from σ=x to σ=y: the distance integral (s = b·intDist, Karney eq. 7)
 * and the longitude-correction integral (λ = ω − f·sin α₀·intLon, eq. 8). Split into pieces of at most
 * a quarter circle so the fixed 16-node rule stays at round-off accuracy for any length.
 */
function integrate(k2: number, x: number, y: number): void {
  const pieces = Math.max(1, Math.ceil(Math.abs(y - x) / (Math.PI / 2)));
  const h = (y - x) / pieces;
  let sd = 0;
  let sl = 0;
  for (let p = 0; p < pieces; p++) {
    const mid = x + (p + 0.5) * h;
    for (let i = 0; i < GL_N; i++) {
      const s = Math.sin(mid + 0.5 * h * GL_X[i]);
      const r = Math.sqrt(1 + k2 * s * s);
      sd += GL_W[i] * r;
      sl += GL_W[i] * ((2 - F) / (1 + (1 - F) * r));
    }
  }
  intDist = 0.5 * h * sd;
  intLon = 0.5 * h * sl;
}

/** Reduced latitude β (tan β = (1−f) tan φ) as (sin β, cos β); cos β is kept ≥ tiny so poles work. */
let sBeta = 0;
let cBeta = 1;
const TINY = Math.sqrt(Number.MIN_VALUE);
function reducedLatitude(lat: number): void {
  const s = (1 - F) * Math.sin(lat);
  const c = Math.max(TINY, Math.cos(lat));
  const r = Math.hypot(s, c);
  sBeta = s / r;
  cBeta = c / r;
}

/** State of the last `inverseLambda` evaluation, reused for the final distance and azimuths. */
const inv = { sig1: 0, sig12: 0, k2: 0, salp0: 0, salp2: 0, calp2: 0 };

/**
 * Longitude difference λ₁₂ reached at latitude β₂ by the geodesic leaving β₁ with azimuth α₁, in the
 * canonical configuration β₁ ≤ 0, |β₂| ≤ |β₁|, α₁ ∈ [0, π] (Karney §4): the geodesic then meets β₂
 * heading north (cos α₂ ≥ 0), and λ₁₂ increases monotonically from 0 to π as α₁ goes from 0 to π.
 */
function inverseLambda(
  sb1: number,
  cb1: number,
  sb2: number,
  cb2: number,
  salp1: number,
  calp1: number,
): number {
  const salp0 = salp1 * cb1;
  const calp0 = Math.hypot(calp1, salp1 * sb1);
  // σ₁ and ω₁ from the equator crossing (Karney eqs. 10–11).
  const ssig1 = sb1;
  const csig1 = calp1 * cb1;
  const somg1 = salp0 * sb1;
  const comg1 = csig1;
  // cos α₂ from Clairaut's relation, in the form that avoids cancellation (Karney eq. 45).
  const salp2 = cb2 !== cb1 ? salp0 / cb2 : salp1;
  const calp2 =
    cb2 !== cb1 || Math.abs(sb2) !== -sb1
      ? Math.sqrt(
          Math.max(
            0,
            (calp1 * cb1) ** 2 + (cb1 < -sb1 ? (cb2 - cb1) * (cb1 + cb2) : (sb1 - sb2) * (sb1 + sb2)),
          ),
        ) / cb2
      : Math.abs(calp1);
  const ssig2 = sb2;
  const csig2 = calp2 * cb2;
  const somg2 = salp0 * sb2;
  const comg2 = csig2;
  // Normalise (σ, ω) pairs; the max(0, ·) keeps σ₁₂, ω₁₂ in [0, π] against round-off.
  const n1 = Math.hypot(ssig1, csig1);
  const n2 = Math.hypot(ssig2, csig2);
  const sig12 = Math.atan2(
    Math.max(0, (csig1 * ssig2 - ssig1 * csig2) / (n1 * n2)),
    (csig1 * csig2 + ssig1 * ssig2) / (n1 * n2),
  );
  const m1 = Math.hypot(somg1, comg1);
  const m2 = Math.hypot(somg2, comg2);
  const omg12 = Math.atan2(
    Math.max(0, (comg1 * somg2 - somg1 * comg2) / (m1 * m2)),
    (comg1 * comg2 + somg1 * somg2) / (m1 * m2),
  );
  const k2 = EP2 * calp0 * calp0;
  const sig1 = Math.atan2(ssig1, csig1);
  integrate(k2, sig1, sig1 + sig12);
  inv.sig1 = sig1;
  inv.sig12 = sig12;
  inv.k2 = k2;
  inv.salp0 = salp0;
  inv.salp2 = salp2;
  inv.calp2 = calp2;
  return omg12 - F * salp0 * intLon;
}

/**
 * Shortest path on the WGS84 ellipsoid between two points (radians): distance (m), forward azimuth at
 * point 1 and forward azimuth at point 2 (direction of travel there), both from north clockwise in
 * [0, 2π). Accurate to well under a millimetre for any pair of points; for exactly antipodal or
 * polar cases, where many shortest paths exist, one of them is returned. Coincident points give
 * distance 0 and azimuths 0. A latitude outside [−π/2, π/2] (usually degrees passed as radians) or
 * non-finite input gives NaN in every field. About 10 evaluations of the longitude integral per call.
 */
export function geodesicInverse(
  lat1: number,
  lon1: number,
  lat2: number,
  lon2: number,
): { distanceM: number; azimuth1: number; azimuth2: number } {
  // Latitudes outside [−π/2, π/2] (a degrees/radians mix-up, typically) and non-finite input give NaN.
  if (!(Math.abs(lat1) <= Math.PI / 2 && Math.abs(lat2) <= Math.PI / 2 && Number.isFinite(lon1 + lon2))) {
    return { distanceM: Number.NaN, azimuth1: Number.NaN, azimuth2: Number.NaN };
  }
  // Canonical configuration (Karney §4): lon12 ∈ [0, π], |lat1| ≥ |lat2|, lat1 ≤ 0.
  let lon12 = wrapPi(lon2 - lon1);
  const lonSign = lon12 < 0 ? -1 : 1;
  lon12 = Math.abs(lon12);
  const swap = Math.abs(lat1) < Math.abs(lat2);
  let la1 = swap ? lat2 : lat1;
  let la2 = swap ? lat1 : lat2;
  const latSign = la1 > 0 ? -1 : 1;
  la1 *= latSign;
  la2 *= latSign;

  reducedLatitude(la1);
  const sb1 = sBeta;
  const cb1 = cBeta;
  reducedLatitude(la2);
  const sb2 = sBeta;
  const cb2 = cBeta;

  let alp1: number; // canonical azimuths
  let alp2: number;
  let s12: number;
  if (la1 === 0 && la2 === 0 && lon12 <= (1 - F) * Math.PI) {
    // Both on the equator and close enough that the equator itself is the shortest path.
    alp1 = Math.PI / 2;
    alp2 = Math.PI / 2;
    s12 = A * lon12;
  } else if (lon12 === 0 && sb1 === sb2 && cb1 === cb2) {
    return { distanceM: 0, azimuth1: 0, azimuth2: 0 };
  } else {
    // Brent's method on g(α₁) = λ₁₂(α₁) − lon12 over the bracket [0, π], where g(0) ≤ 0 ≤ g(π).
    const g = (alp: number) => inverseLambda(sb1, cb1, sb2, cb2, Math.sin(alp), Math.cos(alp)) - lon12;
    let a = 0;
    let b = Math.PI;
    let fa = g(a);
    let fb = g(b);
    if (fa === 0) b = a;
    if (fb === 0 || fa === 0) {
      fb = 0;
    } else {
      let c = a;
      let fc = fa;
      let d = b - a;
      let e = d;
      for (let iter = 0; iter < 200; iter++) {
        if (fb * fc > 0) {
          c = a;
          fc = fa;
          d = b - a;
          e = d;
        }
        if (Math.abs(fc) < Math.abs(fb)) {
          a = b;
          b = c;
          c = a;
          fa = fb;
          fb = fc;
          fc = fa;
        }
        const tol = 2 * Number.EPSILON * Math.abs(b) + 1e-16;
        const m = 0.5 * (c - b);
        if (Math.abs(m) <= tol || fb === 0) break;
        if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
          let p: number;
          let q: number;
          const s = fb / fa;
          if (a === c) {
            p = 2 * m * s;
            q = 1 - s;
          } else {
            const qq = fa / fc;
            const r = fb / fc;
            p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
            q = (qq - 1) * (r - 1) * (s - 1);
          }
          if (p > 0) q = -q;
          else p = -p;
          if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
            e = d;
            d = p / q;
          } else {
            d = m;
            e = m;
          }
        } else {
          d = m;
          e = m;
        }
        a = b;
        fa = fb;
        b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
        fb = g(b);
      }
    }
    // Re-evaluate at the chosen α₁ so `inv` and the integrals describe it.
    g(b);
    alp1 = b;
    alp2 = Math.atan2(inv.salp2, inv.calp2);
    integrate(inv.k2, inv.sig1, inv.sig1 + inv.sig12);
    s12 = B * intDist;
  }

  // Undo the canonical transformations: latitude flip (α → π − α), swap (reverse the path), longitude
  // flip (α → −α). Swapping the ends also reverses the sign of the longitude difference, so a swap
  // without a longitude flip needs the mirror too.
  if (latSign < 0) {
    alp1 = Math.PI - alp1;
    alp2 = Math.PI - alp2;
  }
  if (swap) {
    const t = alp1;
    alp1 = alp2 + Math.PI;
    alp2 = t + Math.PI;
  }
  if (lonSign < 0 !== swap) {
    alp1 = -alp1;
    alp2 = -alp2;
  }
  return { distanceM: s12, azimuth1: wrapTwoPi(alp1), azimuth2: wrapTwoPi(alp2) };
}

/**
 * Point reached from (lat1, lon1) (rad) by travelling distanceM metres along the geodesic leaving with
 * the given azimuth (rad from north clockwise). Returns latitude, longitude (in (−π, π]) and the
 * forward azimuth there (in [0, 2π)). Any distance, including more than half way round. At a pole the
 * azimuth is measured as if lon1 gave the meridian (Karney's convention). Invalid input (latitude
 * outside [−π/2, π/2], non-finite values) gives NaN in every field.
 */
export function geodesicDirect(
  lat1: number,
  lon1: number,
  azimuth: number,
  distanceM: number,
): { lat: number; lon: number; azimuth2: number } {
  if (!(Math.abs(lat1) <= Math.PI / 2 && Number.isFinite(lon1 + azimuth + distanceM))) {
    return { lat: Number.NaN, lon: Number.NaN, azimuth2: Number.NaN };
  }
  reducedLatitude(lat1);
  const sb1 = sBeta;
  const cb1 = cBeta;
  const salp1 = Math.sin(azimuth);
  const calp1 = Math.cos(azimuth);
  const salp0 = salp1 * cb1;
  const calp0 = Math.hypot(calp1, salp1 * sb1);
  const sig1 = Math.atan2(sb1, calp1 * cb1);
  const somg1 = salp0 * sb1;
  const comg1 = calp1 * cb1;
  const k2 = EP2 * calp0 * calp0;

  // Solve b·∫_{σ₁}^{σ₂}√(1+k²sin²σ)dσ = s for σ₂ by Newton; the integrand lies in [1, √(1+k²)], so the
  // first guess is within 0.4 % and three or four steps reach round-off.
  const target = distanceM / B;
  let sig12 = target / Math.sqrt(1 + 0.5 * k2);
  for (let iter = 0; iter < 20; iter++) {
    integrate(k2, sig1, sig1 + sig12);
    const sig2 = sig1 + sig12;
    const deriv = Math.sqrt(1 + k2 * Math.sin(sig2) ** 2);
    const step = (intDist - target) / deriv;
    sig12 -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(sig12))) break;
  }
  integrate(k2, sig1, sig1 + sig12);
  const sig2 = sig1 + sig12;
  const ssig2 = Math.sin(sig2);
  const csig2 = Math.cos(sig2);
  const sb2 = calp0 * ssig2;
  const cb2 = Math.hypot(salp0, calp0 * csig2);
  const salp2 = salp0;
  const calp2 = calp0 * csig2;
  const somg2 = salp0 * ssig2;
  const comg2 = csig2;
  // Unrolled ω₁₂ (Karney §5): σ₁₂ plus the bounded difference between ω and σ at each end, with E the
  // direction of travel in longitude.
  const E = salp0 < 0 || Object.is(salp0, -0) ? -1 : 1;
  const omg12 =
    E *
    (sig12 -
      (Math.atan2(ssig2, csig2) - Math.atan2(sb1, calp1 * cb1)) +
      (Math.atan2(E * somg2, comg2) - Math.atan2(E * somg1, comg1)));
  const lam12 = omg12 - F * salp0 * intLon;
  return {
    lat: Math.atan2(sb2, (1 - F) * cb2),
    lon: wrapPi(lon1 + lam12),
    azimuth2: wrapTwoPi(Math.atan2(salp2, calp2)),
  };
}
