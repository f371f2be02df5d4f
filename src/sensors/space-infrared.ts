/**
 * Space-based infrared early warning (SBIRS-like): a satellite that sees the plume of a burning booster.
 *
 * Platform: a geostationary satellite (fixed in ECEF above the equator at the given longitude, radius
 * a + 35,786 km), any point fixed in ECEF given by geodetic latitude, longitude and altitude, or a
 * two-body Keplerian orbit (e.g. a Molniya-type HEO; see kepler-orbit.ts for its frame convention),
 * whose position, local frame and field of regard are recomputed at every scan.
 *
 * Detection: only objects whose motor burns (`TruthState.burning`) and whose geodetic height exceeds
 * `minAltitudeM` (≈10 km: below that the plume is hidden by the lower atmosphere), inside the field of
 * regard (a cone around the direction to a ground point; by default the whole visible Earth disk), with
 * a line of sight not passing below the WGS84 ellipsoid; then with probability `pd` per scan.
 *
 * Measurement (consistent with detection.ts, kind "ir"): z = [azimuth, elevation] of the line of sight
 * satellite → target in the ENU frame whose origin is the satellite and whose axes are those of the
 * geodetic point below it (so looking down, elevations are near −90°). Noise is isotropic on the
 * sphere of directions with σ = sigmaLosRad: σ_el = σ, σ_az = σ / cos(el) (an azimuth step moves the line
 * of sight by cos(el) times as much), R = diag(σ_az², σ_el²) per detection. cos(el) is floored at 1e-3
 * so a target exactly below the satellite keeps a finite covariance; azimuth is then ill-conditioned
 * and trackers should rely on elevation (this never happens for GEO satellites viewing mid-latitudes).
 * False alarms: Poisson per scan, uniform in solid angle over the field-of-regard cone.
 */

import { UserError } from "../core/errors.ts";
import { ecefToGeodeticInto, geodeticToEcef, WGS84 } from "../core/geodesy.ts";
import type { Rng } from "../core/rng.ts";
import { isNationCode, type NationCode } from "../world/nation.ts";
import type { Detection, DetectionTruth } from "./detection.ts";
import { Float64Slab } from "./float64-slab.ts";
import { type KeplerElements, KeplerOrbit } from "./kepler-orbit.ts";
import { SensorBase } from "./sensor.ts";
import { geodeticHeight, LocalFrame, lineOfSightBlocked, wrapTwoPi } from "./site-geometry.ts";
import type { TruthSnapshot } from "./truth-snapshot.ts";

/** Height of the geostationary orbit above the equatorial radius, metres. */
export const GEO_ALTITUDE_M = 35_786_000;

export type SatelliteOrbit =
  | { readonly type: "geo"; readonly lonRad: number }
  | { readonly type: "fixed"; readonly latRad: number; readonly lonRad: number; readonly altitudeM: number }
  | ({ readonly type: "kepler" } & KeplerElements);

export interface FieldOfRegard {
  /** Ground point the sensor stares at. */
  readonly centerLatRad: number;
  readonly centerLonRad: number;
  /** Half-angle of the cone around the line of sight to that point, radians. */
  readonly halfAngleRad: number;
}

/** Everything that defines one space infrared sensor; SI units, angles in radians. */
export interface SpaceInfraredParams {
  readonly id: string;
  readonly nation: NationCode;
  readonly orbit: SatelliteOrbit;
  /** Field of regard; null or absent: the whole visible Earth disk. */
  readonly fieldOfRegard?: FieldOfRegard | null;
  /** Minimum geodetic height of a detectable plume, metres (≈10 km). */
  readonly minAltitudeM: number;
  /** Probability of detecting a burning, visible target in one scan. */
  readonly pd: number;
  /** σ of the line-of-sight direction, radians (isotropic). */
  readonly sigmaLosRad: number;
  readonly revisitS: number;
  readonly latencyS: number;
  readonly scanOffsetS: number;
  /** Mean number of false alarms per scan (Poisson). */
  readonly falseAlarmsPerScan: number;
}

