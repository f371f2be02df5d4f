/**
 * A trajectory stored as integrator samples (time, ECEF position, velocity, acceleration) and read back
 * by cubic Hermite interpolation: position from (pos, vel) at both ends, velocity from (vel, acc).
 * The integrator stops at every discontinuity of the acceleration (staging, cutoff) and stores the
 * sample twice there — once with the acceleration before, once after — so no interpolation segment
 * straddles a jump.
 *
 * Lookup keeps the last segment as a hint: callers that sample at increasing times (sensors at their
 * revisit) get O(1); arbitrary times fall back to binary search, O(log n).
 */
export const SAMPLE_STRIDE = 9;

export class DenseTrajectoryBuilder {
  private times = new Float64Array(256);
  private data = new Float64Array(256 * SAMPLE_STRIDE);
  private n = 0;

  get count(): number {
    return this.n;
  }

  push(t: number, y: ArrayLike<number>, acc: ArrayLike<number>, accOffset = 0): void {
    if (this.n === this.times.length) {
      const t2 = new Float64Array(this.n * 2);
      t2.set(this.times);
      this.times = t2;
      const d2 = new Float64Array(this.n * 2 * SAMPLE_STRIDE);
      d2.set(this.data);
      this.data = d2;
    }
    const o = this.n * SAMPLE_STRIDE;
    this.times[this.n] = t;
    for (let i = 0; i < 6; i++) this.data[o + i] = y[i];
    this.data[o + 6] = acc[accOffset];
    this.data[o + 7] = acc[accOffset + 1];
    this.data[o + 8] = acc[accOffset + 2];
    this.n++;
  }

  /** Drops samples after time t (used when an impact is found inside the last step). */
  truncateAfter(t: number): void {
    while (this.n > 0 && this.times[this.n - 1] > t) this.n--;
  }

  build(): DenseTrajectory {
    return new DenseTrajectory(this.times.slice(0, this.n), this.data.slice(0, this.n * SAMPLE_STRIDE));
  }
}

export class DenseTrajectory {
  private hint = 0;
  readonly count: number;
  readonly tStart: number;
  readonly tEnd: number;

  constructor(
    /** Sample times, non-decreasing (equal at discontinuities). */
    readonly times: Float64Array,
    /** Per sample: x, y, z, vx, vy, vz, ax, ay, az (ECEF, SI). */
    readonly data: Float64Array,
  ) {
    this.count = times.length;
    if (this.count < 2) throw new Error("DenseTrajectory needs at least two samples");
    this.tStart = times[0];
    this.tEnd = times[this.count - 1];
  }

  /** Index i of the segment [t_i, t_{i+1}) holding t, with t_{i+1} > t_i. Assumes t within range. */
  private segment(t: number): number {
    const ts = this.times;
    const last = this.count - 2;
    let i = this.hint;
    if (i <= last && ts[i] <= t && t < ts[i + 1]) return i;
    if (i + 1 <= last && ts[i + 1] <= t && t < ts[i + 2]) {
      this.hint = i + 1;
      return i + 1;
    }
    if (t >= ts[last + 1]) {
      // The end point itself: use the last segment of positive length.
      i = last;
      while (i > 0 && ts[i + 1] <= ts[i]) i--;
      this.hint = i;
      return i;
    }
    let lo = 0;
    let hi = last + 1; // invariant: ts[lo] <= t < ts[hi]
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] <= t) lo = mid;
      else hi = mid;
    }
    this.hint = lo;
    return lo;
  }

  /**
   * Writes position (and velocity, if `vel` given) at time t; returns false outside [tStart, tEnd].
   * No allocation.
   */
  interpolate(t: number, pos: Float64Array, vel?: Float64Array): boolean {
    if (!(t >= this.tStart && t <= this.tEnd)) return false;
    const i = this.segment(t);
    const t0 = this.times[i];
    const h = this.times[i + 1] - t0;
    const s = (t - t0) / h;
    const s2 = s * s;
    const s3 = s2 * s;
    const h00 = 2 * s3 - 3 * s2 + 1;
    const h10 = (s3 - 2 * s2 + s) * h;
    const h01 = -2 * s3 + 3 * s2;
    const h11 = (s3 - s2) * h;
    const d = this.data;
    const a = i * SAMPLE_STRIDE;
    const b = a + SAMPLE_STRIDE;
    for (let k = 0; k < 3; k++) {
      pos[k] = h00 * d[a + k] + h10 * d[a + 3 + k] + h01 * d[b + k] + h11 * d[b + 3 + k];
    }
    if (vel) {
      for (let k = 0; k < 3; k++) {
        vel[k] = h00 * d[a + 3 + k] + h10 * d[a + 6 + k] + h01 * d[b + 3 + k] + h11 * d[b + 6 + k];
      }
    }
    return true;
  }
}
