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
 * Boost: thrust (30–100 m/s² along the velocity) is not in the ballistic model. Each track is an IMM of
 * the ballistic filter and a boost twin whose acceleration noise covers thrust, so that a boosting
 * track's covariance admits how little is known of its next seconds (with the ballistic model alone the
 * fused ICBM track's mean 6-D NEES in boost was 30–50 against 6: errors two to three times the stated
 * sigmas; icbm-track-continuity.test.ts). Missiles here do not relight: once boost
 * has been ruled out for a while the track keeps the ballistic filter alone (settling-imm.ts) — debris
 * and spent stages, most tracks in a raid, within seconds of their start.
 */
import { BallisticModel } from "../tracking/models/ballistic.ts";
import { BallisticEkf } from "../tracking/models/ekf.ts";
import { SettlingImm } from "../tracking/models/settling-imm.ts";
import { radarToEcef } from "../tracking/radar-conversion.ts";
import { TrackManager, type TrackManagerOptions } from "../tracking/track-manager.ts";

export interface BallisticTrackerOptions {
  /** Acceleration noise density of the ballistic model, m²/s³ (default 400). */
  readonly qAccel?: number;
  /** Acceleration noise density of the boost model, m²/s³ (default 5,000; 0: no boost model). */
  readonly boostQAccel?: number;
  /** Prior 1σ of each velocity component at initiation, m/s (default 3,000). */
  readonly velocitySigma?: number;
  /** Bounded reporting lag the tracker waits for, s (default 2). */
  readonly lagWindowS?: number;
  readonly hooks?: Pick<TrackManagerOptions, "onUpdate" | "onConfirm" | "onDelete">;
}

/**
 * Switching between the models, per second: boost ends at a rate of 1/5 s and starts at 1/10⁴ s
 * (nothing here relights). Boost must be let go quickly: a radar that updates a track every 8–10 s
 * hardly tells the models apart after burnout, and while the boost model keeps weight its large
 * velocity corrections look like thrust to the powered-flight detectors (at 1/20 s JPN's first MRBM
 * warning in pacific-dragon came 46 s after burnout, at 1/5 s 36 s).
 */
const BOOST_END_PER_S = 0.2;
const BOOST_START_PER_S = 1e-4;
/** Boost is ruled out while its weight stays below this for SETTLE_S. */
const SETTLE_BELOW = 0.01;
const SETTLE_S = 20;

/** Ballistic coefficient prior: a generic reentry vehicle, kg/m² (wide: debris to heavy RVs). */
const BETA_PRIOR = 5000;
const BETA_PRIOR_SIGMA = 3000;

export function createBallisticTracker(opts: BallisticTrackerOptions = {}): TrackManager {
  // Drag with the ballistic coefficient in the state: reentry decelerations reach hundreds of m/s²,
  // which no reasonable process noise covers.
  const model = new BallisticModel({ drag: true, qAccel: opts.qAccel ?? 400, qBeta: 1e3 });
  const qBoost = opts.boostQAccel ?? 5000;
  const boostModel = qBoost > 0 ? new BallisticModel({ drag: true, qAccel: qBoost, qBeta: 1e3 }) : undefined;
  const transition = (dt: number) => {
    const start = 1 - Math.exp(-BOOST_START_PER_S * dt);
    const end = 1 - Math.exp(-BOOST_END_PER_S * dt);
    return [1 - start, start, end, 1 - end];
  };
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
      if (!boostModel) return new BallisticEkf(model, det.t, x0, P0);
      // A new track may be a booster or anything else: even odds.
      return new SettlingImm(
        [new BallisticEkf(model, det.t, x0, P0), new BallisticEkf(boostModel, det.t, x0, P0)],
        { mu0: [0.5, 0.5], transition },
        { keep: 0, below: SETTLE_BELOW, settleS: SETTLE_S },
      );
    },
  });
}
