/**
 * Launch detection from space infrared: two or more satellites' angles-only detections of burning
 * boosters → triangulated boost-phase positions → a boost-phase track → estimated launch point and
 * launch time.
 *
 * 1. Line of sight. An "ir" detection (src/sensors/detection.ts) is z = [az, el] in the ENU frame at
 *    the satellite (axes of the geodetic point below it). Its direction in ECEF is Eᵀ·[cos el sin az,
 *    cos el cos az, sin el], E the ENU rotation; its angular σ is √R[el,el] (the sensor's noise is
 *    isotropic on the sphere of directions).
 * 2. Triangulation (least-squares intersection). With unit directions uᵢ from satellite positions sᵢ,
 *    the point p minimising Σ wᵢ·|(I − uᵢuᵢᵀ)(p − sᵢ)|² (weighted squared perpendicular distances to the
 *    lines) solves A·p = Σ wᵢ(I − uᵢuᵢᵀ)sᵢ with A = Σ wᵢ(I − uᵢuᵢᵀ). With wᵢ = 1/(σᵢ·rᵢ)², rᵢ = |p − sᵢ|,
 *    each term is the Fisher information of one bearing (cross-range σ = σᵢ·rᵢ), so A⁻¹ is the position
 *    covariance. rᵢ depends on p: solved twice (first with rᵢ = |sᵢ|, then with the first solution).
 * 3. Association (several boosters at once): detections of the two satellites with most detections
 *    are paired by optimal assignment on the normalised miss distance of their lines (χ²₁ gate); each
 *    other satellite's detections join a pair when their line passes within the same gate of it.
 *    Frames are combined when their times agree within `syncToleranceS` (the satellites' scans are
 *    assumed synchronised, as SBIRS-like scanners on a common schedule are; asynchronous frames are
 *    not interpolated).
 * 4. Track: the triangulated positions, with their covariances as R, feed a TrackManager of
 *    constant-acceleration Kalman filters (boost = accelerating), M-of-N confirmed.
 * 5. Launch point and time, by back-propagation to the ground. A booster starts from rest on the
 *    ground, so its height above the launch site h(t) and its rate are both zero at launch t₀: h has a
 *    double root at t₀. Over the early boost h(t) = c₂(t − t₀)² + c₃(t − t₀)³ (constant plus linearly
 *    growing acceleration, which covers the rising thrust-to-weight of a burning stage). For a trial t₀
 *    the fit is linear in (c₂, c₃); t₀ minimises the weighted residual among fits whose upward
 *    acceleration stays positive (1 s grid, then golden-section refinement: the residual has other,
 *    unphysical minima far earlier). The
 *    horizontal position also starts at rest: each of east(t), north(t) in the ENU frame of the first
 *    point is fitted as e₀ + d₂(t − t₀)² + d₃(t − t₀)³ with the t₀ found, and (e₀, n₀) is the launch
 *    point (converted to latitude and longitude on the ellipsoid, at the assumed ground height).
 *    Only the first `fitWindowS` seconds of observations are used (the model is an early-boost one).
 */
import { ecefToGeodeticInto, enuMatrix, enuToEcef, geodeticToEcef } from "../core/geodesy.ts";
import { cholesky, spdInverse } from "../core/matrix.ts";
import type { Detection } from "../sensors/detection.ts";
import { AssignmentSolver } from "./assignment.ts";
import { CaKalmanFilter } from "./filters/ca-kalman.ts";
import { type Track, TrackManager } from "./track-manager.ts";

export interface LineOfSight {
  readonly t: number;
  readonly sensorId: string;
  readonly detectionId: string;
  /** Satellite position, ECEF m. */
  readonly origin: Float64Array;
  /** Unit direction, ECEF. */
  readonly dir: Float64Array;
  /** Angular σ, rad. */
  readonly sigmaRad: number;
}

const geo = new Float64Array(3);
const rot = new Float64Array(9);

