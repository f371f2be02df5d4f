/**
 * A nation's tracker for missiles: the track manager (gating, global nearest neighbour, M-of-N,
 * deletion) with a ballistic EKF per track, started from a single radar detection.
 *
 * One-point initiation: the detection's range/azimuth/elevation give the position and its
 * covariance (the measurement covariance carried through the spherical-to-ECEF Jacobian). The velocity
 * is unknown: it starts at zero with a 3 km/s spread per axis (covering everything from a drone to an
 * IRBM at burnout), except along the line of sight when the radar measures range rate. The first few
 * updates then pin it down; M-of-N confirmation keeps such young tracks out of the shared picture.
 *
 * Process noise: boost acceleration (tens of m/s²) is not in the ballistic model, so tracks carry a
 * white-acceleration density that covers it; the warning stage only uses states it judges ballistic.
 */
import type { Detection } from "../sensors/detection.ts";
import { BallisticModel } from "../tracking/models/ballistic.ts";
import { BallisticEkf } from "../tracking/models/ekf.ts";
import { radarToEcef } from "../tracking/radar-conversion.ts";
import { TrackManager, type TrackManagerOptions } from "../tracking/track-manager.ts";

export interface BallisticTrackerOptions {
  /** Acceleration noise density of the ballistic model, m²/s³ (default 400: covers boost). */
  readonly qAccel?: number;
  /** Prior 1σ of each velocity component at initiation, m/s (default 3,000). */
  readonly velocitySigma?: number;
  /** Bounded reporting lag the tracker waits for, s (default 2). */
  readonly lagWindowS?: number;
  readonly hooks?: Pick<TrackManagerOptions, "onUpdate" | "onConfirm" | "onDelete">;
}

/** Ballistic coefficient prior: a generic reentry vehicle, kg/m² (wide: debris to heavy RVs). */
const BETA_PRIOR = 5000;
const BETA_PRIOR_SIGMA = 3000;

export function createBallisticTracker(opts: BallisticTrackerOptions = {}): TrackManager {
  // Drag with the ballistic coefficient in the state: reentry decelerations reach hundreds of m/s²,
  // which no reasonable process noise covers.
  const model = new BallisticModel({ drag: true, qAccel: opts.qAccel ?? 400, qBeta: 1e3 });
  const sv = opts.velocitySigma ?? 3000;
  const pos = new Float64Array(3);
  const Ppos = new Float64Array(9);
  const los = new Float64Array(3);
  return new TrackManager({
    lagWindow: opts.lagWindowS ?? 2,
    confirmM: 3,
    confirmN: 5,
    maxMisses: 6,
    maxPositionSigma: 50_000,
    maxCoastTime: 60,
    ...opts.hooks,
    filterFactory: (det) => {
      if (det.kind !== "radar") return null;
      radarToEcef(det, pos, Ppos);
      const r = det.z[0];
      for (let i = 0; i < 3; i++) los[i] = (pos[i] - det.siteEcef[i]) / r;
      const x0 = new Float64Array(7);
      const P0 = new Float64Array(49);
      for (let i = 0; i < 3; i++) {
        x0[i] = pos[i];
        for (let j = 0; j < 3; j++) {
          P0[i * 7 + j] = Ppos[i * 3 + j];
          // Velocity prior: σv² I, collapsed along the line of sight to the range-rate σ if measured.
          P0[(i + 3) * 7 + (j + 3)] =
            (i === j ? sv * sv : 0) - (det.z.length === 4 ? (sv * sv - det.R[15]) * los[i] * los[j] : 0);
        }
        if (det.z.length === 4) x0[3 + i] = det.z[3] * los[i];
      }
      x0[6] = BETA_PRIOR;
      P0[48] = BETA_PRIOR_SIGMA ** 2;
      return new BallisticEkf(model, det.t, x0, P0);
    },
  });
}
