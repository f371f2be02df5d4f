import { UserError } from "../core/errors.ts";
import { ecefToGeodeticInto, geodesicInverse, geodeticToEcef } from "../core/geodesy.ts";
import {
  type BoostControls,
  BoostDynamics,
  EARTH_WGS84,
  type EarthModel,
  type IntegrateOptions,
  type IntegrationResult,
  integrateFlight,
} from "./flight-model.ts";
import { type MissileClassSpec, totalBurnTimeS } from "./missile-classes.ts";

/**
 * Finds the boost controls (launch azimuth, pitch programme, cutoff time) that put a missile's reentry
 * vehicle on an aim point, for a chosen trajectory type:
 *
 * - "minimum-energy": the least burn that reaches the aim (shortest cutoff time over all pitch
 *   programmes) — the classic maximum-range-per-energy trajectory.
 * - "lofted": steeper than minimum energy. With an apogee target, the flight whose apogee equals the
 *   target; without one, the full burn on the steep branch (how test flights into nearby seas are flown).
 * - "depressed": flatter than minimum energy. With an apogee target, that apogee; without one, half the
 *   minimum-energy apogee for the same range.
 *
 * Method. The miss splits into a range error and an azimuth error. The shape of the trajectory (pitch
 * angle φ, cutoff time t_c) is solved first at the geodesic azimuth with a fast, loose integration:
 * t_c(φ) hitting the range is a bracketed Brent root (range grows with burn); minimum energy is a
 * golden-section minimum of t_c(φ); apogee targets are Brent roots of apogee(φ) along t_c(φ); the full-
 * burn lofted case is a Brent root in φ below the maximum-range angle. Then a polish with the accurate
 * integration (the same one that produces the stored trajectory) corrects the azimuth (the impact
 * azimuth moves one-for-one with the launch azimuth, plus Coriolis drift) and the range by secant steps
 * until the miss is below 20 m. Every step is deterministic.
 */
export type TrajectoryType = "minimum-energy" | "lofted" | "depressed";
export const TRAJECTORY_TYPES: readonly TrajectoryType[] = ["minimum-energy", "lofted", "depressed"];

export interface AimRequest {
  readonly vehicle: MissileClassSpec;
  readonly launchLatRad: number;
  readonly launchLonRad: number;
  readonly launchHeightM: number;
  readonly aimLatRad: number;
  readonly aimLonRad: number;
  readonly trajectory: TrajectoryType;
  /** Apogee height wanted (lofted or depressed), m. */
  readonly apogeeTargetM?: number;
  readonly earth?: EarthModel;
}

export interface AimSolution {
  readonly controls: BoostControls;
  readonly impactLatRad: number;
  readonly impactLonRad: number;
  /** Geodesic distance impact → aim point, m. */
  readonly aimErrorM: number;
  readonly apogeeM: number;
  /** Launch to impact, s. */
  readonly flightTimeS: number;
  /** Number of flights simulated to find the solution. */
  readonly simulations: number;
}

/** Integration settings of the stored trajectory; the polish uses the very same so the result matches. */
export const ACCURATE_INTEGRATION = { rtol: 1e-9, atol: 1e-6, hMax: 20 } as const;
const LOOSE_INTEGRATION = { rtol: 1e-7, atol: 1e-4, hMax: 200 } as const;
/** No flight considered lasts longer (a lofted ICBM needs ~1.5 h; an orbit never lands). */
const MAX_FLIGHT_S = 4 * 3600;
const DEG = Math.PI / 180;
const PHI_MIN = 0.2 * DEG;
const PHI_MAX = 88 * DEG;
/** Range given to flights that never come down within MAX_FLIGHT_S (treated as "too far"). */
const NO_IMPACT_RANGE_M = 4.1e7;
const MISS_TOLERANCE_M = 20;