const MIN_COS_EL = 1e-3;

export class SpaceInfrared extends SensorBase {
  readonly kind = "ir" as const;
  readonly params: SpaceInfraredParams;
  /** Satellite frame: origin at the satellite, axes of the geodetic point below it. */
  readonly frame = new LocalFrame();
  /** Unit vector (ECEF) of the field-of-regard axis. */
  private readonly axis = new Float64Array(3);
  private cosHalf = 1;
  /** Orthonormal pair perpendicular to the axis, for drawing false alarms. */
  private readonly perp1 = new Float64Array(3);
  private readonly perp2 = new Float64Array(3);
  /** Storage for the z, R and site arrays of detections. */
  private readonly slab = new Float64Slab();
  /** The moving platform's orbit; null for a platform fixed in ECEF. */
  private readonly kepler: KeplerOrbit | null;
  private readonly forCentre: Float64Array | null;
  private readonly scratch = new Float64Array(3);
  /** Time the geometry was last computed for (moving platforms). */
  private geometryT = Number.NaN;

  constructor(params: SpaceInfraredParams) {
    validateSpaceInfraredParams(params);
    super(params.id, params.nation, params.revisitS, params.latencyS, params.scanOffsetS);
    this.params = params;
    const f = params.fieldOfRegard;
    this.forCentre = f ? geodeticToEcef(f.centerLatRad, f.centerLonRad, 0) : null;
    const o = params.orbit;
    this.kepler = o.type === "kepler" ? new KeplerOrbit(o, `sensor ${params.id}: orbit`) : null;
    if (o.type === "geo") this.frame.setGeodetic(0, o.lonRad, GEO_ALTITUDE_M);
    else if (o.type === "fixed") this.frame.setGeodetic(o.latRad, o.lonRad, o.altitudeM);
    this.updateGeometry(0);
  }

  /** Places the platform at time t (moving platforms only) and recomputes the field-of-regard cone. */
  private updateGeometry(t: number): void {
    if (this.kepler) {
      if (t === this.geometryT) return;
      this.geometryT = t;
      const p = this.kepler.positionAt(t, this.scratch);
      const x = p[0];
      const y = p[1];
      const z = p[2];
      const g = ecefToGeodeticInto(x, y, z, this.scratch);
      this.frame.setGeodetic(g[0], g[1], g[2]);
      // Keep the orbit's exact position rather than its geodetic round trip.
      this.frame.origin[0] = x;
      this.frame.origin[1] = y;
      this.frame.origin[2] = z;
    } else if (!Number.isNaN(this.geometryT)) {
      return; // fixed in ECEF: computed once
    } else {
      this.geometryT = t;
    }
    const s = this.frame.origin;
    const rs = Math.hypot(s[0], s[1], s[2]);
    const c = this.forCentre;
    let halfAngle: number;
    if (c) {
      const d = Math.hypot(c[0] - s[0], c[1] - s[1], c[2] - s[2]);
      for (let j = 0; j < 3; j++) this.axis[j] = (c[j] - s[j]) / d;
      halfAngle = (this.params.fieldOfRegard as FieldOfRegard).halfAngleRad;
    } else {
      // Nadir toward the Earth's centre; the cone holds the whole disk and objects up to ~1,500 km above
      // the limb (seen against space), so only Earth occlusion decides visibility.
      for (let j = 0; j < 3; j++) this.axis[j] = -s[j] / rs;
      halfAngle = Math.asin(Math.min(1, (WGS84.a + 1_500_000) / rs));
    }
    this.cosHalf = Math.cos(halfAngle);
    // Any vector not parallel to the axis, orthogonalised.
    const a = this.axis;
    const hx = Math.abs(a[2]) < 0.9 ? 0 : 1;
    const hz = 1 - hx;
    // c1 = helper × a with helper = (hx, 0, hz)
    const c1x = -hz * a[1];
    const c1y = hz * a[0] - hx * a[2];
    const c1z = hx * a[1];
    const n1 = Math.hypot(c1x, c1y, c1z);
    const p1 = this.perp1;
    p1[0] = c1x / n1;
    p1[1] = c1y / n1;
    p1[2] = c1z / n1;
    this.perp2[0] = a[1] * p1[2] - a[2] * p1[1];
    this.perp2[1] = a[2] * p1[0] - a[0] * p1[2];
    this.perp2[2] = a[0] * p1[1] - a[1] * p1[0];
  }

