import * as DormandPrince from "../core/dormand-prince.ts";
import { type DenseTrajectory, DenseTrajectoryBuilder } from "./dense-trajectory.ts";
import type { MissileClassSpec } from "./missile-classes.ts";

// Module-local copies of the tableau: read through the import bindings, the step loop ran about 4×
// slower (measured under tsx, 70 vs 320 µs a flight).
const {
  A21,
  A31,
  A32,
  A41,
  A42,
  A43,
  A51,
  A52,
  A53,
  A54,
  A61,
  A62,
  A63,
  A64,
  A65,
  A71,
  A73,
  A74,
  A75,
  A76,
  C2,
  C3,
  C4,
  C5,
  E1,
  E3,
  E4,
  E5,
  E6,
  E7,
} = DormandPrince;

/**
 * Equations of motion of a missile in the Earth-centred Earth-fixed (rotating) frame:
 *
 *   a = g_J2(r) − 2ω×v − ω×(ω×r) + (T/m)·d − ½ρ|v|v·CdA/m
 *
 * Because the frame rotates with the Earth, the ECEF velocity is the velocity relative to the
 * atmosphere (which we take to co-rotate), so drag acts on v directly. Integrated with the
 * Dormand–Prince 5(4) adaptive Runge–Kutta method; every accepted step is stored so the trajectory
 * can be read back by Hermite interpolation (see dense-trajectory.ts).
 */

/** The Earth seen by the flight model. Tests switch parts off to compare with closed forms. */
export interface EarthModel {
  /** Gravitational parameter, m³/s². */
  readonly gm: number;
  /** Second zonal harmonic (0 = point mass). */
  readonly j2: number;
  /** Rotation rate, rad/s (0 = the ECEF frame is inertial). */
  readonly omega: number;
  /** Equatorial radius, m (also the J2 reference radius). */
  readonly radiusM: number;
  /** Flattening of the surface used for altitude and impact (0 = sphere of radius `radiusM`). */
  readonly flattening: number;
  /** Exponential atmosphere on/off. */
  readonly atmosphere: boolean;
}

/** WGS84 / EGM constants (same values as src/core/geodesy.ts WGS84). */
export const EARTH_WGS84: EarthModel = {
  gm: 3.986004418e14,
  j2: 1.08262668e-3,
  omega: 7.292115e-5,
  radiusM: 6378137.0,
  flattening: 1 / 298.257223563,
  atmosphere: true,
};

/**
 * Exponential atmosphere ρ(h) = ρ0·exp(−h/H). ρ0 = 1.225 kg/m³ (ISA sea level); H = 7.2 km is the
 * single scale height that best fits the US Standard Atmosphere 1976 over 0–100 km in the log-density
 * sense (the isothermal 8.5 km figure fits only the lowest layer). Above 150 km the density
 * (< 1e-9 kg/m³) is treated as zero — it changes an RV's trajectory by far less than a metre.
 */
export const ATMOSPHERE = { rho0: 1.225, scaleHeightM: 7200, topM: 150e3 } as const;

export function airDensity(hM: number): number {
  if (hM >= ATMOSPHERE.topM) return 0;
  return ATMOSPHERE.rho0 * Math.exp(-Math.max(hM, -1000) / ATMOSPHERE.scaleHeightM);
}

/**
 * Height above the model surface measured along the geocentric radius. On the WGS84 ellipsoid this
 * equals the geodetic height to better than 0.1% of the height (the radial and normal directions differ
 * by ≤ 0.19°) and is exact at the surface, which is where impacts are found.
 */
export function surfaceHeight(earth: EarthModel, x: number, y: number, z: number): number {
  const r2 = x * x + y * y + z * z;
  const r = Math.sqrt(r2);
  if (earth.flattening === 0) return r - earth.radiusM;
  const a = earth.radiusM;
  const b = a * (1 - earth.flattening);
  const sin2 = (z * z) / r2;
  return r - (a * b) / Math.sqrt(b * b + (a * a - b * b) * sin2);
}

