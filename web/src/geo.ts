/** Small geometry helpers for drawing: ellipses from covariances, sectors, great-circle offsets. */

const R_EARTH = 6_371_008.8;
const RAD = Math.PI / 180;

/** The point at `distM` along azimuth `azDeg` from (lat, lon), on a sphere (fine for drawing). */
export function destination(latDeg: number, lonDeg: number, azDeg: number, distM: number): [number, number] {
  const d = distM / R_EARTH;
  const la1 = latDeg * RAD;
  const lo1 = lonDeg * RAD;
  const az = azDeg * RAD;
  const la2 = Math.asin(Math.sin(la1) * Math.cos(d) + Math.cos(la1) * Math.sin(d) * Math.cos(az));
  const lo2 = lo1 + Math.atan2(Math.sin(az) * Math.sin(d) * Math.cos(la1), Math.cos(d) - Math.sin(la1) * Math.sin(la2));
  return [la2 / RAD, ((((lo2 / RAD + 540) % 360) + 360) % 360) - 180];
}

/** A radar's coverage on the ground as a ring of [lat, lon]: a sector, or a circle when all-round. */
export function coverageRing(lat: number, lon: number, rangeM: number, boresightDeg: number, halfWidthDeg: number): [number, number][] {
  const r = Math.min(rangeM, 3_000_000);
  const ring: [number, number][] = [];
  if (halfWidthDeg >= 179.9) {
    for (let a = 0; a <= 360; a += 5) ring.push(destination(lat, lon, a, r));
    return ring;
  }
  ring.push([lat, lon]);
  const steps = Math.max(4, Math.ceil((2 * halfWidthDeg) / 5));
  for (let i = 0; i <= steps; i++) ring.push(destination(lat, lon, boresightDeg - halfWidthDeg + (2 * halfWidthDeg * i) / steps, r));
  ring.push([lat, lon]);
  return ring;
}

/** Eigen-decomposition of a symmetric 3×3 (Jacobi): values and column eigenvectors (row-major). */
export function symEigen3(a: number[]): { values: number[]; vectors: number[] } {
  const m = a.slice();
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 20; sweep++) {
    const off = m[1] * m[1] + m[2] * m[2] + m[5] * m[5];
    if (off < 1e-18 * (m[0] * m[0] + m[4] * m[4] + m[8] * m[8] + 1e-300)) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      const apq = m[p * 3 + q];
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (m[q * 3 + q] - m[p * 3 + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const mkp = m[k * 3 + p];
        const mkq = m[k * 3 + q];
        m[k * 3 + p] = c * mkp - s * mkq;
        m[k * 3 + q] = s * mkp + c * mkq;
      }
      for (let k = 0; k < 3; k++) {
        const mpk = m[p * 3 + k];
        const mqk = m[q * 3 + k];
        m[p * 3 + k] = c * mpk - s * mqk;
        m[q * 3 + k] = s * mpk + c * mqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p];
        const vkq = v[k * 3 + q];
        v[k * 3 + p] = c * vkp - s * vkq;
        v[k * 3 + q] = s * vkp + c * vkq;
      }
    }
  }
  return { values: [m[0], m[4], m[8]], vectors: v };
}

/** Full ENU covariance from the wire's upper triangle [ee, en, eu, nn, nu, uu]. */
export function covFull(c: readonly number[]): number[] {
  return [c[0], c[1], c[2], c[1], c[3], c[4], c[2], c[4], c[5]];
}

/** Horizontal 1-σ ellipse: semi-axes (m) and azimuth of the major axis (deg from north). */
export function horizontalEllipse(c: readonly number[]): { a: number; b: number; azDeg: number } {
  const ee = c[0];
  const en = c[1];
  const nn = c[3];
  const tr = ee + nn;
  const det = ee * nn - en * en;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = tr / 2 + disc;
  const l2 = Math.max(0, tr / 2 - disc);
  // Eigenvector of l1: (en, l1 − ee) in (east, north).
  const e = Math.abs(en) > 1e-9 ? en : l1 - nn;
  const n = Math.abs(en) > 1e-9 ? l1 - ee : l1 - ee;
  const azDeg = Math.abs(en) > 1e-9 ? (Math.atan2(e, n) * 180) / Math.PI : ee >= nn ? 90 : 0;
  return { a: Math.sqrt(l1), b: Math.sqrt(l2), azDeg };
}

/** Mean 3-D position σ, km, for the table. */
export function sigmaKm(c: readonly number[]): number {
  return Math.sqrt(Math.max(0, (c[0] + c[3] + c[5]) / 3)) / 1000;
}
