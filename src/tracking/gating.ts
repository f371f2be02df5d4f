/**
 * χ² gating with a spatial pre-filter.
 *
 * A detection is inside a track's gate when the squared Mahalanobis distance of its innovation is at
 * most γ = χ²_m⁻¹(P_G), m the measurement size (P_G = 0.999 by default: a true detection is gated
 * out once in a thousand). Testing every track against every detection costs O(T·D) per scan; the
 * pre-filter makes it about O(T + D):
 *
 * - Each detection that has a Cartesian position (position detections directly, radar detections
 *   converted from range/azimuth/elevation at the site) is hashed into a uniform grid of cubic cells.
 * - Each track is queried with a cube of half-width ρ = 1.05·sqrt(γ·(tr P_pos + v_det)), where
 *   v_det is the largest positional variance trace of a detection in the frame. Because the
 *   Mahalanobis ellipsoid {d : dᵀS⁻¹d ≤ γ} lies inside the ball of radius sqrt(γ·λmax(S)) and
 *   λmax(S) ≤ tr S ≤ tr P_pos + tr R_pos, no detection inside the gate is ever missed for position
 *   measurements (the 5% covers the radar linearisation). Only the few candidates in the cube get the
 *   exact χ² test.
 * - The cell size is twice the geometric mean of the tracks’ ρ, so a typical query touches 1–2³ cells; a
 *   track whose cube would span more than MAX_QUERY_CELLS cells (a fresh track with a huge velocity
 *   prior) scans the detection list instead — same answer, bounded cost.
 * - Detections without a position (angles-only ir) are tested against every track.
 *
 * All buffers grow on demand and are reused: nothing is allocated per scan once warmed up.
 */
import { ecefToGeodeticInto, enuMatrix } from "../core/geodesy.ts";
import type { Detection } from "../sensors/detection.ts";
import { chiSquareQuantile } from "./metrics/chi-square.ts";

/** χ² gate thresholds γ[m] for measurement sizes m = 1..6 at probability pGate. */
export function gateThresholds(pGate: number): Float64Array {
  if (!(pGate > 0 && pGate < 1)) throw new RangeError(`gate probability must be in (0, 1), got ${pGate}`);
  const g = new Float64Array(7);
  for (let m = 1; m <= 6; m++) g[m] = chiSquareQuantile(pGate, m);
  return g;
}

const geo = new Float64Array(3);
const enu = new Float64Array(9);
const cachedSite = new Float64Array(3).fill(Number.NaN);

/**
 * Writes a Cartesian position estimate of the detection into out[o..o+3) and returns the trace of its
 * positional covariance (approximate for radar), or -1 when the detection has no position (ir).
 */
export function detectionPosition(det: Detection, out: Float64Array, o: number): number {
  const z = det.z;
  const R = det.R;
  if (det.kind === "position" && z.length === 3) {
    out[o] = z[0];
    out[o + 1] = z[1];
    out[o + 2] = z[2];
    return R[0] + R[4] + R[8];
  }
  if (det.kind === "radar" && (z.length === 3 || z.length === 4)) {
    const s = det.siteEcef;
    if (s[0] !== cachedSite[0] || s[1] !== cachedSite[1] || s[2] !== cachedSite[2]) {
      ecefToGeodeticInto(s[0], s[1], s[2], geo);
      enuMatrix(geo[0], geo[1], enu);
      cachedSite[0] = s[0];
      cachedSite[1] = s[1];
      cachedSite[2] = s[2];
    }
    const m = z.length;
    const r = z[0];
    const ce = Math.cos(z[2]);
    const e = r * ce * Math.sin(z[1]);
    const n = r * ce * Math.cos(z[1]);
    const u = r * Math.sin(z[2]);
    // ECEF = site + Rᵀ·enu (rows of `enu` are the E, N, U unit vectors).
    out[o] = s[0] + enu[0] * e + enu[3] * n + enu[6] * u;
    out[o + 1] = s[1] + enu[1] * e + enu[4] * n + enu[7] * u;
    out[o + 2] = s[2] + enu[2] * e + enu[5] * n + enu[8] * u;
    return R[0] + r * r * (R[m + 1] * ce * ce + R[2 * m + 2]);
  }
  return -1;
}

