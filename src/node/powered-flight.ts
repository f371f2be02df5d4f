/**
 * Is the object still under thrust? A ballistic state predicts the object's acceleration exactly
 * (gravity, Earth rotation and, low down, drag); a booster adds tens of m/s² along its velocity. The
 * detector compares the velocity change the track shows over a window of several seconds with what the
 * ballistic model predicts over the same window, and calls the flight powered while the difference
 * exceeds a threshold well above what track noise produces. Impact predictions made from a powered
 * state would fall short, so the warning stage waits for burnout.
 */
import { BallisticModel } from "../tracking/models/ballistic.ts";

export interface PoweredFlightOptions {
  /** Window over which acceleration is judged, s (default 8). */
  readonly windowS?: number;
  /** Unexplained acceleration that means thrust, m/s² (default 6). */
  readonly thresholdMps2?: number;
  /**
   * Once judged past burnout (unpowered on a small excess), how long the excess must stay above the
   * threshold before the flight is called powered again, s (default 0: at once). Missiles here do not
   * relight, so a short excess after burnout is track noise (a relayed track flickering back to
   * "boost" half a minute after burnout).
   */
  readonly relightS?: number;
  /**
   * Count only the excess's component along the velocity as thrust (default false: its magnitude).
   * A booster pushes forward; drag on a spent stage still climbing through the air pulls back, and a
   * track's noise points anywhere.
   */
  readonly forwardOnly?: boolean;
}

interface Sample {
  readonly t: number;
  readonly x: Float64Array;
  /** Ballistic acceleration at x, m/s². */
  readonly a: Float64Array;
}

export class PoweredFlightDetector {
  private readonly history: Sample[] = [];
  private readonly model = new BallisticModel({ drag: false, qAccel: 0 });
  private readonly d = new Float64Array(6);
  private powered = true;
  private lastExcess = Number.NaN;
  /** Since when the excess has been above the threshold while judged past burnout. */
  private aboveSince = Number.NaN;
  /** The last judgement was unpowered on a small excess (past burnout), not on drag. */
  private ballistic = false;

  private readonly windowS: number;
  private readonly thresholdMps2: number;
  private readonly relightS: number;
  private readonly forwardOnly: boolean;

  constructor(opts: PoweredFlightOptions = {}) {
    this.windowS = opts.windowS ?? 8;
    this.thresholdMps2 = opts.thresholdMps2 ?? 6;
    this.relightS = opts.relightS ?? 0;
    this.forwardOnly = opts.forwardOnly ?? false;
  }

  /** Adds the latest state (position, velocity in ECEF); returns whether the flight looks powered. */
  add(t: number, x: ArrayLike<number>): boolean {
    const h = this.history;
    if (h.length && t <= h[h.length - 1].t) return this.powered;
    // Each sample keeps its state and the ballistic model's acceleration there (one derivative per
    // sample: the detector runs on every track at every step).
    const sample = { t, x: new Float64Array(6), a: new Float64Array(3) };
    for (let i = 0; i < 6; i++) sample.x[i] = x[i];
    this.model.derivative(sample.x, this.d);
    for (let i = 0; i < 3; i++) sample.a[i] = this.d[3 + i];
    h.push(sample);
    while (h.length > 2 && t - h[1].t >= this.windowS) h.shift();
    const first = h[0];
    const dt = t - first.t;
    if (dt < this.windowS * 0.5) return this.powered;
    // Mean ballistic acceleration over the window (trapezoid of the two ends) vs the observed one.
    const e0 = (sample.x[3] - first.x[3]) / dt - 0.5 * (first.a[0] + sample.a[0]);
    const e1 = (sample.x[4] - first.x[4]) / dt - 0.5 * (first.a[1] + sample.a[1]);
    const e2 = (sample.x[5] - first.x[5]) / dt - 0.5 * (first.a[2] + sample.a[2]);
    const excess = Math.hypot(e0, e1, e2);
    this.lastExcess = excess;
    // Boosters climb; a descending object decelerating in the air is drag, not thrust.
    const radial = x[0] * x[3] + x[1] * x[4] + x[2] * x[5];
    const forward = (e0 * x[3] + e1 * x[4] + e2 * x[5]) / Math.hypot(x[3], x[4], x[5]);
    const above = radial > 0 && (this.forwardOnly ? forward : excess) > this.thresholdMps2;
    const drag = this.forwardOnly && !above && forward < -this.thresholdMps2;
    if (above && this.ballistic && this.relightS > 0) {
      if (Number.isNaN(this.aboveSince)) this.aboveSince = t;
      this.powered = t - this.aboveSince >= this.relightS;
    } else {
      this.aboveSince = Number.NaN;
      this.powered = above;
    }
    // Judged unpowered on a small excess, not on drag: past burnout (a young track's filter settling
    // can look like drag for a step, and must not hold a booster as unpowered for relightS).
    this.ballistic = !this.powered && !drag;
    return this.powered;
  }

  /** The last judgement (true until half a window of states has been seen). */
  get isPowered(): boolean {
    return this.powered;
  }

  /** Whether half a window of states has been judged yet (before that, `isPowered` is only the prior). */
  get judged(): boolean {
    return !Number.isNaN(this.lastExcess);
  }

  /** Unexplained acceleration at the last judgement, m/s² (NaN before the first judgement). */
  get excessAccel(): number {
    return this.lastExcess;
  }
}
