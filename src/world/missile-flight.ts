import { UserError } from "../core/errors.ts";
import { geodesicDirect, geodesicInverse } from "../core/geodesy.ts";
import {
  type AimSolution,
  FlightSimulator,
  solveAim,
  TRAJECTORY_TYPES,
  type TrajectoryType,
} from "./aim-solver.ts";
import type { DenseTrajectory } from "./dense-trajectory.ts";
import { EARTH_WGS84, type EarthModel, surfaceHeight } from "./flight-model.ts";
import { type MissileClassSpec, missileClass } from "./missile-classes.ts";
import type { Mover, TruthState } from "./truth.ts";

/** Altitude separating midcourse from reentry (the conventional edge of the sensible atmosphere), m. */
export const REENTRY_ALTITUDE_M = 100e3;

/** A point on the ground (radians, metres above the WGS84 ellipsoid). */
export interface GroundPoint {
  readonly lat: number;
  readonly lon: number;
  readonly h?: number;
}

/** Where to aim: a point, or a launch azimuth (from north, clockwise, rad) and a ground range (m). */
export type AimSpec =
  | { readonly lat: number; readonly lon: number }
  | { readonly azimuth: number; readonly rangeM: number };

export interface MissileFlightSpec {
  readonly id: string;
  /** A class name ("SRBM", "MRBM", "IRBM", "ICBM") or a full class specification. */
  readonly missileClass: string | MissileClassSpec;
  /** Launch point, radians + metres. */
  readonly launchSite: GroundPoint;
  /** Launch time, s since scenario epoch. */
  readonly tLaunch: number;
  readonly aim: AimSpec;
  readonly trajectory: TrajectoryType;
  /** Apogee height wanted for lofted/depressed flights, m. */
  readonly apogeeTargetM?: number;
  /** Earth model (default WGS84 with J2, rotation, atmosphere); tests swap it. */
  readonly earth?: EarthModel;
}

export interface FlightSummary {
  /** Highest height above the ellipsoid, m. */
  readonly apogeeM: number;
  /** Launch to impact, s. */
  readonly flightTimeS: number;
  /** Geodesic launch → impact distance, m. */
  readonly groundRangeM: number;
  /** Impact point, radians. */
  readonly impact: { readonly lat: number; readonly lon: number };
  /** Geodesic distance of the impact from the aim point, m. */
  readonly aimErrorM: number;
  /** Thrust cutoff (RV separation), s since scenario epoch. */
  readonly burnoutT: number;
  /** Apogee time, s since scenario epoch. */
  readonly apogeeT: number;
  /** Aim point actually used (radians), after converting an azimuth/range aim. */
  readonly aimPoint: { readonly lat: number; readonly lon: number };
}

/** A spent stage leaving the stack at its burnout: where debris.ts starts fragments from. */
export interface StageRelease {
  readonly stageIndex: number;
  /** Release time, s since epoch. */
  readonly t: number;
  readonly pos: Float64Array;
  readonly vel: Float64Array;
  readonly ballisticCoefKgM2: number;
  readonly rcsM2: number;
}

/**
 * A planned missile flight: the aim solution integrated once into a dense trajectory, then sampled at
 * any time. `rcsM2` is the reentry vehicle's (what a tracker follows after burnout); `rcsAt(t)` gives
 * the whole missile's during boost.
 */
export class MissileFlight implements Mover {
  readonly kind: string;
  readonly tStart: number;
  readonly tEnd: number;
  readonly rcsM2: number;
  readonly burnoutT: number;
  private readonly boostRcs: number;
  private readonly earth: EarthModel;

  constructor(
    readonly id: string,
    readonly vehicle: MissileClassSpec,
    readonly trajectoryType: TrajectoryType,
    readonly tLaunch: number,
    /** Times relative to launch. */
    readonly trajectory: DenseTrajectory,
    readonly summary: FlightSummary,
    readonly solution: AimSolution,
    readonly stageReleases: readonly StageRelease[],
    earth: EarthModel,
  ) {
    this.kind = vehicle.name;
    this.tStart = tLaunch;
    this.tEnd = tLaunch + trajectory.tEnd;
    this.rcsM2 = vehicle.rvRcsM2;
    this.boostRcs = vehicle.boostRcsM2;
    this.burnoutT = summary.burnoutT;
    this.earth = earth;
  }

  rcsAt(t: number): number {
    return t < this.burnoutT ? this.boostRcs : this.rcsM2;
  }

  sample(t: number, out: TruthState): boolean {
    if (!this.trajectory.interpolate(t - this.tLaunch, out.pos, out.vel)) return false;
    const p = out.pos;
    const v = out.vel;
    if (t < this.burnoutT) {
      out.phase = "boost";
      out.burning = true;
      return true;
    }
    out.burning = false;
    const descending = p[0] * v[0] + p[1] * v[1] + p[2] * v[2] < 0;
    out.phase =
      descending && surfaceHeight(this.earth, p[0], p[1], p[2]) < REENTRY_ALTITUDE_M
        ? "reentry"
        : "midcourse";
    return true;
  }
}