/** Gravity (point mass + J2) in ECEF, written to out[o..o+2]. */
export function gravityAccel(
  earth: EarthModel,
  x: number,
  y: number,
  z: number,
  out: Float64Array,
  o = 0,
): void {
  const r2 = x * x + y * y + z * z;
  const r = Math.sqrt(r2);
  const gmr3 = earth.gm / (r2 * r);
  if (earth.j2 === 0) {
    out[o] = -gmr3 * x;
    out[o + 1] = -gmr3 * y;
    out[o + 2] = -gmr3 * z;
    return;
  }
  const k = 1.5 * earth.j2 * ((earth.radiusM * earth.radiusM) / r2);
  const z2r2 = (z * z) / r2;
  const fxy = -gmr3 * (1 + k * (1 - 5 * z2r2));
  out[o] = fxy * x;
  out[o + 1] = fxy * y;
  out[o + 2] = -gmr3 * z * (1 + k * (3 - 5 * z2r2));
}

/**
 * Jacobi integral per unit mass in the rotating frame: ½v² + U(r) − ½ω²(x²+y²), with U the point-mass
 * + J2 potential. Conserved by the drag-free, thrust-free motion (the J2 field is static in ECEF).
 */
export function jacobiIntegral(earth: EarthModel, pos: ArrayLike<number>, vel: ArrayLike<number>): number {
  const [x, y, z] = [pos[0], pos[1], pos[2]];
  const r2 = x * x + y * y + z * z;
  const r = Math.sqrt(r2);
  const v2 = vel[0] * vel[0] + vel[1] * vel[1] + vel[2] * vel[2];
  const u =
    -earth.gm / r +
    ((earth.gm * earth.j2 * earth.radiusM * earth.radiusM) / (r2 * r)) * ((3 * z * z) / r2 - 1) * 0.5;
  return 0.5 * v2 + u - 0.5 * earth.omega * earth.omega * (x * x + y * y);
}

/**
 * Right-hand side of the flight equations. The integrator calls `beginStep(t)` before each step so the
 * dynamics can hold the regime (stage, coast) constant across the step: every discontinuity time is
 * listed in `breakTimes`, and steps never cross one.
 */
export interface FlightDynamics {
  readonly earth: EarthModel;
  /** Sorted times where the acceleration jumps (staging, cutoff). */
  readonly breakTimes: readonly number[];
  beginStep(t: number): void;
  /** Writes dy = [v, a] for the state y = [pos, vel] at time t. */
  deriv(t: number, y: Float64Array, dy: Float64Array): void;
}

/** Free flight of a body with ballistic coefficient β (Infinity = no drag). */
export class BallisticDynamics implements FlightDynamics {
  readonly breakTimes: readonly number[] = [];
  private readonly invBeta: number;
  constructor(
    readonly earth: EarthModel,
    ballisticCoefKgM2: number,
  ) {
    this.invBeta = Number.isFinite(ballisticCoefKgM2) ? 1 / ballisticCoefKgM2 : 0;
  }
  beginStep(_t: number): void {}
  deriv(_t: number, y: Float64Array, dy: Float64Array): void {
    accelFree(this.earth, y, dy, this.invBeta);
  }
}

/** Gravity + rotation terms + drag with 1/β = CdA/m; writes dy[0..5]. */
function accelFree(earth: EarthModel, y: Float64Array, dy: Float64Array, invBeta: number): void {
  const x = y[0];
  const yy = y[1];
  const z = y[2];
  const vx = y[3];
  const vy = y[4];
  const vz = y[5];
  dy[0] = vx;
  dy[1] = vy;
  dy[2] = vz;
  gravityAccel(earth, x, yy, z, dy, 3);
  const w = earth.omega;
  if (w !== 0) {
    dy[3] += 2 * w * vy + w * w * x;
    dy[4] += -2 * w * vx + w * w * yy;
  }
  if (invBeta !== 0 && earth.atmosphere) {
    const h = surfaceHeight(earth, x, yy, z);
    if (h < ATMOSPHERE.topM) {
      const rho = airDensity(h);
      const v = Math.sqrt(vx * vx + vy * vy + vz * vz);
      const k = -0.5 * rho * v * invBeta;
      dy[3] += k * vx;
      dy[4] += k * vy;
      dy[5] += k * vz;
    }
  }
}