const MAX_QUERY_CELLS = 512;

/** Uniform-grid spatial hash over 3-D points; open hashing with head/next index chains. */
export class SpatialGrid {
  private cell = 1;
  private mask = 0;
  private head = new Int32Array(0);
  private next = new Int32Array(0);
  private cx = new Int32Array(0);
  private cy = new Int32Array(0);
  private cz = new Int32Array(0);
  private n = 0;
  /** Indices of indexed points (those with a position), for the brute-force fallback. */
  private all = new Int32Array(0);
  private nAll = 0;

  /**
   * Indexes points i in [0, n) with has[i] ≠ 0, position pos[3i..3i+3), cells of edge `cellSize`.
   */
  build(pos: Float64Array, has: Uint8Array, n: number, cellSize: number): void {
    if (!(cellSize > 0) || !Number.isFinite(cellSize))
      throw new RangeError(`cell size must be positive, got ${cellSize}`);
    this.cell = cellSize;
    let size = 16;
    while (size < 2 * n) size <<= 1;
    if (this.head.length < size) this.head = new Int32Array(size);
    this.mask = size - 1;
    this.head.fill(-1, 0, size);
    if (this.next.length < n) {
      this.next = new Int32Array(n);
      this.cx = new Int32Array(n);
      this.cy = new Int32Array(n);
      this.cz = new Int32Array(n);
      this.all = new Int32Array(n);
    }
    this.n = n;
    this.nAll = 0;
    const inv = 1 / cellSize;
    for (let i = 0; i < n; i++) {
      if (!has[i]) continue;
      const ix = Math.floor(pos[3 * i] * inv);
      const iy = Math.floor(pos[3 * i + 1] * inv);
      const iz = Math.floor(pos[3 * i + 2] * inv);
      this.cx[i] = ix;
      this.cy[i] = iy;
      this.cz[i] = iz;
      const h = this.hash(ix, iy, iz);
      this.next[i] = this.head[h];
      this.head[h] = i;
      this.all[this.nAll++] = i;
    }
  }

  private hash(ix: number, iy: number, iz: number): number {
    return (Math.imul(ix, 73856093) ^ Math.imul(iy, 19349663) ^ Math.imul(iz, 83492791)) & this.mask;
  }

  /**
   * Writes into `out` the indexed points whose cell overlaps the cube centred at (x, y, z) with
   * half-width `radius`; returns how many. `out` must hold at least n entries. Points are listed once.
   */
  query(x: number, y: number, z: number, radius: number, out: Int32Array): number {
    const inv = 1 / this.cell;
    const x0 = Math.floor((x - radius) * inv);
    const x1 = Math.floor((x + radius) * inv);
    const y0 = Math.floor((y - radius) * inv);
    const y1 = Math.floor((y + radius) * inv);
    const z0 = Math.floor((z - radius) * inv);
    const z1 = Math.floor((z + radius) * inv);
    const cells = (x1 - x0 + 1) * (y1 - y0 + 1) * (z1 - z0 + 1);
    if (!(cells <= MAX_QUERY_CELLS)) {
      out.set(this.all.subarray(0, this.nAll));
      return this.nAll;
    }
    let k = 0;
    for (let ix = x0; ix <= x1; ix++) {
      for (let iy = y0; iy <= y1; iy++) {
        for (let iz = z0; iz <= z1; iz++) {
          // A bucket can hold points of other cells (hash collisions): keep only this cell's.
          for (let i = this.head[this.hash(ix, iy, iz)]; i >= 0; i = this.next[i]) {
            if (this.cx[i] === ix && this.cy[i] === iy && this.cz[i] === iz) out[k++] = i;
          }
        }
      }
    }
    return k;
  }

  /** Number of points the grid was built over (indexed or not). */
  get size(): number {
    return this.n;
  }
}
