/**
 * Synthetic constant-velocity multi-target scenario (benchmarks A and B of issue 3, and the tracker's
 * correctness tests): targets start on a square grid at a fixed altitude with a fixed speed and a
 * random horizontal heading, then move by the exact discretisation of the continuous white-noise-
 * acceleration model the CV filter assumes (per axis, w ~ N(0, q·[[dt³/3, dt²/2], [dt²/2, dt]])).
 * Each scan, every target is detected with probability Pd with Gaussian position noise σ per axis,
 * and `clutterPerScan` false alarms (Poisson-free: exactly that many, as in the issue) fall uniformly
 * in the box grid ± margin × [0, clutterAltMax]. Detections are shuffled so order carries no truth.
 * Coordinates are a local Cartesian frame (x east, y north, z up), metres. All draws from one Rng.
 */
import type { Rng } from "../core/rng.ts";
import type { Detection } from "../sensors/detection.ts";
import type { TruthPoint } from "./evaluation.ts";

export interface CvScenarioOptions {
  targets: number;
  gridSpacingM: number;
  altitudeM: number;
  speedMps: number;
  /** Process noise PSD, m²/s³. */
  q: number;
  sigmaM: number;
  dt: number;
  pd: number;
  clutterPerScan: number;
  clutterMarginM: number;
  clutterAltMaxM: number;
  sensorId: string;
}

export const DEFAULT_CV_SCENARIO: CvScenarioOptions = {
  targets: 100,
  gridSpacingM: 20_000,
  altitudeM: 10_000,
  speedMps: 200,
  q: 0.1,
  sigmaM: 10,
  dt: 1,
  pd: 1,
  clutterPerScan: 0,
  clutterMarginM: 50_000,
  clutterAltMaxM: 20_000,
  sensorId: "radar-1",
};

export class CvScenario {
  readonly opts: CvScenarioOptions;
  /** Truth states, targets × [x, y, z, vx, vy, vz]. */
  readonly truth: Float64Array;
  t = 0;
  private scan = 0;
  private readonly R: Float64Array;
  private readonly site = new Float64Array(3);
  private readonly side: number;
  /** Truth id of each detection of the latest scan (null: clutter), evaluation only. */
  lastTruthIds: (string | null)[] = [];

  constructor(
    private readonly rng: Rng,
    options: Partial<CvScenarioOptions> = {},
  ) {
    const o = { ...DEFAULT_CV_SCENARIO, ...options };
    this.opts = o;
    this.side = Math.ceil(Math.sqrt(o.targets));
    this.truth = new Float64Array(o.targets * 6);
    for (let k = 0; k < o.targets; k++) {
      const heading = rng.uniform() * 2 * Math.PI;
      this.truth[6 * k] = (k % this.side) * o.gridSpacingM;
      this.truth[6 * k + 1] = Math.floor(k / this.side) * o.gridSpacingM;
      this.truth[6 * k + 2] = o.altitudeM;
      this.truth[6 * k + 3] = o.speedMps * Math.sin(heading);
      this.truth[6 * k + 4] = o.speedMps * Math.cos(heading);
      this.truth[6 * k + 5] = 0;
    }
    const s2 = o.sigmaM * o.sigmaM;
    this.R = Float64Array.from([s2, 0, 0, 0, s2, 0, 0, 0, s2]);
  }

  /** Advances the truth by one dt (exact CV discretisation with white-noise acceleration). */
  step(): void {
    const { dt, q } = this.opts;
    // Cholesky of q·[[dt³/3, dt²/2], [dt²/2, dt]]: l11 = √(q dt³/3), l21 = (q dt²/2)/l11, l22 = √(q dt − l21²).
    const l11 = Math.sqrt((q * dt ** 3) / 3);
    const l21 = l11 > 0 ? (q * dt * dt) / 2 / l11 : 0;
    const l22 = Math.sqrt(Math.max(0, q * dt - l21 * l21));
    const x = this.truth;
    for (let k = 0; k < this.opts.targets; k++) {
      for (let a = 0; a < 3; a++) {
        const n1 = this.rng.normal();
        const n2 = this.rng.normal();
        x[6 * k + a] += dt * x[6 * k + 3 + a] + l11 * n1;
        x[6 * k + 3 + a] += l21 * n1 + l22 * n2;
      }
    }
    this.t += dt;
  }

  /** The detections of one scan at the current time, shuffled. */
  detections(): Detection[] {
    const o = this.opts;
    const out: Detection[] = [];
    const ids: (string | null)[] = [];
    const seq = this.scan++;
    for (let k = 0; k < o.targets; k++) {
      if (o.pd < 1 && this.rng.uniform() >= o.pd) continue;
      const z = new Float64Array(3);
      for (let a = 0; a < 3; a++) z[a] = this.truth[6 * k + a] + o.sigmaM * this.rng.normal();
      out.push(this.makeDet(z, `${seq}-${out.length}`));
      ids.push(`T${k}`);
    }
    const span = (this.side - 1) * o.gridSpacingM;
    for (let c = 0; c < o.clutterPerScan; c++) {
      const z = Float64Array.from([
        -o.clutterMarginM + this.rng.uniform() * (span + 2 * o.clutterMarginM),
        -o.clutterMarginM + this.rng.uniform() * (span + 2 * o.clutterMarginM),
        this.rng.uniform() * o.clutterAltMaxM,
      ]);
      out.push(this.makeDet(z, `${seq}-${out.length}`));
      ids.push(null);
    }
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.rng.uniformInt(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    this.lastTruthIds = ids;
    return out;
  }

  /** Truth points at the current time (for the evaluator). */
  truthPoints(): TruthPoint[] {
    const pts: TruthPoint[] = [];
    for (let k = 0; k < this.opts.targets; k++)
      pts.push({ id: `T${k}`, state: this.truth.subarray(6 * k, 6 * k + 6) });
    return pts;
  }

  private makeDet(z: Float64Array, seq: string): Detection {
    return {
      id: `${this.opts.sensorId}:${seq}`,
      t: this.t,
      tReport: this.t,
      sensorId: this.opts.sensorId,
      nation: "USA",
      kind: "position",
      siteEcef: this.site,
      z,
      R: this.R,
    };
  }
}