/**
 * Share of the powered flight after the vertical rise over which the thrust tilts to its final angle;
 * it then holds that angle from the local vertical (which itself turns as the missile moves downrange).
 * 0.5 lets one shape parameter span everything from near-vertical lofts to flat depressed flights.
 */
export const PITCH_RAMP_FRACTION = 0.5;

/** Controls of the boost: where the thrust points and when it stops. */
export interface BoostControls {
  /** Launch azimuth in the ECEF frame, from north clockwise, rad. */
  readonly azimuthRad: number;
  /** Thrust angle from the local vertical reached at cutoff (linear pitch programme), rad. */
  readonly pitchFinalRad: number;
  /** Thrust cutoff time after launch (≤ total burn time), s. */
  readonly cutoffS: number;
}

/**
 * Powered flight then the reentry vehicle's free flight. Pitch programme: vertical rise for
 * `verticalRiseS`, then the thrust tilts from the local vertical toward the launch azimuth at a constant
 * rate, reaching `pitchFinalRad` halfway to cutoff (PITCH_RAMP_FRACTION), then holds it: one shape
 * parameter, smooth and monotone, which the aim solver can invert robustly. The tilt plane is fixed in ECEF: it
 * contains the Earth's centre, the launch point and the launch azimuth. At cutoff the RV separates and
 * flies on with its own ballistic coefficient; the spent stages are debris (debris.ts).
 * Times here are relative to launch (t = 0 at lift-off).
 */
export class BoostDynamics implements FlightDynamics {
  readonly breakTimes: number[];
  private readonly stageStart: number[] = [];
  private readonly stageEnd: number[] = [];
  private readonly stageMass0: number[] = [];
  private readonly stageMdot: number[] = [];
  private readonly stageThrust: number[] = [];
  private readonly cdA: number;
  private readonly invBetaRv: number;
  private readonly planeNormal = new Float64Array(3);
  private readonly pitchStart: number;
  // Regime of the current step: stage index, or -1 for the free-flying RV.
  private stage = 0;

  constructor(
    readonly earth: EarthModel,
    readonly vehicle: MissileClassSpec,
    launchEcef: ArrayLike<number>,
    launchLatRad: number,
    launchLonRad: number,
    readonly controls: BoostControls,
  ) {
    const cut = controls.cutoffS;
    let t = 0;
    let massAbove = vehicle.payloadKg;
    for (const s of vehicle.stages) massAbove += s.propellantKg + s.dryMassKg;
    for (const s of vehicle.stages) {
      if (t >= cut) break;
      this.stageStart.push(t);
      this.stageEnd.push(Math.min(t + s.burnTimeS, cut));
      this.stageMass0.push(massAbove);
      this.stageMdot.push(s.propellantKg / s.burnTimeS);
      this.stageThrust.push(s.thrustN);
      massAbove -= s.propellantKg + s.dryMassKg;
      t += s.burnTimeS;
    }
    this.breakTimes = this.stageEnd.slice();
    this.cdA = vehicle.boostDragCoef * Math.PI * 0.25 * vehicle.diameterM * vehicle.diameterM;
    this.invBetaRv = 1 / vehicle.rvBallisticCoefKgM2;
    this.pitchStart = Math.min(vehicle.verticalRiseS, 0.5 * cut);
    // Tilt plane normal n = up × forward, forward = sin(az)·east + cos(az)·north (geodetic frame).
    const sl = Math.sin(launchLatRad);
    const cl = Math.cos(launchLatRad);
    const so = Math.sin(launchLonRad);
    const co = Math.cos(launchLonRad);
    const r = Math.hypot(launchEcef[0], launchEcef[1], launchEcef[2]);
    const ux = launchEcef[0] / r;
    const uy = launchEcef[1] / r;
    const uz = launchEcef[2] / r;
    const sa = Math.sin(controls.azimuthRad);
    const ca = Math.cos(controls.azimuthRad);
    // east = (−so, co, 0); north = (−sl·co, −sl·so, cl)
    let fx = sa * -so + ca * (-sl * co);
    let fy = sa * co + ca * (-sl * so);
    let fz = ca * cl;
    // Make forward exactly horizontal with respect to the radial direction.
    const fu = fx * ux + fy * uy + fz * uz;
    fx -= fu * ux;
    fy -= fu * uy;
    fz -= fu * uz;
    const nx = uy * fz - uz * fy;
    const ny = uz * fx - ux * fz;
    const nz = ux * fy - uy * fx;
    const nn = Math.hypot(nx, ny, nz);
    this.planeNormal[0] = nx / nn;
    this.planeNormal[1] = ny / nn;
    this.planeNormal[2] = nz / nn;
  }

