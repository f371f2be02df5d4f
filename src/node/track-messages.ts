/**
 * Between a node's own tracks and the BallisticTrack messages allies exchange: the 6-D position and
 * velocity with its covariance (upper triangle), a quality figure, the flight phase and a coarse
 * classification. Sensor identities go in `contributors` and are stripped by the sender's policy for
 * every other nation.
 */
import { ecefToGeodetic } from "../core/geodesy.ts";
import type { FlightPhase } from "../fusion/track-report.ts";
import type { BallisticTrack } from "../sharing/messages.ts";
import type { NationCode } from "../world/nation.ts";

/** Track quality 0..15 from the position uncertainty: 15 at ≤ 10 m, one step less per doubling. */
export function trackQuality(P: ArrayLike<number>, dim: number): number {
  const sigma = Math.sqrt(Math.max((P[0] + P[dim + 1] + P[2 * dim + 2]) / 3, 0));
  const q = 15 - Math.log2(Math.max(sigma, 10) / 10);
  return Math.max(0, Math.min(15, Math.round(q)));
}

/**
 * Flight phase from the state and the powered-flight judgement (undefined: not judged yet): under
 * thrust, climbing unjudged ("unknown" — a young track may be a booster or a warhead still
 * climbing), coming back down into the atmosphere, or above it.
 */
export function phaseOf(x: ArrayLike<number>, powered: boolean | undefined): FlightPhase {
  const radial = (x[0] * x[3] + x[1] * x[4] + x[2] * x[5]) / Math.hypot(x[0], x[1], x[2]);
  if (powered) return "boost";
  if (powered === undefined && radial > 0) return "unknown";
  const g = ecefToGeodetic(x[0], x[1], x[2]);
  if (radial < 0 && g.h < 100e3) return "reentry";
  return "midcourse";
}

export function upperTriangle(P: ArrayLike<number>, dim: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 6; i++) for (let j = i; j < 6; j++) out.push(P[i * dim + j]);
  return out;
}

export function fromUpperTriangle(values: readonly number[], out = new Float64Array(36)): Float64Array {
  let k = 0;
  for (let i = 0; i < 6; i++)
    for (let j = i; j < 6; j++) {
      out[i * 6 + j] = values[k];
      out[j * 6 + i] = values[k];
      k++;
    }
  return out;
}

export interface TrackSnapshot {
  readonly trackNumber: string;
  readonly origin: NationCode;
  readonly updateSequence: number;
  readonly t: number;
  /** State (≥ 6 components: position, velocity, extras ignored). */
  readonly x: ArrayLike<number>;
  /** Covariance of the full state, row-major dim × dim. */
  readonly P: ArrayLike<number>;
  readonly dim: number;
  /** Flight phase (phaseOf). */
  readonly phase: FlightPhase;
  readonly contributors: BallisticTrack["contributors"];
}

export function trackMessage(s: TrackSnapshot): BallisticTrack {
  return {
    trackNumber: s.trackNumber,
    origin: s.origin,
    updateSequence: s.updateSequence,
    time: s.t,
    quality: trackQuality(s.P, s.dim),
    state: { posEcef: [s.x[0], s.x[1], s.x[2]], velEcef: [s.x[3], s.x[4], s.x[5]] },
    covariance: { form: "upper", values: upperTriangle(s.P, s.dim) },
    phase: s.phase,
    classification: { category: "UNKNOWN", confidence: 0 },
    contributors: s.contributors,
  };
}

/** The 6-D state and covariance a received track message carries. */
export function messageState(m: BallisticTrack): { x: Float64Array; P: Float64Array } {
  const x = Float64Array.from([...m.state.posEcef, ...m.state.velEcef]);
  const P =
    m.covariance.form === "upper"
      ? fromUpperTriangle(m.covariance.values)
      : Float64Array.from(m.covariance.values);
  return { x, P };
}
