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
 * Boost: thrust (20–100 m/s² along the velocity) is not in the ballistic model. Each track is an IMM of
 * the ballistic filter and a boost filter that estimates the thrust acceleration along the velocity as
 * an eighth state (ballistic.ts), so that a boosting track follows its booster and its covariance
 * says how well. With the ballistic model alone the fused ICBM track's mean 6-D NEES in boost was
 * 30–50 against 6, and 6–14 with a boost twin whose white noise (5,000 m²/s³) stood in for thrust
 * (icbm-track-continuity.test.ts). Missiles here do not relight: once boost has been ruled out for a
 * while — a low weight, and no thrust left in the boost filter's own estimate — the track keeps the
 * ballistic filter alone (settling-imm.ts): debris and spent stages, most tracks in a raid, within
 * seconds of their start.
 */

import { BallisticModel, BETA_FLOOR } from "../tracking/models/ballistic.ts";
import { BallisticEkf } from "../tracking/models/ekf.ts";
import { SettlingImm } from "../tracking/models/settling-imm.ts";
import { radarToEcef } from "../tracking/radar-conversion.ts";
import type { TrackFilter } from "../tracking/track-filter.ts";
import { TrackManager, type TrackManagerOptions } from "../tracking/track-manager.ts";
import { EARTH_WGS84, surfaceHeight } from "../world/flight-model.ts";

export interface BallisticTrackerOptions {
  /** Acceleration noise density of the ballistic model, m²/s³ (default 400). */
  readonly qAccel?: number;
  /** Whether tracks carry a boost model beside the ballistic one (default true). */
  readonly boost?: boolean;
  /** Prior 1σ of each velocity component at initiation, m/s (default 3,000). */
  readonly velocitySigma?: number;
  /** Bounded reporting lag the tracker waits for, s (default 2). */
  readonly lagWindowS?: number;
  readonly hooks?: Pick<TrackManagerOptions, "onUpdate" | "onConfirm" | "onDelete">;
}

/**
 * Switching between the models, per second: boost ends at a rate of 1/5 s and starts at 1/10⁴ s
 * (nothing here relights). Boost must be let go quickly: a radar that updates a track every 8–10 s
 * hardly tells the models apart after burnout, and while the boost model keeps weight the track's
 * velocity keeps the thrust it last had.
 */
const BOOST_END_PER_S = 0.2;
const BOOST_START_PER_S = 1e-4;
/** Boost is ruled out while its weight stays below this for SETTLE_S ... */
const SETTLE_BELOW = 0.01;
const SETTLE_S = 20;
/** ... and the boost filter's own thrust estimate is below this, m/s². */
const SETTLE_THRUST_MPS2 = 5;
/**
 * Boost model: the ballistic model's white acceleration noise (the two differ only by the thrust
 * state) and a thrust that wanders by √(20·10) ≈ 14 m/s² in 10 s (an ICBM's stage goes from ~30 to
 * ~100 m/s² over its 60–90 s burn; staging is a step the IMM's ballistic model bridges). Chosen on
 * the ICBM track's NEES (icbm-track-continuity.test.ts): with 1,000 m²/s³ of white noise the IMM
 * trusted its ballistic model more, and the tracks' own NEES in boost rose from 4–7 to 7–12.
 */
const BOOST_Q_THRUST = 20;
/** Prior of a new track's thrust: 0 ± 40 m/s² (anything from a coasting object to a late stage). */
const THRUST_PRIOR_SIGMA = 40;

/**
 * Drag is estimated as 1/β (m²/kg), in which it is linear. A new track's prior is a generic reentry
 * vehicle, β 5,000 ± 3,000 kg/m² (1/β = 2·10⁻⁴ ± 1.2·10⁻⁴, the same spread carried to 1/β): while a
 * track may still be a booster, a wider one gave its ballistic model so much drag uncertainty low in
 * the air that it explained the booster's thrust as well as the boost model (in the thrust test below,
 * a seed saw thrust in 17–19 of its 30 boost updates, under the floor of 21). Once boost is ruled out
 * (its weight below 1 %) and the track is above the air, the spread is widened to 2·10⁻³ (β down to
 * 400 within 1 σ, light debris within 3 σ), and drag in the upper air reveals it.
 *
 * With β itself in the state, an EKF linearised at 5,000 ± 3,000 kg/m² expected 0.9 m/s² of drag
 * uncertainty at 33 km and 1,150 m/s, where a 300-kg/m² fragment had 26 m/s² of drag: its β stayed
 * near the prior down to 24 km and was known (σ below 1,500) only at 15 km, at 250 m/s. With 1/β it
 * is 399 ± 167 kg/m² at 32 km, at 1,100 m/s (the test below).
 */
