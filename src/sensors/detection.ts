import type { NationCode } from "../world/nation.ts";

/**
 * What a sensor reports: one measurement with its noise covariance. The identity of the true object
 * is never here; it travels on the evaluation channel (`DetectionTruth`) so trackers cannot cheat.
 *
 * Measurement kinds:
 * - "radar": z = [range m, azimuth rad (from north, clockwise), elevation rad] or, with range rate,
 *   [range, az, el, rangeRate m/s], in the local ENU frame of `siteEcef`.
 * - "ir": z = [azimuth rad, elevation rad] of the line of sight in the local ENU frame at the
 *   satellite position `siteEcef` (ENU defined from the geodetic point below the satellite).
 * - "position": z = [x, y, z] in ECEF (or a local Cartesian frame for user-supplied data).
 */
export type MeasurementKind = "radar" | "ir" | "position";

export interface Detection {
  /** Unique within a run: `${sensorId}:${sequence}`. */
  readonly id: string;
  /** Time of the measurement, s since epoch. */
  readonly t: number;
  /** Time the report reaches the node (t + reporting latency). */
  readonly tReport: number;
  readonly sensorId: string;
  readonly nation: NationCode;
  readonly kind: MeasurementKind;
  /** Sensor position in ECEF at time t, metres (length 3). */
  readonly siteEcef: Float64Array;
  readonly z: Float64Array;
  /** Measurement noise covariance, row-major z.length × z.length. */
  readonly R: Float64Array;
}

/** Evaluation-only link from a detection to the object that caused it (null: false alarm). */
export interface DetectionTruth {
  readonly detectionId: string;
  readonly objectId: string | null;
}