/** The line of sight of an "ir" detection. Throws RangeError for other kinds. */
export function lineOfSight(det: Detection): LineOfSight {
  if (det.kind !== "ir" || det.z.length !== 2)
    throw new RangeError(`detection ${det.id} is not an ir detection`);
  const s = det.siteEcef;
  ecefToGeodeticInto(s[0], s[1], s[2], geo);
  enuMatrix(geo[0], geo[1], rot);
  const az = det.z[0];
  const el = det.z[1];
  const e = Math.cos(el) * Math.sin(az);
  const n = Math.cos(el) * Math.cos(az);
  const u = Math.sin(el);
  const dir = Float64Array.from([
    rot[0] * e + rot[3] * n + rot[6] * u,
    rot[1] * e + rot[4] * n + rot[7] * u,
    rot[2] * e + rot[5] * n + rot[8] * u,
  ]);
  return {
    t: det.t,
    sensorId: det.sensorId,
    detectionId: det.id,
    origin: Float64Array.from(s),
    dir,
    sigmaRad: Math.sqrt(det.R[3]),
  };
}

export interface Triangulation {
  readonly t: number;
  /** ECEF position, m. */
  readonly pos: Float64Array;
  /** 3×3 covariance, m². */
  readonly cov: Float64Array;
  /** Σ of squared normalised miss distances (≈ χ² with 2·lines − 3 dof). */
  readonly chi2: number;
  readonly lines: readonly LineOfSight[];
}

/**
 * Least-squares intersection of two or more lines of sight (see the file header). Returns null when
 * the geometry is degenerate (parallel lines).
 */
export function triangulate(lines: readonly LineOfSight[]): Triangulation | null {
  if (lines.length < 2) return null;
  const A = new Float64Array(9);
  const b = new Float64Array(3);
  const p = new Float64Array(3);
  const cov = new Float64Array(9);
  const L = new Float64Array(9);
  const ranges = lines.map((l) => Math.hypot(l.origin[0], l.origin[1], l.origin[2]));
  for (let pass = 0; pass < 3; pass++) {
    A.fill(0);
    b.fill(0);
    lines.forEach((l, i) => {
      const w = 1 / (l.sigmaRad * ranges[i]) ** 2;
      const u = l.dir;
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) {
          const m = w * ((r === c ? 1 : 0) - u[r] * u[c]);
          A[r * 3 + c] += m;
          b[r] += m * l.origin[c];
        }
      }
    });
    if (!cholesky(A, 3, L)) return null;
    if (!spdInverse(A, 3, cov)) return null;
    for (let r = 0; r < 3; r++) p[r] = cov[r * 3] * b[0] + cov[r * 3 + 1] * b[1] + cov[r * 3 + 2] * b[2];
    lines.forEach((l, i) => {
      ranges[i] = Math.hypot(p[0] - l.origin[0], p[1] - l.origin[1], p[2] - l.origin[2]);
    });
  }
  // Condition check: a near-singular A (lines almost parallel) gives a useless point.
  const minDiag = Math.min(L[0], L[4], L[8]);
  if (!(minDiag > 0)) return null;
  let chi2 = 0;
  lines.forEach((l, i) => {
    const m = missDistance(l, p);
    chi2 += (m / (l.sigmaRad * ranges[i])) ** 2;
  });
  return { t: lines[0].t, pos: p, cov, chi2, lines };
}

/** Perpendicular distance from point p to the line of sight, m. */
export function missDistance(l: LineOfSight, p: ArrayLike<number>): number {
  const dx = p[0] - l.origin[0];
  const dy = p[1] - l.origin[1];
  const dz = p[2] - l.origin[2];
  // |d × u| rather than √(|d|² − (d·u)²): the latter cancels catastrophically at GEO ranges.
  const u = l.dir;
  const cx = dy * u[2] - dz * u[1];
  const cy = dz * u[0] - dx * u[2];
  const cz = dx * u[1] - dy * u[0];
  return Math.sqrt(cx * cx + cy * cy + cz * cz);
}

/** χ²₁ at 99.9 %: gate on a normalised miss distance. */
const MISS_GATE = 10.83;

const solver = new AssignmentSolver();

/**
 * Associates simultaneous ir detections of several satellites (one frame time) into booster
 * positions. Detections whose line is not matched by another satellite's are left out.
 */
