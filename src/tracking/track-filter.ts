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
  /** Independent deep copy (used for retrodiction of late detections and for IMM mixing). */
  clone(): TrackFilter;
}
