/**
 * A dropped system track kept as a "coasting" candidate: the object it followed may only have left
 * every radar's coverage (a lofted ICBM climbs out of all of them for over an hour) or a radar may
 * have lost and re-initiated its track, and a new track that continues the flight should take the old
 * system track number back instead of starting a new one.
 *
 * Flight during the gap. Above the atmosphere the object flies ballistically: the flight is fixed by
 * the state at the drop up to gravity (J2) and Earth rotation. A candidate could be carried forward to
 * every new report's time and compared state against state — but over a long gap that comparison is
 * useless. Measured on the lofted ICBM (scenarios/icbm-2024-10-31.yaml), from the last ascent estimate
 * (330 s after launch, 1,340 km up, velocity σ ≈ 300 m/s) to the reentry track 80 minutes later:
 * carried forward linearly (Φ P Φᵀ with the tracker's model) the true reentry lies at d² ≈ 29,000
 * (2,650 km along track, almost all of it time-of-flight error: a 300 m/s error at 7 km/s moves the
 * apogee by hundreds of km and the arrival by minutes); carried forward with sigma points the spread
 * becomes ≈ 18,000 km and anything anywhere gates. So the gate compares what ballistic flight
 * CONSERVES instead: in the inertial frame, the two-body invariants of each state —
 *   the angular momentum h = r × v (3: the plane and the size of the orbit),
 *   the eccentricity vector e = v × h / μ − r/|r| in two in-plane axes (2: its shape and orientation),
 *   the time of apoapsis passage τ (1: when it flies it — a later missile on the same path differs here),
 * six numbers that do not change between the drop and the reacquisition, with no propagation at all.
 * Their mean and covariance come from an unscented transform of (x, P) (the tracker's UKF weights,
 * α = 1, β = 2, κ = 0), so the time-of-flight error sits in τ's variance, where it belongs, instead of
 * being spread along a curved path.
 *
 * The gate: d² = Δᵀ (S_cand + S_report + S_model)⁻¹ Δ, the same χ² style as association, against
 * χ²₆ at `gateProbability`. S_model is what the two-body invariants leave out — J2 and, at the bottom
 * of the flight, drag: a standard deviation of MODEL_REL on h/|h| and on e, and MODEL_TAU_S +
 * MODEL_TAU_RATE × gap on τ — engineering choices (J2 moves a lofted ICBM's velocity by about 10 m/s
 * over its flight, ≈ 1.5e-3 of it); coasting.test.ts checks them on the truth flight of the lofted
 * ICBM (J2, Earth rotation, drag) from 40 s after burnout to its reentry 80 minutes later.
 *
 * Lifetime: the candidate lives until its predicted impact — the LATEST ground impact among its sigma
 * points, each flown to the ground once with the impact predictor's flight (warning/fly-to-ground.ts:
 * gravity with J2, Earth rotation), plus `impactMarginS` for the drag that 6-state flight leaves out:
 * as long as any part of its uncertainty is still in the air, the object may be seen again. A state
 * that does not come down within `maxCoastS` coasts at most that long.
 */
import { cholesky, mahalanobis2, matMul, matMulABt, matVec } from "../core/matrix.ts";
import { BallisticModel } from "../tracking/models/ballistic.ts";
import { FlightWork, flyToGround } from "../warning/fly-to-ground.ts";
import { EARTH_WGS84, surfaceHeight } from "../world/flight-model.ts";
import { FUSED_DIM } from "./track-report.ts";

const N = FUSED_DIM;
const NN = N * N;
const NSIGMA = 2 * N + 1;
/** Number of invariants compared. */
export const INVARIANTS = 6;
const M = INVARIANTS;
/** Unscented weights with α = 1, β = 2, κ = 0 (λ = 0): mean 0 and covariance 2 on the centre point. */
const GAMMA = Math.sqrt(N);
const WM0 = 0;
const WC0 = 2;
const WI = 1 / (2 * N);
const MU = EARTH_WGS84.gm;
const OMEGA = EARTH_WGS84.omega;

/** Model error of the invariants (1σ): relative on h and absolute on e … */
export const MODEL_REL = 5e-3;
/** … and on τ, s, growing with the gap, s/s. */
export const MODEL_TAU_S = 10;
export const MODEL_TAU_RATE = 0.02;