export function triangulateFrame(dets: readonly Detection[]): Triangulation[] {
  const bySensor = new Map<string, LineOfSight[]>();
  for (const d of dets) {
    if (d.kind !== "ir") continue;
    const l = lineOfSight(d);
    const list = bySensor.get(d.sensorId);
    if (list) list.push(l);
    else bySensor.set(d.sensorId, [l]);
  }
  const sensors = [...bySensor.values()].sort((a, b) => b.length - a.length);
  if (sensors.length < 2) return [];
  const [sa, sb] = sensors;
  // Pair cost: normalised squared miss distance of the two-line triangulation.
  const cost = new Float64Array(sa.length * sb.length);
  const pairs: (Triangulation | null)[] = new Array(cost.length).fill(null);
  for (let i = 0; i < sa.length; i++) {
    for (let j = 0; j < sb.length; j++) {
      const tri = triangulate([sa[i], sb[j]]);
      const k = i * sb.length + j;
      pairs[k] = tri;
      // Two lines, three unknowns: the residual has one degree of freedom.
      cost[k] = tri && tri.chi2 <= MISS_GATE ? tri.chi2 : Number.POSITIVE_INFINITY;
    }
  }
  const { rowToCol } = solver.solve(cost, sa.length, sb.length);
  const out: Triangulation[] = [];
  for (let i = 0; i < sa.length; i++) {
    const j = rowToCol[i];
    if (j < 0) continue;
    let tri = pairs[i * sb.length + j]!;
    for (const others of sensors.slice(2)) {
      let best = -1;
      let bestD = MISS_GATE;
      others.forEach((l, k) => {
        const r = Math.hypot(tri.pos[0] - l.origin[0], tri.pos[1] - l.origin[1], tri.pos[2] - l.origin[2]);
        const d = (missDistance(l, tri.pos) / (l.sigmaRad * r)) ** 2;
        if (d < bestD) {
          bestD = d;
          best = k;
        }
      });
      if (best >= 0) {
        const more = triangulate([...tri.lines, others[best]]);
        if (more) tri = more;
        others.splice(best, 1);
      }
    }
    out.push(tri);
  }
  return out;
}

export interface LaunchEstimate {
  /** Estimated launch time, s since epoch. */
  tLaunch: number;
  latRad: number;
  lonRad: number;
  /** ECEF launch point at the assumed ground height. */
  ecef: Float64Array;
  /** Weighted RMS residual of the height fit, m. */
  heightResidualM: number;
  /** Points used. */
  points: number;
}

export interface LaunchFitOptions {
  /** Assumed height of the launch site above the ellipsoid, m (default 0). */
  groundHeightM?: number;
  /** Use only observations within this many seconds of the first (default 90 s). */
  fitWindowS?: number;
  /** Search launch times up to this long before the first observation (default 300 s). */
  maxLookbackS?: number;
}

/** Weighted linear least squares for a 2- or 3-column design; returns coefficients and weighted SSR. */
function wls(cols: number[][], y: number[], w: number[]): { coef: number[]; ssr: number } | null {
  const k = cols.length;
  const N = new Float64Array(k * k);
  const r = new Float64Array(k);
  for (let i = 0; i < y.length; i++) {
    for (let a = 0; a < k; a++) {
      r[a] += w[i] * cols[a][i] * y[i];
      for (let b = 0; b < k; b++) N[a * k + b] += w[i] * cols[a][i] * cols[b][i];
    }
  }
  const inv = new Float64Array(k * k);
  if (!spdInverse(N, k, inv)) return null;
  const coef = Array.from({ length: k }, (_, a) => {
    let s = 0;
    for (let b = 0; b < k; b++) s += inv[a * k + b] * r[b];
    return s;
  });
  let ssr = 0;
  for (let i = 0; i < y.length; i++) {
    let f = 0;
    for (let a = 0; a < k; a++) f += coef[a] * cols[a][i];
    ssr += w[i] * (y[i] - f) ** 2;
  }
  return { coef, ssr };
}

/**
 * Launch time and point from boost-phase positions (ECEF, with covariances), by the double-root
 * back-propagation described in the file header. Needs at least 4 points; null when the fit fails.
 */