export interface SimOutcome {
  readonly impacted: boolean;
  readonly rangeM: number;
  readonly azimuthRad: number;
  readonly latRad: number;
  readonly lonRad: number;
  readonly apogeeM: number;
  readonly flightTimeS: number;
  readonly result: IntegrationResult;
}

/** Simulates boosted flights from one launch site. */
export class FlightSimulator {
  readonly launchEcef: Float64Array;
  readonly earth: EarthModel;
  private readonly y0 = new Float64Array(6);
  private readonly geo = new Float64Array(3);
  count = 0;

  constructor(
    readonly vehicle: MissileClassSpec,
    readonly launchLatRad: number,
    readonly launchLonRad: number,
    readonly launchHeightM: number,
    earth: EarthModel = EARTH_WGS84,
  ) {
    this.earth = earth;
    this.launchEcef = geodeticToEcef(launchLatRad, launchLonRad, launchHeightM);
    this.y0.set(this.launchEcef);
  }

  dynamics(controls: BoostControls): BoostDynamics {
    return new BoostDynamics(
      this.earth,
      this.vehicle,
      this.launchEcef,
      this.launchLatRad,
      this.launchLonRad,
      controls,
    );
  }

  run(controls: BoostControls, accurate: boolean, record = false): SimOutcome {
    this.count++;
    const opts: IntegrateOptions = {
      ...(accurate ? ACCURATE_INTEGRATION : LOOSE_INTEGRATION),
      tMax: MAX_FLIGHT_S,
      record,
      impactArmedAfter: controls.cutoffS,
    };
    const result = integrateFlight(this.dynamics(controls), 0, this.y0, opts);
    // A flight that passed more than a quarter of the globe and then came back toward the launch point
    // went over the far side: the geodesic to its impact points the wrong way. Count it as too far.
    const e0 = result.endState;
    const l = this.launchEcef;
    const endArc = Math.acos(
      Math.max(
        -1,
        Math.min(
          1,
          (e0[0] * l[0] + e0[1] * l[1] + e0[2] * l[2]) /
            (Math.hypot(e0[0], e0[1], e0[2]) * Math.hypot(l[0], l[1], l[2])),
        ),
      ),
    );
    const overflown = result.maxArcRad > Math.PI / 2 && result.maxArcRad > endArc + 0.01;
    if (!result.impacted || overflown) {
      return {
        impacted: false,
        rangeM: NO_IMPACT_RANGE_M,
        azimuthRad: controls.azimuthRad,
        latRad: Number.NaN,
        lonRad: Number.NaN,
        apogeeM: result.apogeeM,
        flightTimeS: Number.POSITIVE_INFINITY,
        result,
      };
    }
    const e = result.endState;
    ecefToGeodeticInto(e[0], e[1], e[2], this.geo);
    const inv = geodesicInverse(this.launchLatRad, this.launchLonRad, this.geo[0], this.geo[1]);
    return {
      impacted: true,
      rangeM: inv.distanceM,
      azimuthRad: inv.azimuth1,
      latRad: this.geo[0],
      lonRad: this.geo[1],
      apogeeM: result.apogeeM,
      flightTimeS: result.tEnd,
      result,
    };
  }
}

/**
 * Brent's root finder on [a, b] with f(a)·f(b) ≤ 0 (Brent 1973, as in Numerical Recipes `zbrent`).
 * Returns the abscissa within `tol`.
 */
export function brentRoot(
  f: (x: number) => number,
  a: number,
  b: number,
  fa: number,
  fb: number,
  tol: number,
  maxIter = 60,
): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa * fb > 0) throw new Error("brentRoot: root not bracketed");
  let c = b;
  let fc = fb;
  let d = b - a;
  let e = d;
  for (let it = 0; it < maxIter; it++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
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
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      const min1 = 3 * xm * q - Math.abs(tol1 * q);
      const min2 = Math.abs(e * q);
      if (2 * p < Math.min(min1, min2)) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  return b;
}