  positionAt(t: number, out: Float64Array): Float64Array {
    this.updateGeometry(t);
    out.set(this.frame.origin);
    return out;
  }

  scanSnapshot(snap: TruthSnapshot, rng: Rng, out: Detection[], truthOut: DetectionTruth[]): number {
    const t = snap.t;
    this.updateGeometry(t);
    const p = this.params;
    const o = this.frame.origin;
    const b = this.frame.basis;
    const ax = this.axis;
    const pos = snap.pos;
    let appended = 0;
    let siteCopy: Float64Array | null = null;

    for (let i = 0; i < snap.count; i++) {
      if (snap.burning[i] === 0) continue;
      const k = 3 * i;
      const px = pos[k];
      const py = pos[k + 1];
      const pz = pos[k + 2];
      const dx = px - o[0];
      const dy = py - o[1];
      const dz = pz - o[2];
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (dx * ax[0] + dy * ax[1] + dz * ax[2] < r * this.cosHalf) continue;
      if (geodeticHeight(px, py, pz) < p.minAltitudeM) continue;
      if (lineOfSightBlocked(o[0], o[1], o[2], px, py, pz)) continue;
      if (rng.uniform() >= p.pd) continue;
      const east = b[0] * dx + b[1] * dy + b[2] * dz;
      const north = b[3] * dx + b[4] * dy + b[5] * dz;
      const up = b[6] * dx + b[7] * dy + b[8] * dz;
      const az = Math.atan2(east, north);
      const el = Math.asin(Math.max(-1, Math.min(1, up / r)));
      siteCopy ??= this.siteCopy(o);
      this.emitAngles(t, az, el, true, rng, siteCopy, snap.ids[i], out, truthOut);
      appended++;
    }

    const nFalse = p.falseAlarmsPerScan > 0 ? rng.poisson(p.falseAlarmsPerScan) : 0;
    for (let j = 0; j < nFalse; j++) {
      // Uniform in solid angle inside the cone: cos θ uniform in [cos half, 1], φ uniform.
      const cosT = 1 - rng.uniform() * (1 - this.cosHalf);
      const sinT = Math.sqrt(Math.max(0, 1 - cosT * cosT));
      const phi = 2 * Math.PI * rng.uniform();
      const c = sinT * Math.cos(phi);
      const s = sinT * Math.sin(phi);
      const ux = cosT * ax[0] + c * this.perp1[0] + s * this.perp2[0];
      const uy = cosT * ax[1] + c * this.perp1[1] + s * this.perp2[1];
      const uz = cosT * ax[2] + c * this.perp1[2] + s * this.perp2[2];
      const east = b[0] * ux + b[1] * uy + b[2] * uz;
      const north = b[3] * ux + b[4] * uy + b[5] * uz;
      const up = b[6] * ux + b[7] * uy + b[8] * uz;
      siteCopy ??= this.siteCopy(o);
      this.emitAngles(
        t,
        Math.atan2(east, north),
        Math.asin(Math.max(-1, Math.min(1, up))),
        false,
        rng,
        siteCopy,
        null,
        out,
        truthOut,
      );
      appended++;
    }
    return appended;
  }

  /** σ of azimuth and elevation for a line of sight at elevation `el` (isotropic LOS noise). */
  angleSigmas(el: number): { sigmaAzRad: number; sigmaElRad: number } {
    const s = this.params.sigmaLosRad;
    return { sigmaAzRad: s / Math.max(MIN_COS_EL, Math.cos(el)), sigmaElRad: s };
  }

  private siteCopy(o: Float64Array): Float64Array {
    const c = this.slab.take(3);
    c.set(o);
    return c;
  }

