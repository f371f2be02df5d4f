/**
 * A warning that one nation's node issues for one threatened area, through its lifecycle: issued when
 * the probability of impact in the area passes its threshold, updated as the prediction sharpens,
 * cancelled when the area is no longer threatened. Angles in radians, times in scenario seconds.
 */
import type { AllyCode, NationCode } from "../world/nation.ts";
import type { ZoneKind } from "./maritime-zones.ts";

export type AlertState = "issued" | "updated" | "cancelled";

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

/** The predicted impact area: an ellipse on the ground that holds the impact with `probability`. */
export interface ImpactEllipse {
  readonly center: GeoPoint;
  readonly semiMajorM: number;
  readonly semiMinorM: number;
  /** Azimuth of the major axis, from north clockwise, radians. */
  readonly orientation: number;
  /** Probability that the impact lies inside (for example 0.95). */
  readonly probability: number;
}

export interface WarningArea {
  readonly id: string;
  readonly name: string;
  readonly nation: NationCode | null;
  /** A maritime or land zone of a nation, or an area the scenario defines. */
  readonly kind: ZoneKind | "protected";
}

export interface Alert {
  /** Stable over the alert's life: one alert per issuer, threat and area. */
  readonly id: string;
  /** 1 when issued, then one more per update or cancel. */
  readonly version: number;
  readonly state: AlertState;
  readonly issuer: AllyCode;
  readonly threatId: string;
  readonly area: WarningArea;
  /** Time of this version. */
  readonly t: number;
  readonly tImpact: number;
  /** Probability of impact inside the area at this version. */
  readonly probability: number;
  readonly ellipse: ImpactEllipse;
  /** The ellipse as a closed polygon (first point repeated last). */
  readonly ellipsePolygon: readonly GeoPoint[];
  readonly launchPoint?: GeoPoint;
  readonly tLaunch?: number;
  readonly missileClass?: string;
  /** True for everything AllyLink simulates: CAP status "Exercise". */
  readonly exercise: boolean;
  /** Why it was cancelled, e.g. "fell in the sea outside any EEZ". */
  readonly reason?: string;
}