/** Golden-section minimum of a unimodal f on [a, b], to `tol`. Returns [x, f(x)]. */
export function goldenMin(f: (x: number) => number, a: number, b: number, tol: number): [number, number] {
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = b - g * (b - a);
  let x2 = a + g * (b - a);
  let f1 = f(x1);
  let f2 = f(x2);
  while (b - a > tol) {
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - g * (b - a);
      f1 = f(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + g * (b - a);
      f2 = f(x2);
    }
  }
  return f1 <= f2 ? [x1, f1] : [x2, f2];
}

interface Shape {
  phi: number;
  cutoff: number;
}

/**
 * Solves the trajectory shape (pitch φ, cutoff c) for a range at a fixed launch azimuth, with the loose
 * integration. For a fixed cutoff, downrange as a function of φ rises to a maximum at φ*(c) and falls
 * again: the steep branch (φ < φ*) holds the lofted flights, the flat branch the depressed ones. The
 * minimum-energy cutoff c_me is where the maximum just reaches the range; above it each branch has one
 * solution φ(c), and the apogee along each branch is monotone in c (rising on the steep branch, falling
 * on the flat one) — so every trajectory type is a bracketed one-dimensional root or extremum.
 */
class ShapeSolver {
  readonly tBurn: number;
  readonly tMin: number;

  constructor(
    private readonly sim: FlightSimulator,
    /** Launch azimuth flown. */
    private readonly azimuth: number,
    /** Direction (from the launch point) along which range is measured: toward the aim. */
    private readonly aimAzimuth: number,
    private readonly rangeM: number,
  ) {
    this.tBurn = totalBurnTimeS(sim.vehicle);
    this.tMin = Math.min(sim.vehicle.verticalRiseS + 4, 0.5 * this.tBurn);
  }

  fly(phi: number, cutoff: number): SimOutcome {
    return this.sim.run({ azimuthRad: this.azimuth, pitchFinalRad: phi, cutoffS: cutoff }, false);
  }

  /**
   * Signed downrange of a flight: the launch→impact distance projected on the aim direction. Signed,
   * because a steep flight drifts west with Earth rotation and may land behind the launch point.
   */
  downrange(o: SimOutcome): number {
    return o.impacted ? o.rangeM * Math.cos(o.azimuthRad - this.aimAzimuth) : NO_IMPACT_RANGE_M;
  }

  /** Downrange minus the wanted range, m. */
  excess(phi: number, cutoff: number): number {
    return this.downrange(this.fly(phi, cutoff)) - this.rangeM;
  }

  /** Pitch of the longest flight with cutoff c, and its excess. */
  maxAt(cutoff: number): [number, number] {
    const [phi, neg] = goldenMin((p) => -this.excess(p, cutoff), PHI_MIN, PHI_MAX, 0.02 * DEG);
    return [phi, -neg];
  }

  /** Steep-branch pitch that reaches the range with cutoff c (the maximum at c must reach it). */
  steepAt(cutoff: number, phiStar: number, excessStar: number): number {
    const fLo = this.excess(PHI_MIN, cutoff);
    if (fLo > 0) {
      throw new UserError(
        `aim: ground range ${(this.rangeM / 1e3).toFixed(0)} km is too short for a ${this.sim.vehicle.name} burning ${cutoff.toFixed(0)} s; choose another trajectory or apogee`,
      );
    }
    return brentRoot((p) => this.excess(p, cutoff), PHI_MIN, phiStar, fLo, excessStar, 1e-7);
  }

  /** Flat-branch pitch that reaches the range with cutoff c, or null if even the flattest goes too far. */
  flatAt(cutoff: number, phiStar: number, excessStar: number): number | null {
    const fHi = this.excess(PHI_MAX, cutoff);
    if (fHi > 0) return null;
    return brentRoot((p) => this.excess(p, cutoff), phiStar, PHI_MAX, excessStar, fHi, 1e-7);
  }

