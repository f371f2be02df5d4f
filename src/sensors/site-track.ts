/**
 * Where a sensor platform is over time: fixed on land or at sea, or a ship sailing a waypoint track.
 *
 * A track is a list of timed waypoints; between two waypoints the ship moves with latitude and
 * longitude changing linearly in time (a rhumb-like path: for legs of tens to hundreds of kilometres
 * the difference from the geodesic is far below a radar's accuracy). Before the first waypoint the ship
 * waits at it; after the last it stays there. The antenna height above the ellipsoid is constant.
 * Velocity is the exact time derivative of that path in ECEF (meridian and prime-vertical radii).
 */

import { UserError } from "../core/errors.ts";
import { WGS84 } from "../core/geodesy.ts";
import { type LocalFrame, wrapPi } from "./site-geometry.ts";

export interface Waypoint {
  /** Time the ship is at this point, s since epoch. */
  readonly tS: number;
  readonly latRad: number;
  readonly lonRad: number;
}

export type SitePlacement =
  | { readonly latRad: number; readonly lonRad: number; readonly hM: number }
  | { readonly waypoints: readonly Waypoint[]; readonly hM: number };

export class SiteTrack {
  readonly moving: boolean;
  private readonly ts: Float64Array;
  private readonly lats: Float64Array;
  private readonly lons: Float64Array;
  readonly hM: number;

  constructor(placement: SitePlacement, field = "site") {
    if ("waypoints" in placement) {
      const w = placement.waypoints;
      if (!Array.isArray(w) || w.length === 0) {
        throw new UserError(`${field}.waypoints: needs at least one waypoint`);
      }
      this.ts = new Float64Array(w.length);
      this.lats = new Float64Array(w.length);
      this.lons = new Float64Array(w.length);
      for (let i = 0; i < w.length; i++) {
        checkLatLon(w[i].latRad, w[i].lonRad, `${field}.waypoints[${i}]`);
        if (!Number.isFinite(w[i].tS))
          throw new UserError(`${field}.waypoints[${i}].tS: must be a finite time`);
        if (i > 0 && !(w[i].tS > w[i - 1].tS)) {
          throw new UserError(`${field}.waypoints[${i}].tS: waypoint times must increase strictly`);
        }
        this.ts[i] = w[i].tS;
        this.lats[i] = w[i].latRad;
        this.lons[i] = w[i].lonRad;
      }
      this.moving = w.length > 1;
    } else {
      checkLatLon(placement.latRad, placement.lonRad, field);
      this.ts = Float64Array.of(0);
      this.lats = Float64Array.of(placement.latRad);
      this.lons = Float64Array.of(placement.lonRad);
      this.moving = false;
    }
    if (!Number.isFinite(placement.hM) || Math.abs(placement.hM) > 100_000) {
      throw new UserError(`${field}.hM: must be a height in metres between -100 km and 100 km`);
    }
    this.hM = placement.hM;
  }

  /** Index i of the leg [t_i, t_{i+1}] holding t, or -1 before the first / n-1 after the last waypoint. */
  private leg(t: number): number {
    const ts = this.ts;
    const n = ts.length;
    if (t < ts[0]) return -1;
    if (t >= ts[n - 1]) return n - 1;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] <= t) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** Places `frame` at the platform's position at time t. */
  frameAt(t: number, frame: LocalFrame): LocalFrame {
    const i = this.leg(t);
    const n = this.ts.length;
    if (i < 0) return frame.setGeodetic(this.lats[0], this.lons[0], this.hM);
    if (i >= n - 1) return frame.setGeodetic(this.lats[n - 1], this.lons[n - 1], this.hM);
    const f = (t - this.ts[i]) / (this.ts[i + 1] - this.ts[i]);
    const dLon = wrapPi(this.lons[i + 1] - this.lons[i]);
    return frame.setGeodetic(
      this.lats[i] + f * (this.lats[i + 1] - this.lats[i]),
      wrapPi(this.lons[i] + f * dLon),
      this.hM,
    );
  }

  /**
   * ECEF velocity at time t of a platform whose frame is `frame` (as set by `frameAt(t)`), into `out`.
   * Zero for fixed sites and outside the track's time span.
   */
  velocityAt(t: number, frame: LocalFrame, out: Float64Array): Float64Array {
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    const i = this.leg(t);
    if (!this.moving || i < 0 || i >= this.ts.length - 1) return out;
    const dt = this.ts[i + 1] - this.ts[i];
    const latRate = (this.lats[i + 1] - this.lats[i]) / dt;
    const lonRate = wrapPi(this.lons[i + 1] - this.lons[i]) / dt;
    const sl = Math.sin(frame.latRad);
    const w = 1 - WGS84.e2 * sl * sl;
    const nRad = WGS84.a / Math.sqrt(w); // prime vertical radius
    const mRad = (WGS84.a * (1 - WGS84.e2)) / (w * Math.sqrt(w)); // meridian radius
    const vNorth = (mRad + this.hM) * latRate;
    const vEast = (nRad + this.hM) * Math.cos(frame.latRad) * lonRate;
    const b = frame.basis;
    out[0] = vEast * b[0] + vNorth * b[3];
    out[1] = vEast * b[1] + vNorth * b[4];
    out[2] = vEast * b[2] + vNorth * b[5];
    return out;
  }
}

function checkLatLon(latRad: number, lonRad: number, field: string): void {
  if (!Number.isFinite(latRad) || Math.abs(latRad) > Math.PI / 2) {
    throw new UserError(`${field}.latRad: must be a latitude in [-π/2, π/2] radians, got ${latRad}`);
  }
  if (!Number.isFinite(lonRad) || Math.abs(lonRad) > 2 * Math.PI) {
    throw new UserError(`${field}.lonRad: must be a longitude in radians, got ${lonRad}`);
  }
}