function finiteField(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new UserError(`${field}: must be a finite number`);
  return v;
}

function checkLatLon(p: { lat: unknown; lon: unknown }, field: string): void {
  const lat = finiteField(p.lat, `${field}.lat`);
  finiteField(p.lon, `${field}.lon`);
  if (Math.abs(lat) > Math.PI / 2) throw new UserError(`${field}.lat: must be within ±90° (±π/2 rad)`);
}

/** Validates the spec, solves the aim, integrates the flight. Throws UserError on bad or unreachable input. */
export function planMissileFlight(spec: MissileFlightSpec): MissileFlight {
  if (typeof spec.id !== "string" || spec.id.length === 0)
    throw new UserError("id: must be a non-empty string");
  const vehicle = typeof spec.missileClass === "string" ? missileClass(spec.missileClass) : spec.missileClass;
  if (!TRAJECTORY_TYPES.includes(spec.trajectory)) {
    throw new UserError(
      `trajectory: unknown type "${spec.trajectory}" (expected one of ${TRAJECTORY_TYPES.join(", ")})`,
    );
  }
  checkLatLon(spec.launchSite, "launchSite");
  const h = spec.launchSite.h ?? 0;
  finiteField(h, "launchSite.h");
  finiteField(spec.tLaunch, "tLaunch");
  if (spec.apogeeTargetM !== undefined) {
    finiteField(spec.apogeeTargetM, "apogeeTargetM");
    if (spec.apogeeTargetM <= 0) throw new UserError("apogeeTargetM: must be positive");
    if (spec.trajectory === "minimum-energy") {
      throw new UserError("apogeeTargetM: only lofted or depressed trajectories take an apogee target");
    }
  }
  let aimLat: number;
  let aimLon: number;
  if ("azimuth" in spec.aim) {
    finiteField(spec.aim.azimuth, "aim.azimuth");
    const r = finiteField(spec.aim.rangeM, "aim.rangeM");
    if (r <= 0) throw new UserError("aim.rangeM: must be positive");
    const d = geodesicDirect(spec.launchSite.lat, spec.launchSite.lon, spec.aim.azimuth, r);
    aimLat = d.lat;
    aimLon = d.lon;
  } else {
    checkLatLon(spec.aim, "aim");
    aimLat = spec.aim.lat;
    aimLon = spec.aim.lon;
  }
  const earth = spec.earth ?? EARTH_WGS84;
  let solution: AimSolution;
  try {
    solution = solveAim({
      vehicle,
      launchLatRad: spec.launchSite.lat,
      launchLonRad: spec.launchSite.lon,
      launchHeightM: h,
      aimLatRad: aimLat,
      aimLonRad: aimLon,
      trajectory: spec.trajectory,
      apogeeTargetM: spec.apogeeTargetM,
      earth,
    });
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`launch ${spec.id}: ${e.message}`, e.details);
    throw e;
  }
  // The stored trajectory: the same accurate integration the solver's polish used, now recorded.
  const sim = new FlightSimulator(vehicle, spec.launchSite.lat, spec.launchSite.lon, h, earth);
  const flown = sim.run(solution.controls, true, true);
  const traj = flown.result.trajectory;
  if (!flown.impacted || traj === null)
    throw new Error(`launch ${spec.id}: planned flight did not come down`);
  const dyn = sim.dynamics(solution.controls);
  const burnoutRel = dyn.burnoutS;
  const groundRangeM = geodesicInverse(
    spec.launchSite.lat,
    spec.launchSite.lon,
    flown.latRad,
    flown.lonRad,
  ).distanceM;
  const aimErrorM = geodesicInverse(flown.latRad, flown.lonRad, aimLat, aimLon).distanceM;

  const releases: StageRelease[] = [];
  let tStage = 0;
  for (let i = 0; i < vehicle.stages.length; i++) {
    const s = vehicle.stages[i];
    const tEndStage = Math.min(tStage + s.burnTimeS, burnoutRel);
    if (tStage >= burnoutRel) break;
    const pos = new Float64Array(3);
    const vel = new Float64Array(3);
    traj.interpolate(tEndStage, pos, vel);
    releases.push({
      stageIndex: i,
      t: spec.tLaunch + tEndStage,
      pos,
      vel,
      ballisticCoefKgM2: s.spentBallisticCoefKgM2,
      rcsM2: s.spentRcsM2,
    });
    tStage += s.burnTimeS;
  }

  const summary: FlightSummary = {
    apogeeM: flown.apogeeM,
    flightTimeS: flown.flightTimeS,
    groundRangeM,
    impact: { lat: flown.latRad, lon: flown.lonRad },
    aimErrorM,
    burnoutT: spec.tLaunch + burnoutRel,
    apogeeT: spec.tLaunch + flown.result.apogeeT,
    aimPoint: { lat: aimLat, lon: aimLon },
  };
  return new MissileFlight(
    spec.id,
    vehicle,
    spec.trajectory,
    spec.tLaunch,
    traj,
    summary,
    solution,
    releases,
    earth,
  );
}
