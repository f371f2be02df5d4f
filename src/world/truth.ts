/**
 * Ground truth of one moving object, sampled at any time. States are ECEF WGS84 metres and m/s;
 * time is seconds since the scenario epoch.
 */
export type FlightPhase = "boost" | "midcourse" | "reentry" | "air";

export interface TruthState {
  /** ECEF position, metres (length 3). */
  readonly pos: Float64Array;
  /** ECEF velocity, m/s (length 3). */
  readonly vel: Float64Array;
  phase: FlightPhase;
  /** True while a rocket motor burns (what space infrared sensors can see). */
  burning: boolean;
}

export function newTruthState(): TruthState {
  return { pos: new Float64Array(3), vel: new Float64Array(3), phase: "midcourse", burning: false };
}

/** Anything that flies in a scenario: missiles, debris, aircraft, drones. */
export interface Mover {
  readonly id: string;
  /** What kind of object: a missile class name, "debris", "aircraft", "drone". */
  readonly kind: string;
  /** Time it appears (launch / take-off), s since epoch. */
  readonly tStart: number;
  /** Time it ends (impact / landing), s since epoch. */
  readonly tEnd: number;
  /** Radar cross-section, m², used by sensors for detection probability. */
  readonly rcsM2: number;
  /** Optional time-varying RCS, m² (e.g. a whole missile in boost, then its reentry vehicle). */
  rcsAt?(t: number): number;
  /** Fills `out` with the state at time t; returns false when t is outside [tStart, tEnd]. */
  sample(t: number, out: TruthState): boolean;
}
