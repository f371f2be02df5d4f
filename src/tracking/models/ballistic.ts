/**
 * Ballistic process model for trackers, in ECEF (the rotating frame):
 *
 *   ṙ = v,   v̇ = g_J2(r) − 2ω×v − ω×(ω×r) − ρ(h)|v|v / (2β) + a_T v/|v|,
 *   β̇ = 0 (ballistic coefficient m/(C_d A), kg/m², modelled as a slow random walk; or its inverse),
 *   ȧ_T = 0 (thrust acceleration along the velocity, m/s², a random walk).
 * Drag and β only in the 7- and 8-state models, thrust only in the 8-state one (a boost model: a
 * booster pushes along its velocity, give or take a small angle of attack, with an acceleration that
 * grows as it burns its propellant and jumps at staging — far more than white noise covers between
 * updates of a radar that revisits every 8–10 s). Thrust only pushes: a negative a_T is set to 0
 * before each propagation, as β is held at its floor (left free, a boost filter on a reentering
 * object took the drag its β had not yet caught for negative thrust, −30 to −60 m/s², and kept the
 * IMM's weight; in the raid, false warnings 121 → 110 with the bound).
 *
 * Gravity (point mass + J2), the exponential atmosphere and the height used for it are the world
 * engineer's (src/world/flight-model.ts), so the tracker's model is the truth's model when there is no
 * process noise. Because ECEF co-rotates with the atmosphere, drag acts on the ECEF velocity directly.
 *
 * Propagation: classical RK4 on the state together with the variational equation Φ̇ = A(x)Φ, with
 * substeps of at most `maxStepS` (shorter where drag is stiff: see propagate), so the transition Jacobian Φ = ∂x(t+dt)/∂x(t) is the derivative of
 * the same discrete map the state follows (to RK4 accuracy). A(x) = ∂f/∂x is analytic (drag,
 * including the density gradient through the height above the ellipsoid) except the gravity gradient,
 * which is a central difference of the gravity function (10 m steps: truncation and round-off both far
 * below 1e-9 relative).
 *
 * Process noise: white acceleration noise of spectral density q (m²/s³) per axis, discretised as for
 * a constant-velocity model, Q = q·[[dt³/3, dt²/2], [dt²/2, dt]] per axis, plus q_β·dt on β and
 * q_T·dt on a_T. It stands for what the model leaves out (gravity anomalies, lift, small thrust
 * residuals, density errors; in the boost model, the thrust's change and its angle to the velocity).
 */
import {
  ATMOSPHERE,
  airDensity,
  EARTH_WGS84,
  gravityAccel,
  surfaceHeight,
} from "../../world/flight-model.ts";

export interface BallisticModelOptions {
  /** Estimate drag with β in the state (7 states) instead of pure ballistic flight (6 states). */
  readonly drag: boolean;
  /** Acceleration noise spectral density per axis, m²/s³ (≥ 0). */
  readonly qAccel: number;
  /** β random-walk density, (kg/m²)²/s — or (m²/kg)²/s for the inverse (7- and 8-state; default 0). */
  readonly qBeta?: number;
  /**
   * What the 7th state holds: β itself ("beta", default) or its inverse 1/β, m²/kg ("inverse"), in
   * which drag is linear — an EKF learns it as soon as drag shows (see createBallisticTracker).
   */
  readonly dragState?: "beta" | "inverse";
  /** Estimate a thrust acceleration along the velocity as an eighth state (needs drag). */
  readonly thrust?: boolean;
  /** Thrust random-walk density, (m/s²)²/s (8-state only; default 0). */
  readonly qThrust?: number;
  /** Largest RK4 substep, s (default 2). */
  readonly maxStepS?: number;
}

/** β is floored here inside the dynamics so a wild estimate cannot divide by zero or flip drag. */
export const BETA_FLOOR = 50;
/** The inverse state is held in [0, 1/BETA_FLOOR]: drag never pushes, nor exceeds the floor's. */
const INVERSE_CAP = 1 / BETA_FLOOR;
const GRAVITY_FD_STEP = 10;
/**
 * Below this speed thrust is taken along v/THRUST_MIN_SPEED instead of the unit velocity: a new track
 * starts with zero velocity, and a direction from a few m/s of noise means nothing.
 */
const THRUST_MIN_SPEED = 100;

/** Bound on the pieces of one step (the stiffest air here, 8 km/s at the density floor, needs ≈ 440 in a 2-s step). */
const MAX_PIECES = 1000;