export interface CoastingOptions {
  /** Longest a candidate coasts when its sigma points do not all come down, s. */
  readonly maxCoastS: number;
  /** Added to the latest sigma-point impact for the drag the vacuum flight leaves out, s. */
  readonly impactMarginS: number;
}

/** Defaults (engineering choices, see the header). */
export const DEFAULT_COASTING: CoastingOptions = { maxCoastS: 7200, impactMarginS: 60 };

/** Flight model and scratch shared by the candidates of one engine. */
export class CoastingModel {
  readonly model = new BallisticModel({ drag: false, qAccel: 0 });
  readonly work = new FlightWork(N);
  readonly hit = new Float64Array(3);
  constructor(readonly opts: CoastingOptions = DEFAULT_COASTING) {}
}

/** In-plane axes for e and the scale of h, fixed per candidate so both sides are measured alike. */
interface Frame {
  readonly hScale: number;
  readonly u1: Float64Array;
  readonly u2: Float64Array;
}

/**
 * The frame-free invariants of ECEF state x at scenario time t into out (length RAW): h (3, m²/s),
 * e (3) and τ (s); false when the state is not on a bound orbit (escape speed, or degenerate). The
 * inertial frame is the ECEF frame of t = 0. A candidate's frame maps them linearly to the six it
 * compares (project), so a report's moments are taken once and serve every candidate.
 */
function rawInvariants(x: ArrayLike<number>, t: number, out: Float64Array): boolean {
  const th = OMEGA * t;
  const c = Math.cos(th);
  const s = Math.sin(th);
  // Inertial velocity in ECEF axes (v + ω×r), then both rotated by θ = ωt about z.
  const vxe = x[3] - OMEGA * x[1];
  const vye = x[4] + OMEGA * x[0];
  const rx = c * x[0] - s * x[1];
  const ry = s * x[0] + c * x[1];
  const rz = x[2];
  const vx = c * vxe - s * vye;
  const vy = s * vxe + c * vye;
  const vz = x[5];
  const r = Math.hypot(rx, ry, rz);
  const v2 = vx * vx + vy * vy + vz * vz;
  const energy = v2 / 2 - MU / r;
  if (!(energy < 0) || !(r > 0)) return false;
  const hx = ry * vz - rz * vy;
  const hy = rz * vx - rx * vz;
  const hz = rx * vy - ry * vx;
  // e = (v × h)/μ − r̂
  const ex = (vy * hz - vz * hy) / MU - rx / r;
  const ey = (vz * hx - vx * hz) / MU - ry / r;
  const ez = (vx * hy - vy * hx) / MU - rz / r;
  const e = Math.hypot(ex, ey, ez);
  if (!(e < 1) || !(e > 1e-9)) return false;
  const a = -MU / (2 * energy);
  // True anomaly from perigee; the mean anomaly M ∈ [0, 2π); τ is the apoapsis passage (M = π), so the
  // ballistic arc — around the apoapsis, its periapsis inside the Earth — never wraps.
  const cosNu = (ex * rx + ey * ry + ez * rz) / (e * r);
  let nu = Math.acos(Math.max(-1, Math.min(1, cosNu)));
  if (rx * vx + ry * vy + rz * vz < 0) nu = 2 * Math.PI - nu;
  const E = 2 * Math.atan2(Math.sqrt(1 - e) * Math.sin(nu / 2), Math.sqrt(1 + e) * Math.cos(nu / 2));
  let Mean = E - e * Math.sin(E);
  if (Mean < 0) Mean += 2 * Math.PI;
  const n = Math.sqrt(MU / (a * a * a));
  out[0] = hx;
  out[1] = hy;
  out[2] = hz;
  out[3] = ex;
  out[4] = ey;
  out[5] = ez;
  out[6] = t + (Math.PI - Mean) / n;
  return true;
}

/** Length of the frame-free invariants (h, e, τ). */
const RAW = 7;

/** The frame's linear map from the frame-free invariants to the compared six, as a M × RAW matrix. */
function projection(frame: Frame): Float64Array {
  const A = new Float64Array(M * RAW);
  for (let i = 0; i < 3; i++) A[i * RAW + i] = 1 / frame.hScale;
  for (let j = 0; j < 3; j++) {
    A[3 * RAW + 3 + j] = frame.u1[j];
    A[4 * RAW + 3 + j] = frame.u2[j];
  }
  A[5 * RAW + 6] = 1;
  return A;
}