  /** Thrust cutoff (= RV separation) time after launch, s. */
  get burnoutS(): number {
    return this.stageEnd.length > 0 ? this.stageEnd[this.stageEnd.length - 1] : 0;
  }

  /** Mass at time t (while burning), kg. */
  massAt(t: number): number {
    const i = this.stageIndexAt(t);
    if (i < 0) return this.vehicle.payloadKg;
    return this.stageMass0[i] - this.stageMdot[i] * (t - this.stageStart[i]);
  }

  private stageIndexAt(t: number): number {
    for (let i = 0; i < this.stageEnd.length; i++) if (t < this.stageEnd[i]) return i;
    return -1;
  }

  beginStep(t: number): void {
    this.stage = this.stageIndexAt(t);
  }

  deriv(t: number, y: Float64Array, dy: Float64Array): void {
    const i = this.stage;
    if (i < 0) {
      accelFree(this.earth, y, dy, this.invBetaRv);
      return;
    }
    const m = this.stageMass0[i] - this.stageMdot[i] * (t - this.stageStart[i]);
    accelFree(this.earth, y, dy, this.cdA / m);
    // Thrust direction: cos φ·up + sin φ·(n × up).
    const x = y[0];
    const yy = y[1];
    const z = y[2];
    const r = Math.sqrt(x * x + yy * yy + z * z);
    const ux = x / r;
    const uy = yy / r;
    const uz = z / r;
    const c = this.controls;
    const span = PITCH_RAMP_FRACTION * (c.cutoffS - this.pitchStart);
    const frac = t <= this.pitchStart ? 0 : Math.min(1, (t - this.pitchStart) / span);
    const phi = c.pitchFinalRad * frac;
    const cp = Math.cos(phi);
    const sp = Math.sin(phi);
    const n = this.planeNormal;
    const hx = n[1] * uz - n[2] * uy;
    const hy = n[2] * ux - n[0] * uz;
    const hz = n[0] * uy - n[1] * ux;
    const f = this.stageThrust[i] / m;
    dy[3] += f * (cp * ux + sp * hx);
    dy[4] += f * (cp * uy + sp * hy);
    dy[5] += f * (cp * uz + sp * hz);
  }
}

export interface IntegrateOptions {
  /** Stop at this time if nothing hit the ground (s, same clock as t0). */
  readonly tMax: number;
  /** Relative tolerance of the step control (default 1e-9). */
  readonly rtol?: number;
  /** Absolute tolerance (m and m/s, default 1e-6). */
  readonly atol?: number;
  /** Largest step, s (default 20 — keeps Hermite read-back error at the centimetre level). */
  readonly hMax?: number;
  /** Store the dense trajectory (default true). The aim solver turns it off. */
  readonly record?: boolean;
  /** Ground impact ends the flight only after this time (default t0). */
  readonly impactArmedAfter?: number;
}

export interface IntegrationResult {
  /** Dense trajectory, or null when `record` was false. */
  readonly trajectory: DenseTrajectory | null;
  /** True when the flight ended on the surface (else it reached tMax). */
  readonly impacted: boolean;
  /** End time (impact or tMax). */
  readonly tEnd: number;
  /** End state [x, y, z, vx, vy, vz]. */
  readonly endState: Float64Array;
  /** Highest height above the surface reached, m, and when. */
  readonly apogeeM: number;
  readonly apogeeT: number;
  /** Largest geocentric angle between the start and any accepted step, rad (detects overflights of the antipode). */
  readonly maxArcRad: number;
  /** Accepted steps (for benchmarks and tests). */
  readonly steps: number;
}