export function estimateLaunch(
  points: readonly { t: number; pos: ArrayLike<number>; cov: ArrayLike<number> }[],
  options: LaunchFitOptions = {},
): LaunchEstimate | null {
  const groundH = options.groundHeightM ?? 0;
  const windowS = options.fitWindowS ?? 90;
  const lookback = options.maxLookbackS ?? 300;
  const sorted = [...points].sort((a, b) => a.t - b.t);
  if (sorted.length === 0) return null;
  const tFirst = sorted[0].t;
  const used = sorted.filter((p) => p.t <= tFirst + windowS);
  if (used.length < 4) return null;
  // Local ENU frame at the ground point below the first observation.
  const g = new Float64Array(3);
  ecefToGeodeticInto(used[0].pos[0], used[0].pos[1], used[0].pos[2], g);
  const lat0 = g[0];
  const lon0 = g[1];
  const E = enuMatrix(lat0, lon0);
  const ref = geodeticToEcef(lat0, lon0, groundH);
  const ts: number[] = [];
  const hs: number[] = [];
  const es: number[] = [];
  const ns: number[] = [];
  const wh: number[] = [];
  const we: number[] = [];
  const wn: number[] = [];
  for (const p of used) {
    ecefToGeodeticInto(p.pos[0], p.pos[1], p.pos[2], g);
    const d = [p.pos[0] - ref[0], p.pos[1] - ref[1], p.pos[2] - ref[2]];
    const e = E[0] * d[0] + E[1] * d[1] + E[2] * d[2];
    const n = E[3] * d[0] + E[4] * d[1] + E[5] * d[2];
    // Variances along E, N, U: eᵀ·C·e for each axis row.
    const v = [0, 1, 2].map((row) => {
      let s = 0;
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) s += E[row * 3 + i] * p.cov[i * 3 + j] * E[row * 3 + j];
      return s;
    });
    ts.push(p.t);
    hs.push(g[2] - groundH);
    es.push(e);
    ns.push(n);
    we.push(1 / v[0]);
    wn.push(1 / v[1]);
    wh.push(1 / v[2]);
  }
  const fitH = (t0: number) => {
    const t2 = ts.map((t) => (t - t0) ** 2);
    const t3 = ts.map((t) => (t - t0) ** 3);
    return wls([t2, t3], hs, wh);
  };
  // The residual over t0 is not unimodal (a much earlier t0 with a compensating cubic term can fit
  // nearly as well), so: physically admissible fits only (upward acceleration h'' = 2c₂ + 6c₃τ > 0 over
  // the whole window: a boost accelerates), a 1 s grid over [tFirst − lookback, tFirst), then a
  // golden-section refinement inside the best grid cell.
  const tLast = ts[ts.length - 1];
  const ssr = (t0: number) => {
    const f = fitH(t0);
    if (!f) return Number.POSITIVE_INFINITY;
    const [c2, c3] = f.coef;
    if (!(c2 > 0 && 2 * c2 + 6 * c3 * (tLast - t0) > 0)) return Number.POSITIVE_INFINITY;
    return f.ssr;
  };
  let bestT = Number.NaN;
  let bestF = Number.POSITIVE_INFINITY;
  for (let t = tFirst - lookback; t < tFirst; t += 1) {
    const f = ssr(t);
    if (f < bestF) {
      bestF = f;
      bestT = t;
    }
  }
  if (!Number.isFinite(bestF)) return null;
  let lo = Math.max(tFirst - lookback, bestT - 1);
  let hi = Math.min(tFirst - 1e-3, bestT + 1);
  const phi = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - phi * (hi - lo);
  let x2 = lo + phi * (hi - lo);
  let f1 = ssr(x1);
  let f2 = ssr(x2);
  for (let it = 0; it < 60 && hi - lo > 1e-3; it++) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - phi * (hi - lo);
      f1 = ssr(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + phi * (hi - lo);
      f2 = ssr(x2);
    }
  }
  const t0 = (lo + hi) / 2;
  const h = fitH(t0);
  if (!h) return null;
  const one = ts.map(() => 1);
  const t2 = ts.map((t) => (t - t0) ** 2);
  const t3 = ts.map((t) => (t - t0) ** 3);
  const fe = wls([one, t2, t3], es, we);
  const fn = wls([one, t2, t3], ns, wn);
  if (!fe || !fn) return null;
  const ecef = enuToEcef(Float64Array.from([fe.coef[0], fn.coef[0], 0]), ref, lat0, lon0);
  ecefToGeodeticInto(ecef[0], ecef[1], ecef[2], g);
  // Put the point back exactly at the assumed ground height.
  const ground = geodeticToEcef(g[0], g[1], groundH);
  let wsum = 0;
  for (const w of wh) wsum += w;
  return {
    tLaunch: t0,
    latRad: g[0],
    lonRad: g[1],
    ecef: ground,
    heightResidualM: Math.sqrt(h.ssr / wsum),
    points: used.length,
  };
}