  /** Minimum-energy shape: the shortest cutoff whose longest flight reaches the range. */
  minimumEnergy(): Shape {
    const [, eFull] = this.maxAt(this.tBurn);
    if (eFull < 0) this.outOfRange(eFull + this.rangeM);
    const [, eMin] = this.maxAt(this.tMin);
    if (eMin >= 0) {
      throw new UserError(
        `aim: ground range ${(this.rangeM / 1e3).toFixed(1)} km is too short for class ${this.sim.vehicle.name}`,
      );
    }
    const cutoff = brentRoot((c) => this.maxAt(c)[1], this.tMin, this.tBurn, eMin, eFull, 1e-4);
    const [phi] = this.maxAt(cutoff);
    return { phi, cutoff };
  }

  /** Apogee of the flight on a branch at cutoff c (NaN where the branch has no solution). */
  private branchAt(side: "lofted" | "depressed", cutoff: number): { phi: number; apogeeM: number } | null {
    const [phiStar, eStar] = this.maxAt(cutoff);
    if (eStar < 0) return null;
    const phi =
      side === "lofted" ? this.steepAt(cutoff, phiStar, eStar) : this.flatAt(cutoff, phiStar, eStar);
    if (phi === null) return null;
    return { phi, apogeeM: this.fly(phi, cutoff).apogeeM };
  }

  /** Full-burn flight on the steep branch: the default lofted trajectory. */
  fullBurnLofted(): Shape {
    const [phiStar, eStar] = this.maxAt(this.tBurn);
    if (eStar < 0) this.outOfRange(eStar + this.rangeM);
    return { phi: this.steepAt(this.tBurn, phiStar, eStar), cutoff: this.tBurn };
  }

  /** Largest cutoff for which the flat branch still has a solution (the flattest pitch reaches no further). */
  private flatLimit(me: Shape): number {
    if (this.excess(PHI_MAX, this.tBurn) <= 0) return this.tBurn;
    if (this.excess(PHI_MAX, me.cutoff) >= 0) return me.cutoff;
    const lo = me.cutoff;
    let c = brentRoot(
      (x) => this.excess(PHI_MAX, x),
      lo,
      this.tBurn,
      this.excess(PHI_MAX, lo),
      this.excess(PHI_MAX, this.tBurn),
      1e-4,
    );
    // Step back inside so the flattest flight at the limit still falls short of (or on) the range.
    for (let k = 0; k < 20 && c > lo && this.excess(PHI_MAX, c) > 0; k++) c = Math.max(lo, c - 1e-3 * 2 ** k);
    return c;
  }

  /** Apogee range a branch can fly to this range: [minimum-energy apogee, extreme apogee]. */
  apogeeSpan(side: "lofted" | "depressed", me: Shape): [number, number, number] {
    const apoMe = this.fly(me.phi, me.cutoff).apogeeM;
    const cEnd = side === "lofted" ? this.tBurn : this.flatLimit(me);
    const end = this.branchAt(side, cEnd);
    return [apoMe, end ? end.apogeeM : apoMe, cEnd];
  }

  /** Shape with a given apogee on the steep (lofted) or flat (depressed) branch. */
  apogeeTarget(targetM: number, side: "lofted" | "depressed", me: Shape): Shape {
    const [apoMe, apoEnd, cEnd] = this.apogeeSpan(side, me);
    const fLo = apoMe - targetM;
    const fHi = apoEnd - targetM;
    if (fLo * fHi > 0) {
      const a = Math.min(apoEnd, apoMe) / 1e3;
      const b = Math.max(apoEnd, apoMe) / 1e3;
      throw new UserError(
        `aim: apogee target ${(targetM / 1e3).toFixed(0)} km is outside what a ${side} ${this.sim.vehicle.name} can fly to ${(this.rangeM / 1e3).toFixed(0)} km (${a.toFixed(0)}–${b.toFixed(0)} km)`,
      );
    }
    const apo = (c: number): number => {
      const b = this.branchAt(side, c);
      return b ? b.apogeeM - targetM : fHi;
    };
    const cutoff = brentRoot(apo, me.cutoff, cEnd, fLo, fHi, 1e-4);
    const b = this.branchAt(side, cutoff);
    if (!b) return me;
    return { phi: b.phi, cutoff };
  }

