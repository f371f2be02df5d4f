/**
 * Root-mean-square errors on a time grid over Monte Carlo runs: position (state components 0–2) and
 * velocity (3–5), per step (RMSE over runs at that step) and pooled over a window of steps.
 */
export class RmseAccumulator {
  private readonly pos2: Float64Array;
  private readonly vel2: Float64Array;
  private readonly count: Uint32Array;

  constructor(readonly steps: number) {
    this.pos2 = new Float64Array(steps);
    this.vel2 = new Float64Array(steps);
    this.count = new Uint32Array(steps);
  }

  /** Adds one run's estimate at `step`; truth and est hold at least x, y, z, vx, vy, vz. */
  add(step: number, truth: ArrayLike<number>, est: ArrayLike<number>): void {
    let p = 0;
    let v = 0;
    for (let i = 0; i < 3; i++) {
      const ep = truth[i] - est[i];
      const ev = truth[i + 3] - est[i + 3];
      p += ep * ep;
      v += ev * ev;
    }
    this.pos2[step] += p;
    this.vel2[step] += v;
    this.count[step]++;
  }

  /** Number of estimates added at `step`. */
  countAt(step: number): number {
    return this.count[step];
  }

  /** Position RMSE at one step, m (NaN when nothing was added). */
  positionAt(step: number): number {
    return Math.sqrt(this.pos2[step] / this.count[step]);
  }

  /** Velocity RMSE at one step, m/s. */
  velocityAt(step: number): number {
    return Math.sqrt(this.vel2[step] / this.count[step]);
  }

  /** Pooled position RMSE over steps [from, to): √(Σ e² / Σ count). */
  position(from = 0, to = this.steps): number {
    return this.pooled(this.pos2, from, to);
  }

  /** Pooled velocity RMSE over steps [from, to). */
  velocity(from = 0, to = this.steps): number {
    return this.pooled(this.vel2, from, to);
  }

  private pooled(a: Float64Array, from: number, to: number): number {
    let s = 0;
    let c = 0;
    for (let k = from; k < to; k++) {
      s += a[k];
      c += this.count[k];
    }
    return c > 0 ? Math.sqrt(s / c) : Number.NaN;
  }
}