/**
 * Integrates y' = f(t, y) from (t0, y0) until the body reaches the surface (after `impactArmedAfter`)
 * or tMax. The impact is located on the cubic Hermite interpolant of the last step by bisection on the
 * surface height, to well under a millimetre.
 */
export function integrateFlight(
  dyn: FlightDynamics,
  t0: number,
  y0: ArrayLike<number>,
  opts: IntegrateOptions,
): IntegrationResult {
  const earth = dyn.earth;
  const rtol = opts.rtol ?? 1e-9;
  const atol = opts.atol ?? 1e-6;
  const hMax = opts.hMax ?? 20;
  const record = opts.record ?? true;
  const armedAfter = opts.impactArmedAfter ?? t0;
  const breaks = dyn.breakTimes;
  let nextBreak = 0;
  while (nextBreak < breaks.length && breaks[nextBreak] <= t0) nextBreak++;

  const y = new Float64Array(6);
  for (let i = 0; i < 6; i++) y[i] = y0[i];
  const yn = new Float64Array(6);
  const yt = new Float64Array(6);
  const k1 = new Float64Array(6);
  const k2 = new Float64Array(6);
  const k3 = new Float64Array(6);
  const k4 = new Float64Array(6);
  const k5 = new Float64Array(6);
  const k6 = new Float64Array(6);
  const k7 = new Float64Array(6);
  const builder = record ? new DenseTrajectoryBuilder() : null;

  let t = t0;
  dyn.beginStep(t);
  dyn.deriv(t, y, k1);
  builder?.push(t, y, k1, 3);
  let h = Math.min(1, hMax);
  let steps = 0;
  let apogeeM = surfaceHeight(earth, y[0], y[1], y[2]);
  let apogeeT = t;
  let hPrev = apogeeM;
  let impacted = false;
  let needK1 = false;
  const r0 = Math.hypot(y[0], y[1], y[2]);
  const u0x = y[0] / r0;
  const u0y = y[1] / r0;
  const u0z = y[2] / r0;
  let minCos = 1;

  while (t < opts.tMax) {
    if (needK1) {
      dyn.beginStep(t);
      dyn.deriv(t, y, k1);
      builder?.push(t, y, k1, 3);
      needK1 = false;
    }
    let hitBreak = false;
    let hStep = Math.min(h, hMax, opts.tMax - t);
    if (nextBreak < breaks.length && t + hStep >= breaks[nextBreak] - 1e-9) {
      hStep = breaks[nextBreak] - t;
      hitBreak = true;
    }
    // Stages.
    for (let i = 0; i < 6; i++) yt[i] = y[i] + hStep * A21 * k1[i];
    dyn.deriv(t + C2 * hStep, yt, k2);
    for (let i = 0; i < 6; i++) yt[i] = y[i] + hStep * (A31 * k1[i] + A32 * k2[i]);
    dyn.deriv(t + C3 * hStep, yt, k3);
    for (let i = 0; i < 6; i++) yt[i] = y[i] + hStep * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    dyn.deriv(t + C4 * hStep, yt, k4);
    for (let i = 0; i < 6; i++)
      yt[i] = y[i] + hStep * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    dyn.deriv(t + C5 * hStep, yt, k5);
    for (let i = 0; i < 6; i++)
      yt[i] = y[i] + hStep * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    dyn.deriv(t + hStep, yt, k6);
    for (let i = 0; i < 6; i++)
      yn[i] = y[i] + hStep * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
    dyn.deriv(t + hStep, yn, k7);
    let err = 0;
    for (let i = 0; i < 6; i++) {
      const e = hStep * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
      const sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yn[i]));
      err += (e / sc) * (e / sc);
    }
    err = Math.sqrt(err / 6);
    if (err > 1 && hStep > 1e-6) {
      h = hStep * Math.max(0.2, 0.9 * err ** -0.2);
      continue;
    }
    // Accepted.
    steps++;
    const tn = t + hStep;
    const hn = surfaceHeight(earth, yn[0], yn[1], yn[2]);
    if (tn > armedAfter && hn < 0 && hPrev >= 0) {
      const tImp = locateImpact(earth, t, y, k1, tn, yn, k7, yt);
      // yt now holds the impact state; its acceleration:
      dyn.deriv(tImp, yt, k2);
      builder?.push(tImp, yt, k2, 3);
      for (let i = 0; i < 6; i++) y[i] = yt[i];
      t = tImp;
      impacted = true;
      break;
    }
    // Apogee: the radial velocity changes sign inside the step → refine on the interpolant.
    const rv0 = y[0] * y[3] + y[1] * y[4] + y[2] * y[5];
    const rv1 = yn[0] * yn[3] + yn[1] * yn[4] + yn[2] * yn[5];
    if (rv0 > 0 && rv1 <= 0) {
      const ta = locateApogee(t, y, k1, tn, yn, k7, yt);
      const ha = surfaceHeight(earth, yt[0], yt[1], yt[2]);
      if (ha > apogeeM) {
        apogeeM = ha;
        apogeeT = ta;
      }
    }
    if (hn > apogeeM) {
      apogeeM = hn;
      apogeeT = tn;
    }
    hPrev = hn;
    const cosArc = (u0x * yn[0] + u0y * yn[1] + u0z * yn[2]) / Math.hypot(yn[0], yn[1], yn[2]);
    if (cosArc < minCos) minCos = cosArc;
    builder?.push(tn, yn, k7, 3);
    t = tn;
    for (let i = 0; i < 6; i++) {
      y[i] = yn[i];
      k1[i] = k7[i];
    }
    if (hitBreak) {
      nextBreak++;
      needK1 = true;
    }
    const fac = err === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * err ** -0.2));
    h = hStep * fac;
    if (hitBreak) h = Math.min(h, 1);
  }
  return {
    trajectory: builder?.build() ?? null,
    impacted,
    tEnd: t,
    endState: y,
    apogeeM,
    apogeeT,
    maxArcRad: Math.acos(Math.max(-1, Math.min(1, minCos))),
    steps,
  };
}