  /** Depressed default: half the minimum-energy apogee, or the flattest flight if that is higher. */
  depressedDefault(me: Shape): Shape {
    const [apoMe, apoEnd] = this.apogeeSpan("depressed", me);
    return this.apogeeTarget(Math.max(0.5 * apoMe, apoEnd * 1.0001), "depressed", me);
  }

  outOfRange(maxM: number): never {
    throw new UserError(
      `aim: ground range ${(this.rangeM / 1e3).toFixed(0)} km is beyond the reach of class ${this.sim.vehicle.name} (about ${(maxM / 1e3).toFixed(0)} km)`,
    );
  }
}

/** Miss of an impact from the aim point as (east, north) metres at the aim point; null if no impact. */
function missVector(o: SimOutcome, aimLat: number, aimLon: number, out: Float64Array): boolean {
  if (!o.impacted) return false;
  const inv = geodesicInverse(aimLat, aimLon, o.latRad, o.lonRad);
  out[0] = inv.distanceM * Math.sin(inv.azimuth1);
  out[1] = inv.distanceM * Math.cos(inv.azimuth1);
  return true;
}

interface Controls {
  az: number;
  phi: number;
  cut: number;
}

/**
 * Damped Newton on (launch azimuth, range control) → miss vector, with a finite-difference Jacobian.
 * The range control is the cutoff time, or the pitch for full-burn flights. Azimuth and range are not
 * decoupled for steep flights (Earth rotation drifts the impact west by as much as the downrange), so
 * a joint 2×2 step is needed rather than separate fixed-point corrections.
 */
function newtonPolish(
  sim: FlightSimulator,
  start: Controls,
  rangeByPitch: boolean,
  tMin: number,
  tBurn: number,
  aimLat: number,
  aimLon: number,
  accurate: boolean,
  tolM: number,
): { controls: Controls; outcome: SimOutcome; missM: number } {
  const cur = { ...start };
  const clamp = (c: Controls): Controls => ({
    az: c.az,
    phi: Math.min(PHI_MAX, Math.max(PHI_MIN, c.phi)),
    cut: Math.min(tBurn, Math.max(tMin, c.cut)),
  });
  const fly = (c: Controls): SimOutcome =>
    sim.run({ azimuthRad: c.az, pitchFinalRad: c.phi, cutoffS: c.cut }, accurate);
  const m0 = new Float64Array(2);
  const ma = new Float64Array(2);
  const mc = new Float64Array(2);
  let out = fly(cur);
  if (!missVector(out, aimLat, aimLon, m0))
    throw new Error("aim solver: the starting flight did not come down");
  let miss = Math.hypot(m0[0], m0[1]);
  for (let it = 0; it < 12 && miss > tolM; it++) {
    const dAz = 2e-5;
    const dC = rangeByPitch ? 2e-5 : tBurn * 1e-5;
    const pa = { ...cur, az: cur.az + dAz };
    const pc = rangeByPitch ? { ...cur, phi: cur.phi + dC } : { ...cur, cut: cur.cut - dC };
    if (!missVector(fly(pa), aimLat, aimLon, ma) || !missVector(fly(pc), aimLat, aimLon, mc)) break;
    const sC = rangeByPitch ? dC : -dC;
    const j11 = (ma[0] - m0[0]) / dAz;
    const j21 = (ma[1] - m0[1]) / dAz;
    const j12 = (mc[0] - m0[0]) / sC;
    const j22 = (mc[1] - m0[1]) / sC;
    const det = j11 * j22 - j12 * j21;
    if (det === 0 || !Number.isFinite(det)) break;
    let stepAz = -(j22 * m0[0] - j12 * m0[1]) / det;
    let stepC = -(-j21 * m0[0] + j11 * m0[1]) / det;
    let improved = false;
    for (let k = 0; k < 8; k++) {
      const trial = clamp({
        az: cur.az + stepAz,
        phi: rangeByPitch ? cur.phi + stepC : cur.phi,
        cut: rangeByPitch ? cur.cut : cur.cut + stepC,
      });
      const o = fly(trial);
      if (missVector(o, aimLat, aimLon, ma)) {
        const m = Math.hypot(ma[0], ma[1]);
        if (m < miss) {
          Object.assign(cur, trial);
          out = o;
          m0.set(ma);
          miss = m;
          improved = true;
          break;
        }
      }
      stepAz *= 0.5;
      stepC *= 0.5;
    }
    if (!improved) break;
  }
  return { controls: cur, outcome: out, missM: miss };
}