export interface IrLaunchDetectorOptions {
  /** Frames of different satellites within this time are triangulated together, s (default 0.05). */
  syncToleranceS?: number;
  /** Jerk PSD of the boost-phase CA filter, m²/s⁵ (default 10). */
  q?: number;
  /** Velocity and acceleration prior σ of a new boost track (defaults 500 m/s, 50 m/s²). */
  velocitySigma?: number;
  accelerationSigma?: number;
  launchFit?: LaunchFitOptions;
}

/** A boost-phase track with its triangulated points and launch estimate. */
export interface BoostTrack {
  readonly track: Track;
  readonly points: Triangulation[];
  launch: LaunchEstimate | null;
}

/**
 * The pipeline: ir detections (all satellites, any order within a frame time) → triangulation →
 * boost-phase tracks → launch estimates. Feed frames in time order with `processFrame`.
 */
export class IrLaunchDetector {
  readonly manager: TrackManager;
  private readonly points = new Map<number, Triangulation[]>();
  private readonly byDetection = new Map<string, Triangulation>();
  private readonly o: Required<Omit<IrLaunchDetectorOptions, "launchFit">> & { launchFit: LaunchFitOptions };
  private pending: Detection[] = [];

  constructor(options: IrLaunchDetectorOptions = {}) {
    this.o = {
      syncToleranceS: 0.05,
      q: 10,
      velocitySigma: 500,
      accelerationSigma: 50,
      launchFit: {},
      ...options,
    };
    this.manager = new TrackManager({
      filterFactory: (det) =>
        CaKalmanFilter.fromPosition(det, this.o.q, this.o.velocitySigma, this.o.accelerationSigma),
      confirmM: 3,
      confirmN: 4,
      maxMisses: 3,
      maxPositionSigma: Number.POSITIVE_INFINITY,
      onUpdate: (tr, det) => {
        const tri = this.byDetection.get(det.id);
        if (!tri) return;
        const list = this.points.get(tr.id);
        if (list) list.push(tri);
        else this.points.set(tr.id, [tri]);
      },
    });
  }

  /** Adds ir detections of one scan time (from any number of satellites); processes earlier groups. */
  ingest(dets: readonly Detection[]): void {
    for (const d of dets) if (d.kind === "ir") this.pending.push(d);
  }

  /** Triangulates and tracks everything ingested so far, grouping detections by time. */
  flush(): void {
    const dets = this.pending.sort((a, b) => a.t - b.t);
    this.pending = [];
    let i = 0;
    while (i < dets.length) {
      let j = i + 1;
      while (j < dets.length && dets[j].t - dets[i].t <= this.o.syncToleranceS) j++;
      const tris = triangulateFrame(dets.slice(i, j));
      if (tris.length > 0) {
        const t = tris[0].t;
        const frame: Detection[] = tris.map((tri, k) => {
          const id = `tri:${t}:${k}`;
          this.byDetection.set(id, tri);
          return {
            id,
            t,
            tReport: t,
            sensorId: "ir-triangulation",
            nation: "USA",
            kind: "position",
            siteEcef: tri.pos,
            z: tri.pos,
            R: tri.cov,
          } satisfies Detection;
        });
        this.manager.processFrame(frame);
      }
      i = j;
    }
  }

  /** Confirmed boost tracks with their launch estimates (recomputed from all points so far). */
  boostTracks(): BoostTrack[] {
    return this.manager.confirmedTracks().map((track) => {
      const points = this.points.get(track.id) ?? [];
      return { track, points, launch: estimateLaunch(points, this.o.launchFit) };
    });
  }
}