/** Cubic Hermite of a step: writes [pos, vel] at fraction s into out. */
function hermiteState(
  h: number,
  y0: Float64Array,
  f0: Float64Array,
  y1: Float64Array,
  f1: Float64Array,
  s: number,
  out: Float64Array,
): void {
  const s2 = s * s;
  const s3 = s2 * s;
  const h00 = 2 * s3 - 3 * s2 + 1;
  const h10 = (s3 - 2 * s2 + s) * h;
  const h01 = -2 * s3 + 3 * s2;
  const h11 = (s3 - s2) * h;
  // f = [vel, acc], y = [pos, vel]: pos uses (pos, vel), vel uses (vel, acc).
  for (let k = 0; k < 6; k++) out[k] = h00 * y0[k] + h10 * f0[k] + h01 * y1[k] + h11 * f1[k];
}

function locateImpact(
  earth: EarthModel,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  t1: number,
  y1: Float64Array,
  f1: Float64Array,
  out: Float64Array,
): number {
  const h = t1 - t0;
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 50; it++) {
    const mid = 0.5 * (lo + hi);
    hermiteState(h, y0, f0, y1, f1, mid, out);
    if (surfaceHeight(earth, out[0], out[1], out[2]) >= 0) lo = mid;
    else hi = mid;
    if ((hi - lo) * h < 1e-7) break;
  }
  hermiteState(h, y0, f0, y1, f1, hi, out);
  return t0 + hi * h;
}

function locateApogee(
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  t1: number,
  y1: Float64Array,
  f1: Float64Array,
  out: Float64Array,
): number {
  const h = t1 - t0;
  let lo = 0;
  let hi = 1;
  for (let it = 0; it < 40; it++) {
    const mid = 0.5 * (lo + hi);
    hermiteState(h, y0, f0, y1, f1, mid, out);
    if (out[0] * out[3] + out[1] * out[4] + out[2] * out[5] > 0) lo = mid;
    else hi = mid;
  }
  hermiteState(h, y0, f0, y1, f1, lo, out);
  return t0 + lo * h;
}