/** mean = A m and cov = A C Aᵀ (A is M × RAW). */
function project(
  A: Float64Array,
  m: Float64Array,
  C: Float64Array,
  mean: Float64Array,
  cov: Float64Array,
): void {
  matVec(A, m, M, RAW, mean);
  matMulABt(matMul(A, C, M, RAW, RAW, new Float64Array(M * RAW)), A, M, RAW, M, cov);
}

/** The frame of a state: |h| and two axes spanning its orbital plane (null when unbound). */
function frameOf(x: ArrayLike<number>, t: number): Frame | null {
  const el = new Float64Array(RAW);
  if (!rawInvariants(x, t, el)) return null;
  const h = [el[0], el[1], el[2]];
  const hn = Math.hypot(h[0], h[1], h[2]);
  const hh = h.map((q) => q / hn);
  // The coordinate axis least aligned with ĥ gives a well-conditioned in-plane axis.
  const k = [0, 1, 2].reduce((b, i) => (Math.abs(hh[i]) < Math.abs(hh[b]) ? i : b), 0);
  const ek = [0, 0, 0];
  ek[k] = 1;
  const u1 = [hh[1] * ek[2] - hh[2] * ek[1], hh[2] * ek[0] - hh[0] * ek[2], hh[0] * ek[1] - hh[1] * ek[0]];
  const n1 = Math.hypot(u1[0], u1[1], u1[2]);
  for (let i = 0; i < 3; i++) u1[i] /= n1;
  const u2 = [hh[1] * u1[2] - hh[2] * u1[1], hh[2] * u1[0] - hh[0] * u1[2], hh[0] * u1[1] - hh[1] * u1[0]];
  return { hScale: hn, u1: Float64Array.from(u1), u2: Float64Array.from(u2) };
}

/** Sigma points of (x, P) into pts (13 × 6), or false when P is not positive definite. */
function sigmaPoints(x: ArrayLike<number>, P: ArrayLike<number>, pts: Float64Array): boolean {
  const L = new Float64Array(NN);
  if (!cholesky(Float64Array.from(P), N, L)) return false;
  for (let j = 0; j < N; j++) pts[j] = x[j];
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const d = GAMMA * L[j * N + i]; // column i of L
      pts[(1 + i) * N + j] = x[j] + d;
      pts[(1 + N + i) * N + j] = x[j] - d;
    }
  return true;
}

/** Unscented mean and covariance of the frame-free invariants of a state (x, P) at t. */
export interface InvariantMoments {
  readonly t: number;
  readonly mean: Float64Array;
  readonly cov: Float64Array;
}

/**
 * The unscented moments of the frame-free invariants of (x, P) at t, or null when P is not positive
 * definite or a sigma point is unbound. Linear in the points, so projecting them into a frame gives
 * the moments of the projected points (what each candidate compares).
 */
export function invariantMoments(
  x: ArrayLike<number>,
  P: ArrayLike<number>,
  t: number,
): InvariantMoments | null {
  const pts = new Float64Array(NSIGMA * N);
  if (!sigmaPoints(x, P, pts)) return null;
  const el = new Float64Array(NSIGMA * RAW);
  for (let k = 0; k < NSIGMA; k++)
    if (!rawInvariants(pts.subarray(k * N, (k + 1) * N), t, el.subarray(k * RAW, (k + 1) * RAW))) return null;
  const mean = new Float64Array(RAW);
  for (let k = 0; k < NSIGMA; k++) {
    const w = k === 0 ? WM0 : WI;
    for (let j = 0; j < RAW; j++) mean[j] += w * el[k * RAW + j];
  }
  const cov = new Float64Array(RAW * RAW);
  for (let k = 0; k < NSIGMA; k++) {
    const w = k === 0 ? WC0 : WI;
    for (let i = 0; i < RAW; i++) {
      const di = w * (el[k * RAW + i] - mean[i]);
      for (let j = 0; j < RAW; j++) cov[i * RAW + j] += di * (el[k * RAW + j] - mean[j]);
    }
  }
  return { t, mean, cov };
}

export class CoastingTrack {
  private readonly work = new Float64Array(M * M + M);

  private constructor(
    readonly stn: number,
    readonly tFirst: number,
    /** Time of the last fused estimate. */
    readonly t0: number,
    /** Until when the candidate is kept (its predicted impact, see the header). */
    readonly tExpire: number,
    private readonly A: Float64Array,
    private readonly mean: Float64Array,
    private readonly cov: Float64Array,
  ) {}