function solveShape(
  req: AimRequest,
  sim: FlightSimulator,
  launchAz: number,
  aimAz: number,
  rangeM: number,
): { shape: Shape; rangeByPitch: boolean; shaper: ShapeSolver } {
  const shaper = new ShapeSolver(sim, launchAz, aimAz, rangeM);
  if (req.trajectory === "lofted" && req.apogeeTargetM === undefined) {
    return { shape: shaper.fullBurnLofted(), rangeByPitch: true, shaper };
  }
  const me = shaper.minimumEnergy();
  if (req.trajectory === "minimum-energy") return { shape: me, rangeByPitch: false, shaper };
  const shape =
    req.apogeeTargetM !== undefined
      ? shaper.apogeeTarget(req.apogeeTargetM, req.trajectory, me)
      : shaper.depressedDefault(me);
  return { shape, rangeByPitch: true, shaper };
}

export function solveAim(req: AimRequest): AimSolution {
  const earth = req.earth ?? EARTH_WGS84;
  const sim = new FlightSimulator(req.vehicle, req.launchLatRad, req.launchLonRad, req.launchHeightM, earth);
  const aim = geodesicInverse(req.launchLatRad, req.launchLonRad, req.aimLatRad, req.aimLonRad);
  const rangeM = aim.distanceM;

  // Pass 1: shape at the geodesic azimuth, then the azimuth that cancels the cross-range (loose).
  const first = solveShape(req, sim, aim.azimuth1, aim.azimuth1, rangeM);
  const { shaper } = first;
  const coarse = newtonPolish(
    sim,
    { az: aim.azimuth1, phi: first.shape.phi, cut: first.shape.cutoff },
    first.rangeByPitch,
    shaper.tMin,
    shaper.tBurn,
    req.aimLatRad,
    req.aimLonRad,
    false,
    200,
  );
  // Pass 2: the shape again at that azimuth (the trajectory-type condition holds for the flight
  // actually flown), then the accurate polish with the integration that the stored trajectory uses.
  const second = solveShape(req, sim, coarse.controls.az, aim.azimuth1, rangeM);
  const fine = newtonPolish(
    sim,
    { az: coarse.controls.az, phi: second.shape.phi, cut: second.shape.cutoff },
    second.rangeByPitch,
    shaper.tMin,
    shaper.tBurn,
    req.aimLatRad,
    req.aimLonRad,
    true,
    MISS_TOLERANCE_M,
  );
  const out = fine.outcome;
  return {
    controls: { azimuthRad: fine.controls.az, pitchFinalRad: fine.controls.phi, cutoffS: fine.controls.cut },
    impactLatRad: out.latRad,
    impactLonRad: out.lonRad,
    aimErrorM: fine.missM,
    apogeeM: out.apogeeM,
    flightTimeS: out.flightTimeS,
    simulations: sim.count,
  };
}
