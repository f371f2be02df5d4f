import { UserError } from "../core/errors.ts";
import { geodesicDirect, geodesicInverse, geodeticToEcef, WGS84 } from "../core/geodesy.ts";
import type { Mover, TruthState } from "./truth.ts";

/**
 * Aircraft and drones flying legs between waypoints along geodesics (the ellipsoidal great circles) at
 * a constant ground speed per leg, with the altitude changing linearly along each leg. Phase "air".
 * Good enough for air tracks (slow, nearly level); not a flight-dynamics model.
 */
export interface Waypoint {
  /** Radians. */
  readonly lat: number;
  readonly lon: number;
  /** Height above the ellipsoid, m. */
  readonly altM: number;
  /** Ground speed on the leg that ENDS here, m/s (ignored on the first waypoint). */
  readonly speedMs?: number;
  /** Loiter here for this long before the next leg, s. */
  readonly holdS?: number;
}

export interface WaypointMoverSpec {
  readonly id: string;
  /** "aircraft", "drone", … */
  readonly kind: string;
  readonly tStart: number;
  readonly waypoints: readonly Waypoint[];
  /** Default ground speed for legs without their own, m/s. */
  readonly speedMs?: number;
  readonly rcsM2: number;
}

interface Leg {
  t0: number;
  t1: number;
  lat0: number;
  lon0: number;
  az0: number;
  distM: number;
  alt0: number;
  alt1: number;
}

export class WaypointMover implements Mover {
  readonly id: string;
  readonly kind: string;
  readonly tStart: number;
  readonly tEnd: number;
  readonly rcsM2: number;
  private readonly legs: Leg[] = [];
  private hint = 0;
  private readonly scratch = new Float64Array(3);

  constructor(spec: WaypointMoverSpec) {
    if (typeof spec.id !== "string" || spec.id === "") throw new UserError("id: must be a non-empty string");
    const f = `mover ${spec.id}`;
    if (!(spec.rcsM2 > 0)) throw new UserError(`${f}: rcsM2: must be a positive number`);
    if (!Number.isFinite(spec.tStart)) throw new UserError(`${f}: tStart: must be a finite number`);
    const wps = spec.waypoints;
    if (!Array.isArray(wps) || wps.length < 2) throw new UserError(`${f}: waypoints: need at least two`);
    this.id = spec.id;
    this.kind = spec.kind;
    this.rcsM2 = spec.rcsM2;
    this.tStart = spec.tStart;
    let t = spec.tStart;
    for (let i = 0; i < wps.length; i++) {
      const w = wps[i];
      if (!Number.isFinite(w.lat) || Math.abs(w.lat) > Math.PI / 2 || !Number.isFinite(w.lon)) {
        throw new UserError(`${f}: waypoints[${i}]: lat/lon must be finite radians with |lat| ≤ π/2`);
      }
      if (!Number.isFinite(w.altM))
        throw new UserError(`${f}: waypoints[${i}].altM: must be a finite number`);
      if (i === 0) continue;
      const prev = wps[i - 1];
      const speed = w.speedMs ?? spec.speedMs;
      if (speed === undefined || !(speed > 0)) {
        throw new UserError(`${f}: waypoints[${i}].speedMs: must be positive (or give a default speedMs)`);
      }
      const hold = prev.holdS ?? 0;
      if (!(hold >= 0)) throw new UserError(`${f}: waypoints[${i - 1}].holdS: must be ≥ 0`);
      if (hold > 0) {
        this.legs.push({
          t0: t,
          t1: t + hold,
          lat0: prev.lat,
          lon0: prev.lon,
          az0: 0,
          distM: 0,
          alt0: prev.altM,
          alt1: prev.altM,
        });
        t += hold;
      }
      const inv = geodesicInverse(prev.lat, prev.lon, w.lat, w.lon);
      const dur = inv.distanceM / speed;
      this.legs.push({
        t0: t,
        t1: t + dur,
        lat0: prev.lat,
        lon0: prev.lon,
        az0: inv.azimuth1,
        distM: inv.distanceM,
        alt0: prev.altM,
        alt1: w.altM,
      });
      t += dur;
    }
    this.tEnd = t;
  }

  private legAt(t: number): Leg {
    const legs = this.legs;
    let i = this.hint;
    if (!(legs[i].t0 <= t && t <= legs[i].t1)) {
      i = 0;
      while (i < legs.length - 1 && t > legs[i].t1) i++;
      this.hint = i;
    }
    return legs[i];
  }

  sample(t: number, out: TruthState): boolean {
    if (!(t >= this.tStart && t <= this.tEnd)) return false;
    const leg = this.legAt(t);
    const dur = leg.t1 - leg.t0;
    const s = dur > 0 ? (t - leg.t0) / dur : 0;
    const alt = leg.alt0 + s * (leg.alt1 - leg.alt0);
    out.phase = "air";
    out.burning = false;
    if (leg.distM === 0) {
      out.pos.set(geodeticToEcef(leg.lat0, leg.lon0, alt, this.scratch));
      out.vel.fill(0);
      return true;
    }
    const d = geodesicDirect(leg.lat0, leg.lon0, leg.az0, s * leg.distM);
    out.pos.set(geodeticToEcef(d.lat, d.lon, alt, this.scratch));
    // Velocity: ground speed along the local azimuth plus the climb rate, rotated ENU → ECEF.
    const speed = leg.distM / dur;
    // The climb rate ignores the slight change of horizontal speed with altitude along the leg.
    const climb = (leg.alt1 - leg.alt0) / dur;
    const sl = Math.sin(d.lat);
    // Speeds are along the ellipsoid; at height h the point moves (R+h)/R faster (R = the prime-vertical
    // radius N east-west, the meridian radius M north-south), so position and velocity stay consistent.
    const w = 1 - WGS84.e2 * sl * sl;
    const N = WGS84.a / Math.sqrt(w);
    const M = (WGS84.a * (1 - WGS84.e2)) / (w * Math.sqrt(w));
    const ve = speed * Math.sin(d.azimuth2) * ((N + alt) / N);
    const vn = speed * Math.cos(d.azimuth2) * ((M + alt) / M);
    const cl = Math.cos(d.lat);
    const so = Math.sin(d.lon);
    const co = Math.cos(d.lon);
    out.vel[0] = -so * ve - sl * co * vn + cl * co * climb;
    out.vel[1] = co * ve - sl * so * vn + cl * so * climb;
    out.vel[2] = cl * vn + sl * climb;
    return true;
  }
}