  /**
   * A candidate from a system track's last fused (x, P) at t0, or null when it cannot coast: P is not
   * positive definite, the state or a sigma point is not on a bound orbit, or every sigma point is
   * already on the ground.
   */
  static create(
    stn: number,
    tFirst: number,
    t0: number,
    x: ArrayLike<number>,
    P: ArrayLike<number>,
    cm: CoastingModel,
  ): CoastingTrack | null {
    const frame = frameOf(x, t0);
    if (!frame) return null;
    const own = invariantMoments(x, P, t0);
    if (!own) return null;
    const A = projection(frame);
    const mean = new Float64Array(M);
    const cov = new Float64Array(M * M);
    project(A, own.mean, own.cov, mean, cov);
    const pts = new Float64Array(NSIGMA * N);
    sigmaPoints(x, P, pts);
    let latest = Number.NEGATIVE_INFINITY;
    const tImpacts = new Float64Array(NSIGMA).fill(Number.NaN);
    for (let k = 0; k < NSIGMA; k++) {
      const p = pts.subarray(k * N, (k + 1) * N);
      if (surfaceHeight(EARTH_WGS84, p[0], p[1], p[2]) <= 0) continue;
      const tImp = flyToGround(cm.model, p, t0, cm.opts.maxCoastS, cm.hit, cm.work);
      tImpacts[k] = Number.isFinite(tImp) ? tImp : t0 + cm.opts.maxCoastS;
      latest = Math.max(latest, tImpacts[k]);
    }
    if (latest === Number.NEGATIVE_INFINITY) return null;
    // The sigma points lie ±√6 σ along the principal axes of P, which bounds the impact time only
    // to about ±1 σ when its spread comes from several axes at once: also cover 3 σ of the impact
    // time's unscented spread about the centre point's (in a JPN-only ICBM run the sigma points' latest
    // impact came 500 s before the missile's, and its alert was cancelled while it still flew).
    if (!Number.isNaN(tImpacts[0])) {
      let s2 = 0;
      let n = 0;
      for (let k = 1; k < NSIGMA; k++)
        if (!Number.isNaN(tImpacts[k])) {
          s2 += (tImpacts[k] - tImpacts[0]) ** 2;
          n++;
        }
      if (n > 0) latest = Math.max(latest, tImpacts[0] + 3 * Math.sqrt(s2 / n));
    }
    const tExpire = Math.min(latest + cm.opts.impactMarginS, t0 + cm.opts.maxCoastS);
    return new CoastingTrack(stn, tFirst, t0, tExpire, A, mean, cov);
  }

  /**
   * The χ² of a report against the candidate — its invariant moments (invariantMoments, taken once
   * per report) — and ln det of the combined covariance (for choosing between candidates by
   * likelihood); null when it is outside `gate` (cheaply, before the full test, on the marginal of τ:
   * the full d² is never below a marginal one) or S is not positive definite.
   */
  distance2(report: InvariantMoments, gate: number): { d2: number; logDet: number } | null {
    const gap = Math.max(0, report.t - this.t0);
    const sTau = MODEL_TAU_S + MODEL_TAU_RATE * gap;
    const dTau = report.mean[RAW - 1] - this.mean[M - 1];
    const sTauTau = report.cov[RAW * RAW - 1] + this.cov[M * M - 1] + sTau * sTau;
    if ((dTau * dTau) / sTauTau > gate) return null;
    const mr = new Float64Array(M);
    const S = new Float64Array(M * M);
    project(this.A, report.mean, report.cov, mr, S);
    for (let q = 0; q < M * M; q++) S[q] += this.cov[q];
    for (let i = 0; i < 5; i++) S[i * M + i] += MODEL_REL * MODEL_REL;
    S[5 * M + 5] += sTau * sTau;
    const d = new Float64Array(M);
    for (let i = 0; i < M; i++) d[i] = mr[i] - this.mean[i];
    const L = new Float64Array(M * M);
    if (!cholesky(Float64Array.from(S), M, L)) return null;
    let logDet = 0;
    for (let i = 0; i < M; i++) logDet += 2 * Math.log(L[i * M + i]);
    const d2 = mahalanobis2(d, S, M, this.work);
    return d2 <= gate ? { d2, logDet } : null;
  }
}