const INVERSE_BETA_PRIOR = 1 / 5000;
const INVERSE_BETA_PRIOR_SIGMA = 3000 / 5000 ** 2;
const INVERSE_BETA_SETTLED_SIGMA = 2e-3;
/**
 * ... widened only above this height, where drag is negligible. Widened at any height (a missile just
 * after burnout, low in the air, suddenly had an uncertain velocity), the raid's KOR R33 warned 23 s
 * later (68 → 91 s after launch) and KOR's false warnings rose from 12 to 13.
 */
const WIDEN_ABOVE_M = 80e3;
/** Random walk of 1/β, (m²/kg)²/s: 2·10⁻⁴ (one prior mean) per 100 s. */
const Q_INVERSE_BETA = 4e-10;

export function createBallisticTracker(opts: BallisticTrackerOptions = {}): TrackManager {
  // Drag with 1/β in the state: reentry decelerations reach hundreds of m/s²,
  // which no reasonable process noise covers.
  const model = new BallisticModel({
    drag: true,
    dragState: "inverse",
    qAccel: opts.qAccel ?? 400,
    qBeta: Q_INVERSE_BETA,
  });
  const boostModel =
    (opts.boost ?? true)
      ? new BallisticModel({
          drag: true,
          dragState: "inverse",
          thrust: true,
          qAccel: model.qAccel,
          qBeta: model.qBeta,
          qThrust: BOOST_Q_THRUST,
        })
      : undefined;
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
      x0[INVERSE_BETA] = INVERSE_BETA_PRIOR;
      P0[INVERSE_BETA * 7 + INVERSE_BETA] = INVERSE_BETA_PRIOR_SIGMA ** 2;
      if (!boostModel) return new BallisticEkf(model, det.t, x0, P0);
      // A new track may be a booster or anything else: even odds.
      const xb = new Float64Array(8);
      xb.set(x0);
      const Pb = new Float64Array(64);
      for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) Pb[i * 8 + j] = P0[i * 7 + j];
      Pb[63] = THRUST_PRIOR_SIGMA ** 2;
      return new SettlingImm(
        [new BallisticEkf(model, det.t, x0, P0), new BallisticEkf(boostModel, det.t, xb, Pb)],
        { mu0: [0.5, 0.5], transition },
        {
          keep: BALLISTIC,
          below: SETTLE_BELOW,
          settleS: SETTLE_S,
          othersPlausible: (models) => models[BOOST].x[THRUST] > SETTLE_THRUST_MPS2,
          onRuledOut: (kept) => {
            if (surfaceHeight(EARTH_WGS84, kept.x[0], kept.x[1], kept.x[2]) < WIDEN_ABOVE_M) return false;
            const k = INVERSE_BETA * kept.dim + INVERSE_BETA;
            kept.P[k] = Math.max(kept.P[k], INVERSE_BETA_SETTLED_SIGMA ** 2);
            return true;
          },
        },
      );
    },
  });
}

/** The models of a track's IMM; where the filters keep 1/β, and the boost model its thrust. */
const BALLISTIC = 0;
const BOOST = 1;
const INVERSE_BETA = 6;
const THRUST = 7;

/** What a track's filter knows of thrust along its velocity, m/s². */
export interface ThrustEstimate {
  /** The boost model's thrust weighted by its probability (0 once boost is ruled out). */
  readonly expected: number;
  /** The boost model's own thrust: what the track has if it is boosting (0 once ruled out). */
  readonly ifBoosting: number;
}

/** The thrust a track's filter estimates now; undefined for a filter this tracker did not make. */
export function thrustEstimate(f: TrackFilter): ThrustEstimate | undefined {
  if (!(f instanceof SettlingImm)) return undefined;
  const imm = f.running;
  if (!imm) return { expected: 0, ifBoosting: 0 };
  const ifBoosting = imm.models[BOOST].x[THRUST];
  return { expected: imm.mu[BOOST] * ifBoosting, ifBoosting };
}

/**
 * What a track's filter has learnt of its ballistic coefficient: β (at least the dynamics' floor) and
 * its 1-σ (σ of 1/β carried to β at first order), kg/m²; undefined for a filter without drag or with
 * no drag estimated yet (1/β = 0).
 */
export function ballisticCoefficient(f: TrackFilter): { betaKgM2: number; sigmaKgM2: number } | undefined {
  if (f.dim <= INVERSE_BETA) return undefined;
  const k = f.x[INVERSE_BETA];
  if (!(k > 0)) return undefined;
  const sk = Math.sqrt(Math.max(f.P[INVERSE_BETA * f.dim + INVERSE_BETA], 0));
  return { betaKgM2: Math.max(1 / k, BETA_FLOOR), sigmaKgM2: sk / (k * k) };
}
