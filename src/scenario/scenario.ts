/**
 * The internal scenario: what `load.ts` makes of a scenario file once it is valid. SI units,
 * radians, and times in seconds since the epoch — no degrees, kilometres or ISO text past here.
 */
import type { SensorSpec } from "../sensors/catalogue.ts";
import type { AllyCode, NationCode } from "../world/nation.ts";
import type { SharingMode, TrajectoryName } from "./schema.ts";

export type { SharingMode, TrajectoryName };

export interface GeoPoint {
  readonly latRad: number;
  readonly lonRad: number;
  /** Height above the WGS84 ellipsoid, m. */
  readonly hM: number;
}

export interface LaunchSite extends GeoPoint {
  /** Catalogue name, or null for a site given as coordinates. */
  readonly name: string | null;
}

export interface ScenarioLaunch {
  readonly id: string;
  /** Where it is written: index in /launches, and the line of the entry and of each of its fields. */
  readonly index: number;
  readonly line: number;
  readonly fieldLines: Readonly<Record<string, number>>;
  /** Launch time, s since epoch. */
  readonly tS: number;
  readonly site: LaunchSite;
  readonly missileClass: string;
  readonly trajectory: TrajectoryName;
  /** Named aim area, or null when the aim was given as a point or azimuth/range. */
  readonly aimName: string | null;
  /**
   * The aim point. When the file gave an azimuth and range, this is the point they reach on the
   * ellipsoid (geodesic direct problem), and `aimAzimuthRad` / `aimRangeM` keep what was written.
   */
  readonly aim: { readonly latRad: number; readonly lonRad: number };
  readonly aimAzimuthRad: number;
  readonly aimRangeM: number;
  /** Apogee (above the ellipsoid) the flight should be solved for, m; null: let the trajectory type decide. */
  readonly apogeeM: number | null;
  /** Fragments released at warhead separation; > 0 also drops the spent stages as debris. */
  readonly debrisCount: number;
}

export interface ScenarioWaypoint extends GeoPoint {
  /** Ground speed on the leg that ends here, m/s (the first waypoint's is unused). */
  readonly speedMps: number;
  /** Loiter here before the next leg, s. */
  readonly holdS: number;
}

export interface ScenarioAirMover {
  readonly id: string;
  readonly kind: "drone" | "aircraft";
  readonly nation: NationCode | null;
  /** Time it reaches the first waypoint, s since epoch. */
  readonly tS: number;
  readonly rcsM2: number;
  readonly waypoints: readonly ScenarioWaypoint[];
}

export interface ProtectedArea {
  readonly id: string;
  readonly name: string;
  readonly nation: AllyCode;
  /** Vertices (open ring), radians. */
  readonly polygon: readonly { readonly latRad: number; readonly lonRad: number }[];
}

/** A fault or exercise inject; only time and type are interpreted here, the rest is passed on. */
export interface ScenarioInject {
  readonly tS: number;
  readonly type: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Index in the file, so later stages can point back at it. */
  readonly index: number;
}

/**
 * A sensor as the scenario asks for it: the sensor catalogue's own spec (a catalogue name with SI
 * overrides, or a full inline specification), ready for `createSensor`.
 */
export interface ScenarioSensor {
  readonly id: string;
  readonly spec: SensorSpec;
  /** Index in /sensors and line in the file, for messages from later stages. */
  readonly index: number;
  readonly line: number;
}

export interface Scenario {
  /** The file it came from (as given), for messages. */
  readonly file: string;
  readonly name: string;
  readonly description: string;
  /** Epoch, ms since the Unix epoch (UTC). */
  readonly epochMs: number;
  readonly durationS: number;
  readonly seed: number | string;
  readonly nations: readonly AllyCode[];
  readonly sharing: SharingMode;
  readonly sensors: readonly ScenarioSensor[];
  readonly launches: readonly ScenarioLaunch[];
  readonly airMovers: readonly ScenarioAirMover[];
  readonly protectedAreas: readonly ProtectedArea[];
  readonly injects: readonly ScenarioInject[];
  /** Tabletop link; `file` resolved against the scenario's folder. */
  readonly tabletop: {
    readonly file: string | null;
    readonly fields: Readonly<Record<string, unknown>>;
  } | null;
}