  private emitAngles(
    t: number,
    az: number,
    el: number,
    addNoise: boolean,
    rng: Rng,
    siteEcef: Float64Array,
    objectId: string | null,
    out: Detection[],
    truthOut: DetectionTruth[],
  ): void {
    const sEl = this.params.sigmaLosRad;
    const sAz = sEl / Math.max(MIN_COS_EL, Math.cos(el));
    const z = this.slab.take(2);
    z[0] = wrapTwoPi(addNoise ? az + sAz * rng.normal() : az);
    z[1] = addNoise ? el + sEl * rng.normal() : el;
    const R = this.slab.take(4);
    R[0] = sAz * sAz;
    R[3] = sEl * sEl;
    const id = this.nextDetectionId();
    out.push({
      id,
      t,
      tReport: t + this.latencyS,
      sensorId: this.id,
      nation: this.nation,
      kind: "ir",
      siteEcef,
      z,
      R,
    });
    truthOut.push({ detectionId: id, objectId });
  }
}

function need(ok: boolean, id: string, field: string, reason: string): void {
  if (!ok) throw new UserError(`sensor ${id}: ${field}: ${reason}`);
}

const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** Checks every parameter; throws UserError naming the field and the reason. */
export function validateSpaceInfraredParams(p: SpaceInfraredParams): void {
  const id = typeof p.id === "string" && p.id.length > 0 ? p.id : "(unnamed)";
  need(typeof p.id === "string" && p.id.length > 0, id, "id", "must be a non-empty string");
  need(isNationCode(p.nation), id, "nation", `must be a known nation code, got ${String(p.nation)}`);
  const o = p.orbit as SatelliteOrbit | undefined;
  need(
    o != null && (o.type === "geo" || o.type === "fixed" || o.type === "kepler"),
    id,
    "orbit.type",
    'must be "geo", "fixed" or "kepler"',
  );
  if (o?.type === "geo") {
    need(finite(o.lonRad), id, "orbit.lonRad", "must be a finite longitude in radians");
  } else if (o?.type === "fixed") {
    need(finite(o.latRad) && Math.abs(o.latRad) <= Math.PI / 2, id, "orbit.latRad", "must be in [-π/2, π/2]");
    need(finite(o.lonRad), id, "orbit.lonRad", "must be a finite longitude in radians");
    need(finite(o.altitudeM) && o.altitudeM > 100_000, id, "orbit.altitudeM", "must be above 100 km");
  }
  const f = p.fieldOfRegard;
  if (f != null) {
    need(
      finite(f.centerLatRad) && Math.abs(f.centerLatRad) <= Math.PI / 2,
      id,
      "fieldOfRegard.centerLatRad",
      "must be in [-π/2, π/2]",
    );
    need(finite(f.centerLonRad), id, "fieldOfRegard.centerLonRad", "must be a finite longitude in radians");
    need(
      finite(f.halfAngleRad) && f.halfAngleRad > 0 && f.halfAngleRad < Math.PI / 2,
      id,
      "fieldOfRegard.halfAngleRad",
      "must be in (0, π/2)",
    );
  }
  need(finite(p.minAltitudeM) && p.minAltitudeM >= 0, id, "minAltitudeM", "must be ≥ 0 metres");
  need(finite(p.pd) && p.pd >= 0 && p.pd <= 1, id, "pd", "must be a probability in [0, 1]");
  need(finite(p.sigmaLosRad) && p.sigmaLosRad > 0, id, "sigmaLosRad", "must be > 0 radians");
  need(finite(p.revisitS) && p.revisitS > 0, id, "revisitS", "must be > 0 seconds");
  need(finite(p.latencyS) && p.latencyS >= 0, id, "latencyS", "must be ≥ 0 seconds");
  need(finite(p.scanOffsetS), id, "scanOffsetS", "must be a finite time in seconds");
  need(finite(p.falseAlarmsPerScan) && p.falseAlarmsPerScan >= 0, id, "falseAlarmsPerScan", "must be ≥ 0");
}
