/**
 * What the fusion engine consumes and produces.
 *
 * A `TrackReport` is one tracker's latest estimate of one object: the node's own tracker or an ally's
 * (a received BallisticTrack message). The state is the 6-D ECEF position/velocity part — allied
 * messages carry only that, and the node's 7-state (β) tracks are cut to it — so every report speaks
 * the same state space.
 *
 * A `SystemTrack` is the node's fused picture of one object: one stable system track number (stn),
 * the fused estimate, who contributed, and which nation has reporting responsibility for it.
 *
 * `checkTrackReport` is the gate every report passes before it may touch the fused picture: a wrong
 * size, a non-finite number, an asymmetric or non-positive-definite covariance is named and refused.
 */
import { cholesky } from "../core/matrix.ts";
import { isNationCode, type NationCode } from "../world/nation.ts";

export type FlightPhase = "boost" | "midcourse" | "reentry" | "unknown";
const PHASES: readonly string[] = ["boost", "midcourse", "reentry", "unknown"];

/** State size fused: ECEF [x y z vx vy vz]. */
export const FUSED_DIM = 6;

export interface TrackReport {
  /** Whose tracker made it (own nation or ally). */
  readonly source: NationCode;
  /** The source's own track number (unique per source). */
  readonly trackNumber: string;
  /** Time of the estimate, s since the exercise epoch. */
  readonly t: number;
  /** ECEF [x y z vx vy vz], m and m/s. */
  readonly x: Float64Array;
  /** 6×6 row-major covariance of x. */
  readonly P: Float64Array;
  /** Source's own quality figure, 0 (worst) .. 15 (best), as in BallisticTrack. */
  readonly quality?: number;
  readonly phase?: FlightPhase;
}

export interface Contributor {
  readonly source: NationCode;
  readonly trackNumber: string;
  /** Time of that source's estimate used. */
  readonly t: number;
  /** The flight phase that source reported. */
  readonly phase: FlightPhase;
}

export interface SystemTrack {
  /** System track number, stable while any contributor lives. */
  readonly stn: number;
  /** Time of the fused estimate (the fusion time). */
  readonly t: number;
  /** Fused ECEF [x y z vx vy vz]. */
  readonly x: Float64Array;
  /** Fused 6×6 covariance (covariance intersection: consistent under unknown correlation). */
  readonly P: Float64Array;
  /** Reports fused, best first. */
  readonly contributors: readonly Contributor[];
  /** The one nation reporting this track (best quality, with hysteresis). */
  readonly reportingResponsibility: NationCode;
  /** The reporter's own track number. */
  readonly reporterTrackNumber: string;
  /** Flight phase as the reporter sees it ("unknown" when not given). */
  readonly phase: FlightPhase;
  /** First time this system track existed. */
  readonly tFirst: number;
}

/**
 * Plausibility bounds: anything tracked is well inside a million kilometres of the Earth's centre
 * and slower than 100 km/s in ECEF (beyond that the state is garbage, and products of such numbers
 * overflow in prediction). The same bounds cap the standard deviations.
 */
const MAX_RANGE_M = 1e9;
const MAX_SPEED_MS = 1e5;

/**
 * Why a report is unusable, naming the field — or null when it is fine. Symmetry is checked to a
 * relative 1e-6 (what float round-off and JSON transport leave); positive definiteness by Cholesky.
 */
export function checkTrackReport(r: TrackReport): string | null {
  if (r === null || typeof r !== "object") return "report: not an object";
  if (!isNationCode(r.source)) return `source: unknown nation code ${JSON.stringify(r.source)}`;
  if (typeof r.trackNumber !== "string" || r.trackNumber.length === 0 || r.trackNumber.length > 64)
    return "trackNumber: must be a string of 1..64 characters";
  if (typeof r.t !== "number" || !Number.isFinite(r.t)) return `t: must be a finite number, got ${r.t}`;
  if (!(r.x instanceof Float64Array) || r.x.length !== FUSED_DIM)
    return `x: must be a Float64Array of ${FUSED_DIM} values`;
  for (let i = 0; i < FUSED_DIM; i++)
    if (!Number.isFinite(r.x[i])) return `x[${i}]: must be finite, got ${r.x[i]}`;
  const rM = Math.hypot(r.x[0], r.x[1], r.x[2]);
  if (rM > MAX_RANGE_M)
    return `x: position ${rM.toExponential(3)} m from the Earth's centre exceeds ${MAX_RANGE_M} m`;
  const vMs = Math.hypot(r.x[3], r.x[4], r.x[5]);
  if (vMs > MAX_SPEED_MS) return `x: speed ${vMs.toExponential(3)} m/s exceeds ${MAX_SPEED_MS} m/s`;
  const nn = FUSED_DIM * FUSED_DIM;
  if (!(r.P instanceof Float64Array) || r.P.length !== nn) return `P: must be a Float64Array of ${nn} values`;
  for (let q = 0; q < nn; q++) if (!Number.isFinite(r.P[q])) return `P[${q}]: must be finite, got ${r.P[q]}`;
  for (let i = 0; i < FUSED_DIM; i++) {
    const vii = r.P[i * FUSED_DIM + i];
    if (!(vii > 0)) return `P[${i}][${i}]: variance must be > 0, got ${vii}`;
    const maxSigma = i < 3 ? MAX_RANGE_M : MAX_SPEED_MS;
    if (vii > maxSigma * maxSigma) return `P[${i}][${i}]: variance ${vii} exceeds (${maxSigma})²`;
    for (let j = i + 1; j < FUSED_DIM; j++) {
      const a = r.P[i * FUSED_DIM + j];
      const b = r.P[j * FUSED_DIM + i];
      const scale = Math.sqrt(r.P[i * FUSED_DIM + i] * r.P[j * FUSED_DIM + j]);
      if (Math.abs(a - b) > 1e-6 * scale) return `P[${i}][${j}]: covariance is not symmetric (${a} vs ${b})`;
    }
  }
  if (!cholesky(r.P, FUSED_DIM, new Float64Array(nn))) return "P: covariance is not positive definite";
  if (r.quality !== undefined && !(Number.isFinite(r.quality) && r.quality >= 0 && r.quality <= 15))
    return `quality: must be in 0..15, got ${r.quality}`;
  if (r.phase !== undefined && !PHASES.includes(r.phase))
    return `phase: must be one of ${PHASES.join(", ")}, got ${JSON.stringify(r.phase)}`;
  return null;
}