export class BallisticModel {
  readonly dim: 6 | 7 | 8;
  readonly qAccel: number;
  readonly qBeta: number;
  readonly qThrust: number;
  readonly inverseDrag: boolean;
  readonly maxStepS: number;
  private readonly earth = EARTH_WGS84;
  // RK4 work: stage states, derivatives, Jacobians, Φ stages.
  private readonly y: Float64Array;
  private readonly k: Float64Array[];
  private readonly A: Float64Array;
  private readonly PhiStage: Float64Array;
  private readonly kPhi: Float64Array[];
  private readonly gp = new Float64Array(3);
  private readonly gm = new Float64Array(3);
  private readonly vTmp = new Float64Array(3);
  private readonly gTmp = new Float64Array(3);

  constructor(opts: BallisticModelOptions) {
    if (!(opts.qAccel >= 0) || !Number.isFinite(opts.qAccel))
      throw new RangeError(`qAccel must be ≥ 0, got ${opts.qAccel}`);
    const qb = opts.qBeta ?? 0;
    if (!(qb >= 0) || !Number.isFinite(qb)) throw new RangeError(`qBeta must be ≥ 0, got ${qb}`);
    const qt = opts.qThrust ?? 0;
    if (!(qt >= 0) || !Number.isFinite(qt)) throw new RangeError(`qThrust must be ≥ 0, got ${qt}`);
    if (opts.thrust && !opts.drag) throw new RangeError("a thrust state needs the drag model");
    const h = opts.maxStepS ?? 2;
    if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`maxStepS must be > 0, got ${h}`);
    this.dim = opts.thrust ? 8 : opts.drag ? 7 : 6;
    this.qAccel = opts.qAccel;
    this.qBeta = qb;
    this.inverseDrag = opts.dragState === "inverse";
    this.qThrust = qt;
    this.maxStepS = h;
    const n = this.dim;
    this.y = new Float64Array(n);
    this.k = [0, 1, 2, 3].map(() => new Float64Array(n));
    this.A = new Float64Array(n * n);
    this.PhiStage = new Float64Array(n * n);
    this.kPhi = [0, 1, 2, 3].map(() => new Float64Array(n * n));
  }

  /** dx/dt at state x (length dim) into out (length dim). */
  derivative(x: ArrayLike<number>, out: Float64Array): Float64Array {
    const px = x[0];
    const py = x[1];
    const pz = x[2];
    const vx = x[3];
    const vy = x[4];
    const vz = x[5];
    out[0] = vx;
    out[1] = vy;
    out[2] = vz;
    gravityAccel(this.earth, px, py, pz, out, 3);
    const w = this.earth.omega;
    // −2ω×v − ω×(ω×r) with ω = (0, 0, w).
    out[3] += 2 * w * vy + w * w * px;
    out[4] += -2 * w * vx + w * w * py;
    if (this.dim >= 7) {
      out[6] = 0;
      const hM = surfaceHeight(this.earth, px, py, pz);
      if (hM < ATMOSPHERE.topM) {
        const rho = airDensity(hM);
        const v = Math.sqrt(vx * vx + vy * vy + vz * vz);
        const c = -0.5 * rho * v * this.inverseBeta(x[6]);
        out[3] += c * vx;
        out[4] += c * vy;
        out[5] += c * vz;
      }
    }
    if (this.dim === 8) {
      out[7] = 0;
      const c = x[7] / Math.max(Math.sqrt(vx * vx + vy * vy + vz * vz), THRUST_MIN_SPEED);
      out[3] += c * vx;
      out[4] += c * vy;
      out[5] += c * vz;
    }
    return out;
  }

  /** A = ∂f/∂x at x, row-major dim × dim, into out. */
  jacobian(x: ArrayLike<number>, out: Float64Array): Float64Array {
    const n = this.dim;
    out.fill(0);
    for (let i = 0; i < 3; i++) out[i * n + i + 3] = 1;
    // Gravity gradient by central differences (symmetric by physics; symmetrised here).
    const { gp, gm } = this;
    for (let j = 0; j < 3; j++) {
      const d = GRAVITY_FD_STEP;
      const ex = j === 0 ? d : 0;
      const ey = j === 1 ? d : 0;
      const ez = j === 2 ? d : 0;
      gravityAccel(this.earth, x[0] + ex, x[1] + ey, x[2] + ez, gp, 0);
      gravityAccel(this.earth, x[0] - ex, x[1] - ey, x[2] - ez, gm, 0);
      for (let i = 0; i < 3; i++) out[(3 + i) * n + j] = (gp[i] - gm[i]) / (2 * d);
    }
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        const s = 0.5 * (out[(3 + i) * n + j] + out[(3 + j) * n + i]);
        out[(3 + i) * n + j] = s;
        out[(3 + j) * n + i] = s;
      }
    }
    const w = this.earth.omega;
    out[3 * n + 0] += w * w; // centrifugal
    out[4 * n + 1] += w * w;
    out[3 * n + 4] += 2 * w; // Coriolis
    out[4 * n + 3] += -2 * w;
    if (n >= 7) {
      const hM = surfaceHeight(this.earth, x[0], x[1], x[2]);
      if (hM < ATMOSPHERE.topM) {
        const rho = airDensity(hM);
        const k = this.inverseBeta(x[6]);
        const v = this.vTmp;
        v[0] = x[3];
        v[1] = x[4];
        v[2] = x[5];
        const speed = Math.hypot(v[0], v[1], v[2]);
        // ρ = ρ0·exp(−h/H) with h = surfaceHeight (height along the geocentric radius above the
        // ellipsoid): ∂ρ/∂r = −(ρ/H)·∇h. Below −1 km airDensity clamps, so there the gradient is zero.
        const dRho = hM > -1000 ? -rho / ATMOSPHERE.scaleHeightM : 0;
        const gh = this.heightGradient(x[0], x[1], x[2]);
        for (let i = 0; i < 3; i++) {
          const row = (3 + i) * n;
          for (let j = 0; j < 3; j++) {
            // ∂a_i/∂v_j = −ρ/(2β)·(|v|δ_ij + v_i v_j/|v|)
            out[row + 3 + j] +=
              ((-rho * k) / 2) * ((i === j ? speed : 0) + (speed > 0 ? (v[i] * v[j]) / speed : 0));
            // ∂a_i/∂r_j = −|v| v_i/(2β) · ∂ρ/∂r_j
            out[row + j] += ((-speed * v[i] * k) / 2) * dRho * gh[j];
          }
          if (this.inverseDrag)
            // ∂a_i/∂(1/β) = −ρ|v|v_i/2 (zero where the cap holds; below 0 it is set to 0 and drag grows
            // from there, so the slope stays)
            out[row + 6] = x[6] < INVERSE_CAP ? (-rho * speed * v[i]) / 2 : 0;
          // ∂a_i/∂β = ρ|v|v_i/(2β²) (zero where the floor holds β)
          else out[row + 6] = x[6] > BETA_FLOOR ? (rho * speed * v[i] * k * k) / 2 : 0;
        }
      }
    }
    if (n === 8) {
      // a = a_T·v/s with s = max(|v|, THRUST_MIN_SPEED): ∂a_i/∂a_T = v_i/s and
      // ∂a_i/∂v_j = a_T(δ_ij/s − v_i v_j/s³) above the floor speed, a_T δ_ij/s below it.
      const vx = x[3];
      const vy = x[4];
      const vz = x[5];
      const speed = Math.sqrt(vx * vx + vy * vy + vz * vz);
      const s = Math.max(speed, THRUST_MIN_SPEED);
      const aT = x[7];
      const curve = speed > THRUST_MIN_SPEED ? aT / (s * s * s) : 0;
      for (let i = 0; i < 3; i++) {
        const row = (3 + i) * n;
        const vi = x[3 + i];
        out[row + 7] = vi / s;
        for (let j = 0; j < 3; j++) out[row + 3 + j] += (i === j ? aT / s : 0) - curve * vi * x[3 + j];
      }
    }
    return out;
  }

  /**
   * ∇h of `surfaceHeight`, h = r − a·b/√(b² + (a² − b²)·s) with s = z²/r², into this.gTmp.
   */
  private heightGradient(x: number, y: number, z: number): Float64Array {
    const a = this.earth.radiusM;
    const b = a * (1 - this.earth.flattening);
    const r2 = x * x + y * y + z * z;
    const r = Math.sqrt(r2);
    const s = (z * z) / r2;
    const c = a * a - b * b;
    const D = b * b + c * s;
    const dRds = -0.5 * a * b * c * D ** -1.5;
    const g = this.gTmp;
    // ds/dx_j = 2z·δ_jz/r² − 2z²·x_j/r⁴
    const k = (-2 * z * z) / (r2 * r2);
    g[0] = x / r - dRds * k * x;
    g[1] = y / r - dRds * k * y;
    g[2] = z / r - dRds * (k * z + (2 * z) / r2);
    return g;
  }

  /**
   * Propagates x (length dim, in place) over dt ≥ 0 s. When Phi is given (dim × dim), it receives the
   * transition Jacobian ∂x(t+dt)/∂x(t).
   */
  propagate(x: Float64Array, dt: number, Phi: Float64Array | null): void {
    const n = this.dim;
    if (Phi) {
      Phi.fill(0);
      for (let i = 0; i < n; i++) Phi[i * n + i] = 1;
    }
    if (n === 8 && x[7] < 0) x[7] = 0; // thrust only pushes (header)
    if (!(dt > 0)) return;
    const steps = Math.max(1, Math.ceil(dt / this.maxStepS - 1e-9));
    const h = dt / steps;
    for (let s = 0; s < steps; s++) {
      // Drag is stiff low down: its rate ∂a/∂v ≈ ρ|v|/β reaches several per second for light debris
      // near the ground (ρ 1.2 kg/m³, 300 m/s, β 50 kg/m²: 7 /s), and RK4 steps longer than about
      // 2.8 / rate diverge (in an MRBM with 40 fragments, a fragment's track near its impact had its
      // ballistic model thrown to 10¹⁵ m). Such steps are split so that each covers at most 1 / rate;
      // above the dense air nothing changes.
      const rate = this.dragRate(x);
      const pieces = rate * h > 1 ? Math.min(Math.ceil(rate * h), MAX_PIECES) : 1;
      for (let p = 0; p < pieces; p++) this.rk4Step(x, h / pieces, Phi);
    }
    if (n >= 7) x[6] = this.inverseDrag ? this.inverseBeta(x[6]) : Math.max(x[6], BETA_FLOOR);
  }

  /** 1/β from the 7th state, within the floor (and above 0). */
  private inverseBeta(s: number): number {
    return this.inverseDrag ? Math.min(Math.max(s, 0), INVERSE_CAP) : 1 / Math.max(s, BETA_FLOOR);
  }

  /** ρ(h)|v|/β at x, 1/s: how fast drag changes the velocity (0 without drag or above the air). */
  private dragRate(x: Float64Array): number {
    if (this.dim < 7) return 0;
    const hM = surfaceHeight(this.earth, x[0], x[1], x[2]);
    if (!(hM < ATMOSPHERE.topM)) return 0;
    return airDensity(hM) * Math.hypot(x[3], x[4], x[5]) * this.inverseBeta(x[6]);
  }

  /** One classical RK4 step of length h of the state and, when given, of Φ. */
  private rk4Step(x: Float64Array, h: number, Phi: Float64Array | null): void {
    const n = this.dim;
    const nn = n * n;
    const { y, k, A, PhiStage, kPhi } = this;
    for (let stage = 0; stage < 4; stage++) {
      const c = stage === 0 ? 0 : stage === 3 ? h : h / 2;
      const kPrev = stage === 0 ? null : k[stage - 1];
      for (let i = 0; i < n; i++) y[i] = kPrev ? x[i] + c * kPrev[i] : x[i];
      this.derivative(y, k[stage]);
      if (Phi) {
        this.jacobian(y, A);
        const kpPrev = stage === 0 ? null : kPhi[stage - 1];
        for (let i = 0; i < nn; i++) PhiStage[i] = kpPrev ? Phi[i] + c * kpPrev[i] : Phi[i];
        // kPhi = A·PhiStage, skipping A's zeros (most of it). A's rows 0–2 hold a single 1 (ṙ = v)
        // and rows 6–7 (β̇ = 0, ȧ_T = 0) none: those rows are a copy and zeros, written as the
        // general sum would leave them (0 + 1·x, and 0); rows 3–5 are summed in full.
        const out = kPhi[stage];
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < n; j++) out[i * n + j] = 0 + PhiStage[(i + 3) * n + j];
        for (let i = 6; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0;
        for (let i = 3; i < 6; i++) {
          for (let j = 0; j < n; j++) {
            let acc = 0;
            for (let p = 0; p < n; p++) {
              const a = A[i * n + p];
              if (a !== 0) acc += a * PhiStage[p * n + j];
            }
            out[i * n + j] = acc;
          }
        }
      }
    }
    for (let i = 0; i < n; i++) x[i] += (h / 6) * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]);
    if (Phi) {
      for (let i = 0; i < nn; i++)
        Phi[i] += (h / 6) * (kPhi[0][i] + 2 * kPhi[1][i] + 2 * kPhi[2][i] + kPhi[3][i]);
    }
  }

  /** Discrete process noise Q(dt) (dim × dim) into out. */
  processNoise(dt: number, out: Float64Array): Float64Array {
    const n = this.dim;
    out.fill(0);
    const q = this.qAccel;
    const q11 = (q * dt * dt * dt) / 3;
    const q12 = (q * dt * dt) / 2;
    const q22 = q * dt;
    for (let i = 0; i < 3; i++) {
      out[i * n + i] = q11;
      out[i * n + i + 3] = q12;
      out[(i + 3) * n + i] = q12;
      out[(i + 3) * n + i + 3] = q22;
    }
    if (n >= 7) out[6 * n + 6] = this.qBeta * dt;
    if (n === 8) out[7 * n + 7] = this.qThrust * dt;
    return out;
  }
}
