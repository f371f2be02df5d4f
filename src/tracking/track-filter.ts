import type { Detection } from "../sensors/detection.ts";

/**
 * The contract between a track's state estimator and the track manager. A filter owns its state
 * (x, P at time t, both in ECEF metres for scenario tracking or a local Cartesian frame for user
 * data) and knows how to predict and how to use any measurement kind it supports.
 *
 * Implementations: constant-velocity / constant-acceleration Kalman filters, ballistic EKF and UKF,
 * and the IMM that mixes several of them.
 */
export interface TrackFilter {
  /** State dimension (6 for CV position/velocity, 9 for CA, 7 with a ballistic coefficient, ...). */
  readonly dim: number;
  /** Time of the current estimate, s since epoch. */
  readonly t: number;
  /** State estimate (length dim): position first (x, y, z), then velocity (vx, vy, vz), then extras. */
  readonly x: Float64Array;
  /** Covariance, row-major dim × dim, symmetric positive definite. */
  readonly P: Float64Array;
  /** Propagates the estimate to time t (t may equal the current time; never earlier). */
  predictTo(t: number): void;
  /**
   * Squared Mahalanobis distance of the detection's innovation against the predicted measurement at
   * the detection's time, without changing the filter (the caller predicts first). Infinity when the
   * measurement kind is not supported or the innovation covariance is not positive definite.
   */
  gate(det: Detection): number;
  /**
   * Optional: ln det S of the innovation covariance computed by the latest gate() call, so a track
   * manager can rank pairs by −2·log-likelihood (d² + ln|S|) rather than d² alone. Filters that do
   * not provide it are ranked by d².
   */
  readonly lastGateLogDetS?: number;
  /** Updates with a detection taken at the filter's current time (Joseph form or square root). */
  update(det: Detection): void;
  /**
   * Optional, with `inflate`: writes into out (length ≥ dim) the state an update with det would give,
   * without changing the filter (called after predicting to the detection's time).
   */
  updatedState?(det: Detection, out: Float64Array): void;
  /**
   * Optional: adds a k × k covariance (row-major, positive semi-definite, k ≤ dim) to the leading
   * block of the filter's ambiguity covariance — error its own update cannot see, such as which of
   * several detections in its gate was really the track's. The ambiguity is carried through the
   * dynamics and shrinks with later updates like any error in the estimate, but it stays out of P:
   * gates keep the filter's own covariance, and consumers report P + ambiguity.
   */
  inflate?(C: Float64Array, k: number): void;
  /** The ambiguity covariance (dim × dim), or null when there is none. */
  readonly ambiguity?: Float64Array | null;
  /** Independent deep copy (used for retrodiction of late detections and for IMM mixing). */
  clone(): TrackFilter;
}

/**
 * The covariance a track reports: its filter's own, plus the ambiguity of detections it may have
 * taken from neighbouring objects (TrackFilter.inflate). A new array when there is ambiguity.
 */
export function reportedCovariance(f: TrackFilter): Float64Array {
  const A = f.ambiguity;
  if (!A) return f.P;
  const out = Float64Array.from(f.P);
  for (let i = 0; i < out.length; i++) out[i] += A[i];
  return out;
}

/** The 6×6 position–velocity block of a dim × dim covariance (P itself when dim is 6). */
export function positionVelocityBlock(P: Float64Array, dim: number): Float64Array {
  if (dim === 6) return P;
  const out = new Float64Array(36);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) out[i * 6 + j] = P[i * dim + j];
  return out;
}
